#pragma once
// A scatter plot as a standalone SVG document: points coloured by category (cluster,
// label), axes with round ticks, a legend of the categories.

#include <string>
#include <vector>

namespace nmfkit::report {

struct ScatterPoints {
  std::vector<double> x;
  std::vector<double> y;                    // same length as x
  std::vector<int> category;                // same length; negative: drawn grey, no legend
  std::vector<std::string> category_names;  // legend entries, category i's colour is
                                            // category_color(i)
};

struct ScatterPlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 560;   // pixels, at least 200
  int height = 420;  // pixels, at least 150
  double radius = 3;
};

// Non-finite points are left out. Throws InvalidArgument when the lengths differ or the
// size is too small.
std::string scatter_plot_svg(const ScatterPoints& points, const ScatterPlotOptions& options);

}  // namespace nmfkit::report
