#pragma once
// Internal to linalg: ½‖X − WH‖² for dense X, as scikit-learn's squared_norm of the
// residual (to rounding: the sums run in another order), with X's rows fetched through
// read_rows(first, count) so that a loaded matrix and a file streamed by rows
// (streamed_arithmetic.hpp) share one partition into blocks and give the same bits.
//
// Products are formed a block of rows at a time, so the dense WH and residual never exist
// whole (they were twice the size of X). Each entry of WH is one ordered sum of the vector
// kernels (products.hpp) whatever the block, and the blocks depend on X's shape alone.

#include <algorithm>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/products.hpp"

namespace nmfkit::linalg::detail {

template <class T, class ReadRows>
double half_squared_residual(Index m, Index n, ReadRows&& read_rows, const DenseMatrix<T>& W,
                             const DenseMatrix<T>& H) {
  constexpr Index kBlockEntries = Index{1} << 18;  // 2 MiB of doubles per block
  const Index block = std::max<Index>(1, kBlockEntries / std::max<Index>(n, 1));
  T sum = 0;
  DenseMatrix<T> W_rows, WH;
  for (Index r = 0; r < m; r += block) {
    const Index rows = std::min(block, m - r);
    W_rows = W.middleRows(r, rows);
    fast_multiply(W_rows, H, WH);
    sum += (read_rows(r, rows) - WH).squaredNorm();  // vectorised, one pass
  }
  return static_cast<double>(sum) / 2.0;
}

}  // namespace nmfkit::linalg::detail
