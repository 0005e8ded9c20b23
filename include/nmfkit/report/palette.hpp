#pragma once
// Colours for categories (topics, clusters, groups) shared by every chart of a report, so
// that topic 3 has one colour in the bars, the structure plot and the scatter plot.

#include <cstddef>
#include <string>

namespace nmfkit::report {

// The colour of category i: twenty distinct colours first (a colour-blind-safe set, then
// lighter and darker variants), then hues spaced by the golden angle.
std::string category_color(std::size_t i);

}  // namespace nmfkit::report
