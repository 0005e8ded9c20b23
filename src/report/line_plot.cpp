#include "nmfkit/report/line_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "nmfkit/core/error.hpp"

namespace nmfkit::report {

namespace {

// Colour-blind-safe (Okabe & Ito), in the order series take them.
constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#F0E442", "#000000"};

// Plot area margins, in pixels: room for the title, tick labels and axis labels.
constexpr double kMarginLeft = 72;
constexpr double kMarginRight = 20;
constexpr double kMarginTop = 40;
constexpr double kMarginBottom = 52;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

// The step between ticks: 1, 2 or 5 times a power of ten, close to span / target.
double nice_step(double span, int target) {
  const double raw = span / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * magnitude;
}

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void include(double v) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  bool empty() const { return low > high; }
};

bool plottable(double x, double y, bool log_y) {
  return std::isfinite(x) && std::isfinite(y) && (!log_y || y > 0);
}

// Data → pixel coordinates of the plot area.
class Frame {
 public:
  Frame(const LinePlotOptions& options, Axis x_axis, Axis y_axis)
      : log_y_(options.log_y),
        x_axis_(std::move(x_axis)),
        y_axis_(std::move(y_axis)),
        left_(kMarginLeft),
        right_(options.width - kMarginRight),
        top_(kMarginTop),
        bottom_(options.height - kMarginBottom) {}

  double x(double value) const {
    return left_ + (value - x_axis_.low) / (x_axis_.high - x_axis_.low) * (right_ - left_);
  }
  double y(double value) const {
    const double low = log_y_ ? std::log10(y_axis_.low) : y_axis_.low;
    const double high = log_y_ ? std::log10(y_axis_.high) : y_axis_.high;
    const double v = log_y_ ? std::log10(value) : value;
    return bottom_ - (v - low) / (high - low) * (bottom_ - top_);
  }
  double left() const { return left_; }
  double right() const { return right_; }
  double top() const { return top_; }
  double bottom() const { return bottom_; }
  const Axis& x_axis() const { return x_axis_; }
  const Axis& y_axis() const { return y_axis_; }
  bool log_y() const { return log_y_; }

 private:
  bool log_y_;
  Axis x_axis_;
  Axis y_axis_;
  double left_, right_, top_, bottom_;
};

// The step of a linear axis' ticks (for their labels).
double step_of(const Axis& axis) {
  return axis.ticks.size() >= 2 ? axis.ticks[1] - axis.ticks[0] : std::abs(axis.high - axis.low);
}

void draw_axes(std::string& svg, const Frame& f, const LinePlotOptions& options) {
  svg += "<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
  for (double t : f.y_axis().ticks) {
    svg += "<line x1=\"" + number(f.left()) + "\" y1=\"" + number(f.y(t)) + "\" x2=\"" +
           number(f.right()) + "\" y2=\"" + number(f.y(t)) + "\"/>\n";
  }
  for (double t : f.x_axis().ticks) {
    svg += "<line x1=\"" + number(f.x(t)) + "\" y1=\"" + number(f.top()) + "\" x2=\"" +
           number(f.x(t)) + "\" y2=\"" + number(f.bottom()) + "\"/>\n";
  }
  svg += "</g>\n";

  svg += "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\" fill=\"none\">\n";
  svg += "<rect x=\"" + number(f.left()) + "\" y=\"" + number(f.top()) + "\" width=\"" +
         number(f.right() - f.left()) + "\" height=\"" + number(f.bottom() - f.top()) + "\"/>\n";
  svg += "</g>\n";

  const double x_step = step_of(f.x_axis());
  svg += "<g class=\"x-ticks\" text-anchor=\"middle\">\n";
  for (double t : f.x_axis().ticks) {
    svg += "<line x1=\"" + number(f.x(t)) + "\" y1=\"" + number(f.bottom()) + "\" x2=\"" +
           number(f.x(t)) + "\" y2=\"" + number(f.bottom() + 5) + "\" stroke=\"#333333\"/>\n";
    svg += "<text x=\"" + number(f.x(t)) + "\" y=\"" + number(f.bottom() + 18) + "\">" +
           escape_xml(tick_label(t, x_step)) + "</text>\n";
  }
  svg += "</g>\n";

  const double y_step = step_of(f.y_axis());
  svg += "<g class=\"y-ticks\" text-anchor=\"end\">\n";
  for (double t : f.y_axis().ticks) {
    svg += "<line x1=\"" + number(f.left() - 5) + "\" y1=\"" + number(f.y(t)) + "\" x2=\"" +
           number(f.left()) + "\" y2=\"" + number(f.y(t)) + "\" stroke=\"#333333\"/>\n";
    const std::string label = tick_label(t, f.log_y() ? t : y_step);
    svg += "<text x=\"" + number(f.left() - 8) + "\" y=\"" + number(f.y(t) + 4) + "\">" +
           escape_xml(label) + "</text>\n";
  }
  svg += "</g>\n";

  const double middle_x = (f.left() + f.right()) / 2;
  const double middle_y = (f.top() + f.bottom()) / 2;
  if (!options.title.empty()) {
    svg += "<text class=\"title\" x=\"" + number(options.width / 2.0) +
           "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
           escape_xml(options.title) + "</text>\n";
  }
  if (!options.x_label.empty()) {
    svg += "<text class=\"x-label\" x=\"" + number(middle_x) + "\" y=\"" +
           number(options.height - 12.0) + "\" text-anchor=\"middle\">" +
           escape_xml(options.x_label) + "</text>\n";
  }
  if (!options.y_label.empty()) {
    svg += "<text class=\"y-label\" x=\"16\" y=\"" + number(middle_y) +
           "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + number(middle_y) + ")\">" +
           escape_xml(options.y_label) + "</text>\n";
  }
}

void draw_series(std::string& svg, const Frame& f, const PlotSeries& s, const std::string& color) {
  svg += "<g class=\"series\" data-label=\"" + escape_xml(s.label) + "\">\n";
  // One polyline per unbroken run of plottable points.
  std::string points;
  auto flush = [&] {
    if (!points.empty()) {
      svg += "<polyline fill=\"none\" stroke=\"" + escape_xml(color) +
             "\" stroke-width=\"1.5\" points=\"" + points + "\"/>\n";
    }
    points.clear();
  };
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!plottable(s.x[i], s.y[i], f.log_y())) {
      flush();
      continue;
    }
    if (!points.empty()) points += ' ';
    points += number(f.x(s.x[i])) + "," + number(f.y(s.y[i]));
  }
  flush();
  if (s.show_points) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!plottable(s.x[i], s.y[i], f.log_y())) continue;
      svg += "<circle cx=\"" + number(f.x(s.x[i])) + "\" cy=\"" + number(f.y(s.y[i])) +
             "\" r=\"2.5\" fill=\"" + escape_xml(color) + "\"/>\n";
    }
  }
  svg += "</g>\n";
}

void draw_legend(std::string& svg, const Frame& f, const std::vector<PlotSeries>& series,
                 const std::vector<std::string>& colors) {
  svg += "<g class=\"legend\">\n";
  double y = f.top() + 16;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double x = f.right() - 150;
    svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(y - 4) + "\" x2=\"" + number(x + 20) +
           "\" y2=\"" + number(y - 4) + "\" stroke=\"" + escape_xml(colors[i]) +
           "\" stroke-width=\"2\"/>\n";
    svg += "<text x=\"" + number(x + 26) + "\" y=\"" + number(y) + "\">" +
           escape_xml(series[i].label) + "</text>\n";
    y += 16;
  }
  svg += "</g>\n";
}

}  // namespace

Axis linear_axis(double low, double high, int target) {
  if (!std::isfinite(low) || !std::isfinite(high) || low > high) {
    throw InvalidArgument("linear_axis: need finite low ≤ high, got " + std::to_string(low) +
                          " and " + std::to_string(high));
  }
  if (low == high) {
    const double half = low == 0 ? 1.0 : std::abs(low) / 2;
    low -= half;
    high += half;
  }
  const double step = nice_step(high - low, target);
  Axis axis;
  const double first = std::floor(low / step + 1e-9);
  const double last = std::ceil(high / step - 1e-9);
  axis.low = first * step;
  axis.high = last * step;
  for (double k = first; k <= last + 0.5; k += 1) {
    const double tick = k * step;
    axis.ticks.push_back(std::abs(tick) < step * 1e-9 ? 0.0 : tick);
  }
  return axis;
}

Axis log_axis(double low, double high) {
  if (!(low > 0) || !std::isfinite(high) || low > high) {
    throw InvalidArgument("log_axis: need 0 < low ≤ high, got " + std::to_string(low) + " and " +
                          std::to_string(high));
  }
  const int first = static_cast<int>(std::floor(std::log10(low) + 1e-12));
  int last = static_cast<int>(std::ceil(std::log10(high) - 1e-12));
  if (last == first) ++last;
  Axis axis;
  axis.low = std::pow(10.0, first);
  axis.high = std::pow(10.0, last);
  const int decades = last - first;
  // About eight labelled decades at most.
  const int every = std::max(1, (decades + 7) / 8);
  for (int e = first; e <= last; e += every) axis.ticks.push_back(std::pow(10.0, e));
  if (decades == 1) {
    // One decade: 1, 2 and 5 times its power of ten, so the axis still reads.
    axis.ticks = {axis.low, 2 * axis.low, 5 * axis.low, axis.high};
  }
  return axis;
}

std::string tick_label(double value, double step) {
  step = std::abs(step);
  if (value == 0 || (step > 0 && std::abs(value) < step * 1e-9)) return "0";
  char buffer[48];
  const double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e6 || magnitude < 1e-4 || !(step > 0)) {
    // Scientific, with the significant digits the step needs.
    const int digits = step > 0
                           ? std::clamp(static_cast<int>(std::floor(std::log10(std::abs(value))) -
                                                         std::floor(std::log10(step))),
                                        0, 15)
                           : 6;
    std::snprintf(buffer, sizeof buffer, "%.*e", digits, value);
    return buffer;
  }
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 15);
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string line_plot_svg(const std::vector<PlotSeries>& series, const LinePlotOptions& options) {
  if (options.width < 200 || options.height < 150) {
    throw InvalidArgument("line_plot_svg: the plot must be at least 200 × 150 pixels, got " +
                          std::to_string(options.width) + " × " + std::to_string(options.height));
  }
  Range x_range;
  Range y_range;
  for (const auto& s : series) {
    if (s.x.size() != s.y.size()) {
      throw InvalidArgument("line_plot_svg: series '" + s.label + "' has " +
                            std::to_string(s.x.size()) + " x values but " +
                            std::to_string(s.y.size()) + " y values");
    }
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!plottable(s.x[i], s.y[i], options.log_y)) continue;
      x_range.include(s.x[i]);
      y_range.include(s.y[i]);
    }
  }
  if (x_range.empty()) x_range = {0, 1};
  if (y_range.empty()) y_range = options.log_y ? Range{1, 10} : Range{0, 1};
  const Axis x_axis = linear_axis(x_range.low, x_range.high);
  const Axis y_axis =
      options.log_y ? log_axis(y_range.low, y_range.high) : linear_axis(y_range.low, y_range.high);
  const Frame frame(options, x_axis, y_axis);

  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         std::to_string(options.width) + "\" height=\"" + std::to_string(options.height) +
         "\" viewBox=\"0 0 " + std::to_string(options.width) + " " +
         std::to_string(options.height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  if (!options.title.empty()) svg += "<title>" + escape_xml(options.title) + "</title>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  draw_axes(svg, frame, options);

  std::vector<std::string> colors;
  for (std::size_t i = 0; i < series.size(); ++i) {
    colors.push_back(series[i].color.empty() ? kPalette[i % std::size(kPalette)] : series[i].color);
  }
  for (std::size_t i = 0; i < series.size(); ++i) draw_series(svg, frame, series[i], colors[i]);
  if (series.size() > 1) draw_legend(svg, frame, series, colors);
  svg += "</svg>\n";
  return svg;
}

}  // namespace nmfkit::report
