#include "nmfkit/report/scatter_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "nmfkit/core/error.hpp"
#include "nmfkit/report/line_plot.hpp"
#include "nmfkit/report/palette.hpp"

namespace nmfkit::report {

namespace {

constexpr double kMarginLeft = 60;
constexpr double kMarginTop = 36;
constexpr double kMarginBottom = 46;
constexpr double kMarginRight = 16;
constexpr double kLegendWidth = 120;
constexpr std::size_t kMaxLegendEntries = 24;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

double step_of(const Axis& axis) {
  return axis.ticks.size() >= 2 ? axis.ticks[1] - axis.ticks[0] : 1.0;
}

}  // namespace

std::string scatter_plot_svg(const ScatterPoints& points, const ScatterPlotOptions& options) {
  if (options.width < 200 || options.height < 150) {
    throw InvalidArgument("scatter_plot_svg: the plot must be at least 200 × 150 pixels, got " +
                          std::to_string(options.width) + " × " + std::to_string(options.height));
  }
  const std::size_t n = points.x.size();
  if (points.y.size() != n || points.category.size() != n) {
    throw InvalidArgument("scatter_plot_svg: " + std::to_string(n) + " x values but " +
                          std::to_string(points.y.size()) + " y values and " +
                          std::to_string(points.category.size()) + " categories");
  }
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(points.x[i]) || !std::isfinite(points.y[i])) continue;
    x_low = std::min(x_low, points.x[i]);
    x_high = std::max(x_high, points.x[i]);
    y_low = std::min(y_low, points.y[i]);
    y_high = std::max(y_high, points.y[i]);
  }
  if (x_low > x_high) x_low = 0, x_high = 1, y_low = 0, y_high = 1;
  const Axis x_axis = linear_axis(x_low, x_high);
  const Axis y_axis = linear_axis(y_low, y_high);
  const bool legend = !points.category_names.empty();
  const double left = kMarginLeft;
  const double right = options.width - kMarginRight - (legend ? kLegendWidth : 0);
  const double top = kMarginTop;
  const double bottom = options.height - kMarginBottom;
  const auto px = [&](double v) {
    return left + (v - x_axis.low) / (x_axis.high - x_axis.low) * (right - left);
  };
  const auto py = [&](double v) {
    return bottom - (v - y_axis.low) / (y_axis.high - y_axis.low) * (bottom - top);
  };

  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"scatter-plot\" "
         "width=\"" + std::to_string(options.width) + "\" height=\"" +
         std::to_string(options.height) + "\" viewBox=\"0 0 " + std::to_string(options.width) +
         " " + std::to_string(options.height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!options.title.empty()) {
    svg += "<text class=\"title\" x=\"" + number((left + right) / 2) +
           "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" +
           escape_xml(options.title) + "</text>\n";
  }
  svg += "<g class=\"grid\" stroke=\"#e8e8e8\">\n";
  for (double t : x_axis.ticks) {
    svg += "<line x1=\"" + number(px(t)) + "\" y1=\"" + number(top) + "\" x2=\"" + number(px(t)) +
           "\" y2=\"" + number(bottom) + "\"/>\n";
  }
  for (double t : y_axis.ticks) {
    svg += "<line x1=\"" + number(left) + "\" y1=\"" + number(py(t)) + "\" x2=\"" +
           number(right) + "\" y2=\"" + number(py(t)) + "\"/>\n";
  }
  svg += "</g>\n<rect x=\"" + number(left) + "\" y=\"" + number(top) + "\" width=\"" +
         number(right - left) + "\" height=\"" + number(bottom - top) +
         "\" fill=\"none\" stroke=\"#333333\"/>\n";
  for (double t : x_axis.ticks) {
    svg += "<text x=\"" + number(px(t)) + "\" y=\"" + number(bottom + 16) +
           "\" text-anchor=\"middle\">" + escape_xml(tick_label(t, step_of(x_axis))) + "</text>\n";
  }
  for (double t : y_axis.ticks) {
    svg += "<text x=\"" + number(left - 6) + "\" y=\"" + number(py(t) + 4) +
           "\" text-anchor=\"end\">" + escape_xml(tick_label(t, step_of(y_axis))) + "</text>\n";
  }
  if (!options.x_label.empty()) {
    svg += "<text x=\"" + number((left + right) / 2) + "\" y=\"" +
           number(options.height - 10.0) + "\" text-anchor=\"middle\">" +
           escape_xml(options.x_label) + "</text>\n";
  }
  if (!options.y_label.empty()) {
    const double middle = (top + bottom) / 2;
    svg += "<text x=\"14\" y=\"" + number(middle) + "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " +
           number(middle) + ")\">" + escape_xml(options.y_label) + "</text>\n";
  }
  svg += "<g class=\"points\" fill-opacity=\"0.75\">\n";
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(points.x[i]) || !std::isfinite(points.y[i])) continue;
    const int c = points.category[i];
    const std::string color = c < 0 ? "#aaaaaa" : category_color(static_cast<std::size_t>(c));
    svg += "<circle cx=\"" + number(px(points.x[i])) + "\" cy=\"" + number(py(points.y[i])) +
           "\" r=\"" + number(options.radius) + "\" fill=\"" + color + "\"/>\n";
  }
  svg += "</g>\n";
  if (legend) {
    svg += "<g class=\"legend\">\n";
    const double x = right + 12;
    const std::size_t entries = std::min(points.category_names.size(), kMaxLegendEntries);
    for (std::size_t i = 0; i < entries; ++i) {
      const double y = top + 8 + static_cast<double>(i) * 15;
      svg += "<circle cx=\"" + number(x + 4) + "\" cy=\"" + number(y - 4) + "\" r=\"4\" fill=\"" +
             category_color(i) + "\"/><text x=\"" + number(x + 12) + "\" y=\"" + number(y) +
             "\">" + escape_xml(points.category_names[i]) + "</text>\n";
    }
    if (entries < points.category_names.size()) {
      svg += "<text x=\"" + number(x) + "\" y=\"" +
             number(top + 8 + static_cast<double>(entries) * 15) + "\">… " +
             std::to_string(points.category_names.size() - entries) + " more</text>\n";
    }
    svg += "</g>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace nmfkit::report
