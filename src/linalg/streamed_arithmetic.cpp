#include "nmfkit/linalg/streamed_arithmetic.hpp"

#include <algorithm>
#include <vector>

#include "half_squared_residual.hpp"
#include "nmfkit/linalg/blocked_sum.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/products.hpp"

namespace nmfkit::linalg {

namespace {

template <class Matrix, class Each>
void for_each_block(RowBatchSource<Matrix>& X, Index batch_rows, Each&& each) {
  for (Index first = 0; first < X.rows(); first += batch_rows) {
    each(X.read_rows(first, std::min(batch_rows, X.rows() - first)), first);
  }
}

template <class T>
T mean_of(RowBatchSource<DenseMatrix<T>>& X, Index batch_rows,
          const RowBlockVisitor<DenseMatrix<T>>& visit) {
  BlockedSum<T> sum;
  for_each_block(X, batch_rows, [&](const DenseMatrix<T>& block, Index first) {
    if (visit) visit(block, first);
    sum.add(block.data(), block.size());
  });
  const double count = static_cast<double>(X.rows()) * static_cast<double>(X.cols());
  return static_cast<T>(static_cast<double>(sum.total()) / count);
}

template <class T>
T mean_of(RowBatchSource<SparseMatrix<T>>& X, Index batch_rows,
          const RowBlockVisitor<SparseMatrix<T>>& visit) {
  const T scale =
      static_cast<T>(1.0 / (static_cast<double>(X.rows()) * static_cast<double>(X.cols())));
  std::vector<T> row_sums(static_cast<std::size_t>(X.rows()), T(0));
  for_each_block(X, batch_rows, [&](const SparseMatrix<T>& block, Index first) {
    if (visit) visit(block, first);
    for (Index i = 0; i < block.rows(); ++i) {
      T sum = 0;
      for (typename SparseMatrix<T>::InnerIterator it(block, i); it; ++it) {
        sum += it.value() * scale;
      }
      row_sums[static_cast<std::size_t>(first + i)] = sum;
    }
  });
  return numpy_sum(row_sums.data(), X.rows());
}

template <class T>
double half_squared_error(RowBatchSource<DenseMatrix<T>>& X, const DenseMatrix<T>& W,
                          const DenseMatrix<T>& H, Index) {
  return detail::half_squared_residual(
      X.rows(), X.cols(), [&](Index first, Index count) { return X.read_rows(first, count); }, W,
      H);
}

// beta_divergence's sparse β = 2: ½(‖X‖² + ⟨WᵀW·H, H⟩ − 2⟨X·Hᵀ, W⟩), both sums over X
// running in storage order across the blocks.
template <class T>
double half_squared_error(RowBatchSource<SparseMatrix<T>>& X, const DenseMatrix<T>& W,
                          const DenseMatrix<T>& H, Index batch_rows) {
  const Index k = W.cols();
  const DenseMatrix<T> Ht = H.transpose();
  T norm_x = 0;
  T cross = 0;
  DenseMatrix<T> XHt;
  for_each_block(X, batch_rows, [&](const SparseMatrix<T>& block, Index first) {
    const T* x = block.valuePtr();
    for (Index p = 0; p < block.nonZeros(); ++p) norm_x += x[p] * x[p];
    multiply(block, Ht, XHt);
    const T* w = W.data() + first * k;
    for (Index p = 0; p < XHt.size(); ++p) cross += XHt.data()[p] * w[p];
  });
  const DenseMatrix<T> WtWH = gram(W) * H;
  T norm_wh = 0;
  for (Index p = 0; p < H.size(); ++p) norm_wh += WtWH.data()[p] * H.data()[p];
  return (static_cast<double>(norm_x + norm_wh) - 2.0 * static_cast<double>(cross)) / 2.0;
}

}  // namespace

template <class Matrix>
typename Matrix::Scalar streamed_mean(RowBatchSource<Matrix>& X, Index batch_rows,
                                      const RowBlockVisitor<Matrix>& visit) {
  return mean_of(X, batch_rows, visit);
}

template <class Matrix>
double streamed_half_squared_error(RowBatchSource<Matrix>& X,
                                   const DenseMatrix<typename Matrix::Scalar>& W,
                                   const DenseMatrix<typename Matrix::Scalar>& H,
                                   Index batch_rows) {
  return half_squared_error(X, W, H, batch_rows);
}

#define NMFKIT_STREAMED(Matrix)                                                              \
  template Matrix::Scalar streamed_mean(RowBatchSource<Matrix>&, Index,                      \
                                        const RowBlockVisitor<Matrix>&);                     \
  template double streamed_half_squared_error(RowBatchSource<Matrix>&,                       \
                                              const DenseMatrix<Matrix::Scalar>&,            \
                                              const DenseMatrix<Matrix::Scalar>&, Index);
NMFKIT_STREAMED(DenseMatrix<float>)
NMFKIT_STREAMED(DenseMatrix<double>)
NMFKIT_STREAMED(SparseMatrix<float>)
NMFKIT_STREAMED(SparseMatrix<double>)

}  // namespace nmfkit::linalg
