#pragma once
// The backend seam: the products every NMF solver is built from. A solver alternates
// between W (m×k) and H (k×n) and needs, per half-step, the k×k Gram matrix of the
// fixed factor and the right-hand side X·F (or Xᵀ·F). CPU, MPI and GPU backends differ
// only below these functions.
//
// Each product writes into `out`, which is resized only when its shape changes: solvers
// keep their workspaces across iterations instead of allocating (and page-faulting)
// megabytes every half-step.
//
// Every product splits its work into blocks of a fixed size and sums in a fixed order,
// whatever the number of threads: results are bitwise the same for any thread count.

#include <algorithm>
#include <type_traits>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

// out = AᵀA (k×k) for a tall A (m×k): partial Gram matrices of fixed blocks of rows,
// added in block order.
template <class T>
void gram(const DenseMatrix<T>& A, DenseMatrix<T>& out);

// gram()'s pieces, for processes that share its work: the number of its row blocks, the
// partial Gram matrices of blocks [first, end) (k·k values each, row-major) and their
// sum in block order. Any split of the blocks gives gram()'s bits.
Index gram_blocks(Index rows);
template <class T>
void gram_partials(const DenseMatrix<T>& A, Index first, Index end, T* partials);
template <class T>
void add_gram_partials(const T* partials, Index blocks, Index k, DenseMatrix<T>& out);

// out = X·A for sparse X (m×n) and dense A (n×k). Each output row is an ordered sum over
// the row's non-zeros (SciPy's order), rows in parallel: the result does not depend on
// the number of threads.
template <class T>
void multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out);

// out = X·A for the fast solvers: the same product on the vector kernels chosen at start-up
// (linalg/kernels.hpp), with fused multiply-adds where the processor has them. Each output
// row is one thread's ordered sum, so the result does not depend on the thread count; it
// differs from multiply() only by rounding. The scikit-learn-exact solvers keep multiply().
template <class T>
void fast_multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out);

// Eigen runs a product on several threads itself once it has at least this many
// multiply-adds; below it, Eigen's result does not depend on the thread count.
inline constexpr double kEigenParallelWork = 100000;

// out = X·A for a dense X or a dense expression such as X.transpose(), in fixed blocks of
// rows. Large products always run inside our own parallel region, even on one thread,
// so that Eigen never splits a block itself: its blocking, and so its rounding, would
// then depend on the thread count.
template <class Derived, class T>
void multiply(const Eigen::MatrixBase<Derived>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  constexpr Index kRows = 256;
  out.resize(X.rows(), A.cols());
  const Index blocks = (X.rows() + kRows - 1) / kRows;
  const double work =
      static_cast<double>(X.rows()) * static_cast<double>(X.cols()) * static_cast<double>(A.cols());
#pragma omp parallel for schedule(dynamic) if (work >= kEigenParallelWork)
  for (Index block = 0; block < blocks; ++block) {
    const Index first = block * kRows;
    const Index count = std::min(kRows, X.rows() - first);
    out.middleRows(first, count).noalias() = X.middleRows(first, count) * A;
  }
}

// out = X·A (or Xᵀ·A when `transposed`) for a dense X on the vector kernels, as
// fast_multiply for sparse X: each output element one ordered sum, whatever the threads and
// however X's rows are blocked. On a processor without AVX2 (or NMFKIT_ISA=portable),
// multiply(): Eigen's blocked product beats plain loops there.
template <class T>
void fast_dense_multiply(const DenseMatrix<T>& X, bool transposed, const DenseMatrix<T>& A,
                         DenseMatrix<T>& out);

// Dense X and Xᵀ go to the vector kernels; other expressions to Eigen's product.
template <class Derived, class T>
void fast_multiply(const Eigen::MatrixBase<Derived>& X, const DenseMatrix<T>& A,
                   DenseMatrix<T>& out) {
  if constexpr (std::is_same_v<Derived, DenseMatrix<T>>) {
    fast_dense_multiply(X.derived(), false, A, out);
  } else if constexpr (std::is_same_v<Derived, Eigen::Transpose<const DenseMatrix<T>>>) {
    fast_dense_multiply(X.derived().nestedExpression(), true, A, out);
  } else {
    multiply(X, A, out);
  }
}

// The same products, returning a new matrix.
template <class T>
DenseMatrix<T> gram(const DenseMatrix<T>& A) {
  DenseMatrix<T> out;
  gram(A, out);
  return out;
}
template <class X, class T>
DenseMatrix<T> multiply(const X& matrix, const DenseMatrix<T>& A) {
  DenseMatrix<T> out;
  multiply(matrix, A, out);
  return out;
}

// Xᵀ as a CSR matrix with sorted indices: lets Xᵀ·A stream rows like X·A does.
template <class T>
SparseMatrix<T> transposed(const SparseMatrix<T>& X);

// out = Xᵀ·A (n×k) for sparse X (m×n) and dense A (m×k) without a copy of Xᵀ: threads
// take blocks of A's columns and scatter X's rows into them. Each element sums over the
// rows of X in order, as multiply(transposed(X), A) does, so the two are bitwise the same
// for any thread count. For products that run a few times (an SVD's).
template <class T>
void transpose_multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out);

// Xᵀ in the form multiply() takes best: a CSR copy of a sparse X, a view of a dense one.
template <class T>
SparseMatrix<T> transpose_for_products(const SparseMatrix<T>& X) {
  return transposed(X);
}
template <class T>
auto transpose_for_products(const DenseMatrix<T>& X) {
  return X.transpose();
}

}  // namespace nmfkit::linalg
