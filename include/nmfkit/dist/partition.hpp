#pragma once
// Splitting rows into contiguous blocks, one per process, balanced by work.

#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::dist {

// Offsets b_0 = 0 ≤ b_1 ≤ … ≤ b_parts = rows: part p is rows [b_p, b_{p+1}). `prefix` holds
// rows + 1 cumulative work counts (a CSR outer index: non-zeros), or is empty for equal
// work per row. Each boundary is the first row at which the cumulative work reaches p/parts
// of the total; parts beyond the rows (more processes than rows) are empty.
std::vector<Index> balanced_offsets(Index rows, int parts, const std::vector<Index>& prefix = {});

}  // namespace nmfkit::dist
