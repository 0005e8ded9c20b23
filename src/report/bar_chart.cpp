#include "nmfkit/report/bar_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nmfkit/core/error.hpp"
#include "nmfkit/report/label_text.hpp"
#include "nmfkit/report/line_plot.hpp"

namespace nmfkit::report {

namespace {

constexpr std::size_t kMaxLabelChars = 24;
constexpr double kCharWidth = 6.2;  // of the 11-pixel sans-serif font, roughly
constexpr double kTitleHeight = 20;
constexpr double kValueWidth = 48;  // room for the value after the longest bar

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string value_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

}  // namespace

std::string bar_chart_svg(const std::vector<Bar>& bars, const BarChartOptions& options) {
  if (options.width < 150 || options.bar_height < 8) {
    throw InvalidArgument("bar_chart_svg: need a width of at least 150 and bars of at least 8 "
                          "pixels, got " + std::to_string(options.width) + " and " +
                          std::to_string(options.bar_height));
  }
  std::size_t longest = 1;
  double largest = 0;
  for (const auto& bar : bars) {
    longest = std::max(longest, character_count(shorten_label(bar.label, kMaxLabelChars)));
    if (std::isfinite(bar.value)) largest = std::max(largest, bar.value);
  }
  const double label_width = std::min(static_cast<double>(longest) * kCharWidth + 6,
                                      options.width / 2.0);
  const double bar_space = std::max(10.0, options.width - label_width - kValueWidth);
  const double top = options.title.empty() ? 4 : kTitleHeight + 4;
  const int height = static_cast<int>(top + bars.size() * options.bar_height + 4);

  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"bar-chart\" width=\"" +
         std::to_string(options.width) + "\" height=\"" + std::to_string(height) +
         "\" viewBox=\"0 0 " + std::to_string(options.width) + " " + std::to_string(height) +
         "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  if (!options.title.empty()) {
    svg += "<text class=\"title\" x=\"2\" y=\"14\" font-weight=\"bold\" font-size=\"12\">" +
           escape_xml(options.title) + "</text>\n";
  }
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = top + static_cast<double>(i) * options.bar_height;
    const double middle = y + options.bar_height / 2.0 + 4;
    const bool drawn = std::isfinite(bar.value) && bar.value > 0 && largest > 0;
    const double length = drawn ? bar.value / largest * bar_space : 0;
    const std::string color = bar.color.empty() ? options.color : bar.color;
    svg += "<g class=\"bar\"><title>" + escape_xml(bar.label + ": " + value_text(bar.value)) +
           "</title>";
    svg += "<text x=\"" + number(label_width - 4) + "\" y=\"" + number(middle) +
           "\" text-anchor=\"end\">" + escape_xml(shorten_label(bar.label, kMaxLabelChars)) + "</text>";
    svg += "<rect x=\"" + number(label_width) + "\" y=\"" + number(y + 2) + "\" width=\"" +
           number(length) + "\" height=\"" + number(options.bar_height - 4.0) + "\" fill=\"" +
           escape_xml(color) + "\"/>";
    svg += "<text x=\"" + number(label_width + length + 4) + "\" y=\"" + number(middle) +
           "\" fill=\"#555555\">" + escape_xml(value_text(bar.value)) + "</text></g>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace nmfkit::report
