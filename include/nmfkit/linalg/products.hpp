#pragma once
// The backend seam: the products every NMF solver is built from. A solver alternates
// between W (m×k) and H (k×n) and needs, per half-step, the k×k Gram matrix of the
// fixed factor and the right-hand side X·F (or Xᵀ·F). CPU, MPI and GPU backends differ
// only below these functions.
//
// Each product writes into `out`, which is resized only when its shape changes: solvers
// keep their workspaces across iterations instead of allocating (and page-faulting)
// megabytes every half-step.

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

// out = AᵀA (k×k) for a tall A (m×k).
template <class T>
void gram(const DenseMatrix<T>& A, DenseMatrix<T>& out);

// out = X·A for sparse X (m×n) and dense A (n×k). Each output row is an ordered sum over
// the row's non-zeros (SciPy's order), rows in parallel: the result does not depend on
// the number of threads.
template <class T>
void multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out);

// out = X·A for a dense X or a dense expression such as X.transpose().
template <class Derived, class T>
void multiply(const Eigen::MatrixBase<Derived>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  out.noalias() = X * A;
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
