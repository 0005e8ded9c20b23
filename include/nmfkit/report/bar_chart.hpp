#pragma once
// A horizontal bar chart as a standalone SVG document: one labelled bar per entry, longest
// for the largest value, its value written beside it. Top words of a topic, cluster sizes.

#include <string>
#include <vector>

namespace nmfkit::report {

struct Bar {
  std::string label;
  double value = 0;   // non-negative; non-finite or negative values draw no bar
  std::string color;  // empty: the chart's colour
};

struct BarChartOptions {
  std::string title;
  std::string color = "#0072B2";
  int width = 280;       // pixels, at least 150
  int bar_height = 16;   // pixels per bar, at least 8
};

// Bars in the order given. Labels longer than about 24 characters are shortened with "…"
// (the full label stays in the bar's tooltip).
std::string bar_chart_svg(const std::vector<Bar>& bars, const BarChartOptions& options);

}  // namespace nmfkit::report
