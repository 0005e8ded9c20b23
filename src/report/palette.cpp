#include "nmfkit/report/palette.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>

namespace nmfkit::report {

namespace {

// Okabe & Ito's eight, then twelve more that stay apart from them and from each other.
constexpr const char* kColors[] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
    "#000000", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#FF9896",
    "#98DF8A", "#C5B0D5", "#C49C94", "#AEC7E8", "#FFBB78", "#393B79"};

}  // namespace

std::string category_color(std::size_t i) {
  if (i < std::size(kColors)) return kColors[i];
  // The golden angle keeps consecutive hues far apart however many there are.
  const double hue = std::fmod(static_cast<double>(i) * 137.508, 360.0);
  const int lightness = 40 + static_cast<int>(i % 3) * 12;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "hsl(%.0f,65%%,%d%%)", hue, lightness);
  return buffer;
}

}  // namespace nmfkit::report
