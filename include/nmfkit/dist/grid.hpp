#pragma once
// How a fit spread over processes lays out X (docs/distributed.md).
//
// The 1-D layout (the default) gives each process a block of X's rows and a block of its
// columns: twice its share of X, and every row's products are the serial ones. A grid of
// rows × cols processes gives each one block X_ij and nothing else (MPI-FAUN's 2-D
// layout): half the memory, and each product is summed over the processes sharing a block
// row or column.

#include <string>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::dist {

struct Grid {
  int rows = 0;  // 0 × 0: the 1-D layout; -1 × -1: automatic (choose_grid)
  int cols = 0;

  static Grid one_d() { return {}; }
  static Grid automatic() { return {-1, -1}; }
  bool is_one_d() const { return rows == 0 && cols == 0; }
  bool is_automatic() const { return rows < 0; }
  bool operator==(const Grid&) const = default;
};

// "auto", "1d", or "RxC" (e.g. 2x2); throws InvalidArgument naming the text.
Grid parse_grid(const std::string& text);
std::string to_string(Grid grid);  // "1d", "auto" or "RxC"

// The grid of `processes` whose block shape is closest to square for an m × n matrix
// (rows/cols nearest m/n), which makes each process's share of the factors smallest.
Grid choose_grid(int processes, Index m, Index n);

// `grid` with automatic resolved; throws InvalidArgument when its size is not `processes`.
Grid resolve_grid(Grid grid, int processes, Index m, Index n);

}  // namespace nmfkit::dist
