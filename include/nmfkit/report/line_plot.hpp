#pragma once
// A small line plot as a standalone SVG document, with no dependencies: title, axis
// labels, ticks at round numbers, a linear or logarithmic y axis, one or more series
// with optional point markers, and a legend when there is more than one series. Used for
// scree plots (singular value against its index) and similar diagnostics.

#include <string>
#include <string_view>
#include <vector>

namespace nmfkit::report {

struct PlotSeries {
  std::string label;      // shown in the legend (when there are several series)
  std::vector<double> x;  // same length as y
  std::vector<double> y;
  bool show_points = true;  // a small circle at each point, besides the line
  std::string color;        // any SVG colour; empty: the next one of a fixed palette
};

struct LinePlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_y = false;  // logarithmic y axis; points with y ≤ 0 are then left out
  int width = 640;     // pixels, at least 200
  int height = 400;    // pixels, at least 150
};

// The SVG document. Non-finite points (and non-positive y on a log axis) are left out
// and break the line there. Throws InvalidArgument when a series' x and y differ in
// length or the size is too small.
std::string line_plot_svg(const std::vector<PlotSeries>& series, const LinePlotOptions& options);

// Axis range and ticks, exposed for tests and for callers that align several plots.
struct Axis {
  double low = 0;  // the axis runs from low to high (on a log axis: positive, in data units)
  double high = 1;
  std::vector<double> ticks;  // within [low, high], increasing
};

// Ticks at 1, 2 or 5 times a power of ten, about `target` of them, with the range widened
// to whole steps. A range of zero width is widened around its value.
Axis linear_axis(double low, double high, int target = 6);

// Ticks at the powers of ten within [low, high] (widened to whole decades); when that
// gives fewer than two, also at 2 and 5 times them; every other or every n-th power when
// there are many decades. Requires 0 < low ≤ high.
Axis log_axis(double low, double high);

// A tick value as text: as few digits as tell the ticks apart, no "0.30000000000000004".
std::string tick_label(double value, double step);

// Text safe inside an XML element or attribute: & < > " ' as entities, and the control
// characters XML 1.0 forbids removed.
std::string escape_xml(std::string_view text);

}  // namespace nmfkit::report
