#pragma once
// Internal to linalg: ½‖X − WH‖² for dense X, summed in storage order as scikit-learn's
// squared_norm of the residual, with X's rows fetched through read_rows(first, count) so
// that a loaded matrix and a file streamed by rows (streamed_arithmetic.hpp) share one
// partition into blocks and therefore give the same bits.
//
// Large products are formed a block of rows at a time, so the dense WH and residual never
// exist whole (they were twice the size of X). Each entry of WH comes from the same GEMM
// arithmetic whatever the block, and the running sum goes on across blocks, so the result
// is bitwise the one of the whole product.

#include <algorithm>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg::detail {

template <class T, class ReadRows>
double half_squared_residual(Index m, Index n, ReadRows&& read_rows, const DenseMatrix<T>& W,
                             const DenseMatrix<T>& H) {
  constexpr Index kBlockEntries = Index{1} << 18;  // 2 MiB of doubles per block
  constexpr Index kMinBlockRows = 32;              // keeps Eigen on its GEMM path
  if (m * n <= kBlockEntries) {
    const DenseMatrix<T> residual = read_rows(0, m) - W * H;
    T sum = 0;
    for (Index p = 0; p < residual.size(); ++p) sum += residual.data()[p] * residual.data()[p];
    return static_cast<double>(sum) / 2.0;
  }
  const Index block = std::max(kMinBlockRows, kBlockEntries / n);
  T sum = 0;
  DenseMatrix<T> residual;
  for (Index r = 0; r < m; r += block) {
    const Index rows = std::min(block, m - r);
    residual.noalias() = W.middleRows(r, rows) * H;
    residual = read_rows(r, rows) - residual;
    const T* e = residual.data();
    for (Index p = 0; p < residual.size(); ++p) sum += e[p] * e[p];
  }
  return static_cast<double>(sum) / 2.0;
}

}  // namespace nmfkit::linalg::detail
