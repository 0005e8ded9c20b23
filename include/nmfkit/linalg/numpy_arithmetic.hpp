#pragma once
// NumPy's and SciPy's order of operations for the few reductions and powers that seed
// or steer scikit-learn's algorithms (the mean of X scales init='random' and fills
// 'nndsvda'; sums and powers enter the β-divergence). Following them keeps nmfkit's
// numbers equal to scikit-learn's to the last bits where the libraries allow it.

#include <cmath>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

// np.sum of a contiguous array: pairwise summation inside blocks of 8192 elements,
// the blocks' sums added in order.
template <class T>
T numpy_sum(const T* data, Index n);

// X.mean() for a NumPy array (float32 arrays give a float32 mean).
template <class T>
T mean(const DenseMatrix<T>& X);

// X.mean() for a SciPy CSR matrix: every entry scaled by 1/(m·n), summed row by row,
// then the row sums added by np.sum.
template <class T>
T mean(const SparseMatrix<T>& X);

// np.sum(A, axis=0): rows added in order (pairwise when A has a single column).
template <class T>
Vector<T> column_sums(const DenseMatrix<T>& A);

// np.sum(A, axis=1): each row summed pairwise.
template <class T>
Vector<T> row_sums(const DenseMatrix<T>& A);

// x ** p as NumPy evaluates it: exponents 2, 0.5, −1, 1 and 0 take exact shortcuts.
template <class T>
T numpy_power(T x, double p) {
  if (p == 2) return x * x;
  if (p == 0.5) return std::sqrt(x);
  if (p == -1) return T(1) / x;
  if (p == 1) return x;
  if (p == 0) return T(1);
  return static_cast<T>(std::pow(x, static_cast<T>(p)));
}

}  // namespace nmfkit::linalg
