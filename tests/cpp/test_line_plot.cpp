// The SVG line plot: document structure, escaping, tick choice and the log axis.

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/report/line_plot.hpp"

namespace nmfkit::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
  return found;
}

// A step is 1, 2 or 5 times a power of ten.
bool is_round_step(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-12));
  for (const double nice : {1.0, 2.0, 5.0, 10.0}) {
    if (std::abs(mantissa - nice) < 1e-9) return true;
  }
  return false;
}

void expect_round_ticks(const Axis& axis, double low, double high) {
  ASSERT_GE(axis.ticks.size(), 3u);
  EXPECT_LE(axis.low, low);
  EXPECT_GE(axis.high, high);
  EXPECT_EQ(axis.ticks.front(), axis.low);
  EXPECT_EQ(axis.ticks.back(), axis.high);
  const double step = axis.ticks[1] - axis.ticks[0];
  EXPECT_TRUE(is_round_step(step)) << step;
  for (std::size_t i = 1; i < axis.ticks.size(); ++i) {
    EXPECT_NEAR(axis.ticks[i] - axis.ticks[i - 1], step, step * 1e-9);
    // Every tick a whole multiple of the step.
    EXPECT_NEAR(axis.ticks[i] / step, std::round(axis.ticks[i] / step), 1e-9);
  }
}

TEST(LinePlotAxis, LinearTicksAreRoundNumbers) {
  for (const auto& [low, high] : std::initializer_list<std::pair<double, double>>{
           {0, 433.9}, {1, 2034}, {-0.3, 0.7}, {0.0012, 0.0047}, {3e6, 9.5e6}, {-7, -2}}) {
    SCOPED_TRACE(std::to_string(low) + " .. " + std::to_string(high));
    const Axis axis = linear_axis(low, high);
    expect_round_ticks(axis, low, high);
    EXPECT_LE(axis.ticks.size(), 12u);
  }
  const Axis axis = linear_axis(0, 433.9);
  EXPECT_EQ(axis.ticks, (std::vector<double>{0, 100, 200, 300, 400, 500}));
}

TEST(LinePlotAxis, ZeroIsExactlyZero) {
  const Axis axis = linear_axis(-0.3, 0.7);
  bool has_zero = false;
  for (const double t : axis.ticks) has_zero |= t == 0.0;
  EXPECT_TRUE(has_zero);
  EXPECT_EQ(tick_label(0.1 + 0.2, 0.1), "0.3");
  EXPECT_EQ(tick_label(1e-17, 0.1), "0");
}

TEST(LinePlotAxis, ZeroWidthRangeIsWidened) {
  const Axis axis = linear_axis(5, 5);
  EXPECT_LT(axis.low, 5);
  EXPECT_GT(axis.high, 5);
  const Axis at_zero = linear_axis(0, 0);
  EXPECT_LT(at_zero.low, 0);
  EXPECT_GT(at_zero.high, 0);
}

TEST(LinePlotAxis, LabelsUseTheDigitsTheStepNeeds) {
  EXPECT_EQ(tick_label(1500, 500), "1500");
  EXPECT_EQ(tick_label(0.25, 0.05), "0.25");
  EXPECT_EQ(tick_label(-2, 1), "-2");
  EXPECT_EQ(tick_label(2e6, 1e6), "2e+06");
  EXPECT_EQ(tick_label(1.5e7, 5e6), "1.5e+07");
  EXPECT_EQ(tick_label(0.001, 0.001), "0.001");
  EXPECT_EQ(tick_label(1e-9, 1e-9), "1e-09");
}

TEST(LinePlotAxis, LogTicksArePowersOfTen) {
  const Axis axis = log_axis(0.2098, 433.9);
  EXPECT_DOUBLE_EQ(axis.low, 0.1);
  EXPECT_DOUBLE_EQ(axis.high, 1000);
  ASSERT_EQ(axis.ticks.size(), 5u);
  for (std::size_t i = 0; i < axis.ticks.size(); ++i) {
    EXPECT_DOUBLE_EQ(axis.ticks[i], std::pow(10.0, static_cast<double>(i) - 1));
  }
}

TEST(LinePlotAxis, LogAxisWithinOneDecadeAddsTwoAndFive) {
  const Axis axis = log_axis(3, 7);
  EXPECT_EQ(axis.ticks, (std::vector<double>{1, 2, 5, 10}));
}

TEST(LinePlotAxis, LogAxisOverManyDecadesThinsTheTicks) {
  const Axis axis = log_axis(1e-12, 1e12);
  EXPECT_LE(axis.ticks.size(), 9u);
  EXPECT_GE(axis.ticks.size(), 4u);
  EXPECT_DOUBLE_EQ(axis.ticks.front(), 1e-12);
}

TEST(LinePlotAxis, LogAxisNeedsPositiveValues) {
  EXPECT_THROW(log_axis(0, 1), InvalidArgument);
  EXPECT_THROW(log_axis(-1, 1), InvalidArgument);
  EXPECT_THROW(linear_axis(std::nan(""), 1), InvalidArgument);
}

TEST(LinePlot, EscapesTextForXml) {
  EXPECT_EQ(escape_xml("a<b & \"c\" 'd' >"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;");
  EXPECT_EQ(escape_xml(std::string("bell\a, nul") + '\0' + "!"), "bell, nul!");
  EXPECT_EQ(escape_xml("tab\tnew\nline, σ₁"), "tab\tnew\nline, σ₁");
}

TEST(LinePlot, IsAStandaloneSvgDocument) {
  PlotSeries series{"values & more", {1, 2, 3, 4}, {4, 3, 2, 1}, true, ""};
  LinePlotOptions options;
  options.title = "Scree <plot> of \"x\" & y";
  options.x_label = "index";
  options.y_label = "singular value";
  const std::string svg = line_plot_svg({series}, options);
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0), 0u);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 640 400\""), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "<g"), count(svg, "</g>"));
  EXPECT_EQ(count(svg, "<text"), count(svg, "</text>"));
  // The title, escaped, as the document's <title> and as visible text.
  EXPECT_EQ(count(svg, "Scree &lt;plot&gt; of &quot;x&quot; &amp; y"), 2u);
  EXPECT_EQ(count(svg, "<plot>"), 0u);
  EXPECT_NE(svg.find(">index</text>"), std::string::npos);
  EXPECT_NE(svg.find(">singular value</text>"), std::string::npos);
  EXPECT_NE(svg.find("rotate(-90"), std::string::npos);
  EXPECT_NE(svg.find("data-label=\"values &amp; more\""), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_EQ(count(svg, "<circle"), 4u);
  EXPECT_EQ(count(svg, "class=\"legend\""), 0u);  // one series: no legend
}

TEST(LinePlot, LogScaleLeavesOutNonPositiveValuesAndBreaksTheLine) {
  PlotSeries series{"s", {1, 2, 3, 4, 5}, {100, 10, 0, 1, 0.5}, true, ""};
  LinePlotOptions options;
  options.log_y = true;
  const std::string svg = line_plot_svg({series}, options);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_EQ(count(svg, "<circle"), 4u);
  EXPECT_NE(svg.find(">0.1</text>"), std::string::npos);
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);
}

TEST(LinePlot, NonFiniteValuesBreakTheLine) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  PlotSeries series{"s", {1, 2, 3, 4}, {1, nan, 3, 4}, false, ""};
  const std::string svg = line_plot_svg({series}, {});
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_EQ(count(svg, "<circle"), 0u);
  EXPECT_EQ(count(svg, "nan"), 0u);
}

TEST(LinePlot, SeveralSeriesGetColoursAndALegend) {
  PlotSeries a{"first", {1, 2}, {1, 2}, false, ""};
  PlotSeries b{"second", {1, 2}, {2, 1}, false, "red"};
  const std::string svg = line_plot_svg({a, b}, {});
  EXPECT_EQ(count(svg, "class=\"legend\""), 1u);
  EXPECT_NE(svg.find(">first</text>"), std::string::npos);
  EXPECT_NE(svg.find(">second</text>"), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"red\""), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"#0072B2\""), std::string::npos);
}

TEST(LinePlot, PointsStayInsideThePlotArea) {
  PlotSeries series{"s", {}, {}, true, ""};
  for (int i = 1; i <= 37; ++i) {
    series.x.push_back(i);
    series.y.push_back(1000.0 / i);
  }
  const std::string svg = line_plot_svg({series}, {});
  for (auto at = svg.find("<circle cx=\""); at != std::string::npos;
       at = svg.find("<circle cx=\"", at + 1)) {
    const double cx = std::stod(svg.substr(at + 12));
    const double cy = std::stod(svg.substr(svg.find("cy=\"", at) + 4));
    EXPECT_GE(cx, 72 - 1e-9);
    EXPECT_LE(cx, 620 + 1e-9);
    EXPECT_GE(cy, 40 - 1e-9);
    EXPECT_LE(cy, 348 + 1e-9);
  }
}

TEST(LinePlot, RejectsMismatchedSeriesAndTinySizes) {
  PlotSeries bad{"bad", {1, 2, 3}, {1, 2}, true, ""};
  EXPECT_THROW(line_plot_svg({bad}, {}), InvalidArgument);
  LinePlotOptions tiny;
  tiny.width = 100;
  EXPECT_THROW(line_plot_svg({}, tiny), InvalidArgument);
}

TEST(LinePlot, EmptyPlotStillHasAxes) {
  const std::string svg = line_plot_svg({}, {});
  EXPECT_NE(svg.find("class=\"axes\""), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 0u);
}

}  // namespace
}  // namespace nmfkit::report
