#pragma once
// The reductions over all of X that a fit needs beyond its batches, computed from one pass
// over a RowBatchSource and bitwise equal to what numpy_arithmetic.hpp and
// beta_divergence.hpp compute on the loaded matrix: the order of every floating-point
// operation is the same, only the rows arrive in pieces.

#include <functional>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/row_batch_source.hpp"

namespace nmfkit::linalg {

// Called with each block of rows as it passes and the index of its first row (to check
// the data on the same pass).
template <class Matrix>
using RowBlockVisitor = std::function<void(const Matrix& block, Index first)>;

// mean(X), from blocks of batch_rows rows (any batch_rows ≥ 1 gives the same bits).
template <class Matrix>
typename Matrix::Scalar streamed_mean(RowBatchSource<Matrix>& X, Index batch_rows,
                                      const RowBlockVisitor<Matrix>& visit = {});

// beta_divergence(X, W, H, 2): ½‖X − WH‖². Dense X is read in the blocks the loaded
// computation uses (at most about 2 MiB each); CSR X in blocks of batch_rows rows.
template <class Matrix>
double streamed_half_squared_error(RowBatchSource<Matrix>& X,
                                   const DenseMatrix<typename Matrix::Scalar>& W,
                                   const DenseMatrix<typename Matrix::Scalar>& H,
                                   Index batch_rows);

}  // namespace nmfkit::linalg
