#include "nmfkit/dist/grid.hpp"

#include <cmath>
#include <limits>
#include <regex>

#include "nmfkit/core/error.hpp"

namespace nmfkit::dist {

Grid parse_grid(const std::string& text) {
  if (text == "auto") return Grid::automatic();
  if (text == "1d") return Grid::one_d();
  static const std::regex shape(R"(([0-9]{1,6})[xX×]([0-9]{1,6}))");
  std::smatch match;
  if (std::regex_match(text, match, shape)) {
    const Grid grid{std::stoi(match[1]), std::stoi(match[2])};
    if (grid.rows >= 1 && grid.cols >= 1) return grid;
  }
  throw InvalidArgument("--grid must be auto, 1d or ROWSxCOLS with both at least 1 (e.g. 2x2), "
                        "got '" + text + "'");
}

std::string to_string(Grid grid) {
  if (grid.is_one_d()) return "1d";
  if (grid.is_automatic()) return "auto";
  return std::to_string(grid.rows) + "x" + std::to_string(grid.cols);
}

Grid choose_grid(int processes, Index m, Index n) {
  const double aspect = std::log(std::max<double>(m, 1) / std::max<double>(n, 1));
  Grid best{processes, 1};
  double best_gap = std::numeric_limits<double>::infinity();
  for (int rows = 1; rows <= processes; ++rows) {
    if (processes % rows != 0) continue;
    const double gap = std::abs(std::log(static_cast<double>(rows) * rows / processes) - aspect);
    if (gap < best_gap) {
      best_gap = gap;
      best = {rows, processes / rows};
    }
  }
  return best;
}

Grid resolve_grid(Grid grid, int processes, Index m, Index n) {
  if (grid.is_one_d()) return grid;
  if (grid.is_automatic()) return choose_grid(processes, m, n);
  if (static_cast<long long>(grid.rows) * grid.cols != processes) {
    throw InvalidArgument("--grid " + to_string(grid) + " needs " +
                          std::to_string(static_cast<long long>(grid.rows) * grid.cols) +
                          " processes, but " + std::to_string(processes) +
                          (processes == 1 ? " was" : " were") + " started");
  }
  return grid;
}

}  // namespace nmfkit::dist
