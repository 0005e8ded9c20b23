#pragma once
// The β-divergence D_β(X ‖ WH) as scikit-learn defines it: β = 2 is half the squared
// Frobenius distance, β = 1 the generalised Kullback-Leibler divergence, β = 0
// Itakura-Saito. Entries with x ≤ ε (float32 machine epsilon) are left out of the
// terms that involve x (0^(β-1) is taken as 0), and WH = 0 becomes ε. Sparse X is never
// densified: WH is evaluated at its non-zeros only.

#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

// scikit-learn's EPSILON: float32 machine epsilon, whatever the data type.
inline constexpr double kEpsilon = 1.1920928955078125e-07;

template <class T>
double beta_divergence(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                       double beta);
template <class T>
double beta_divergence(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                       double beta);

// sqrt(2·D): scikit-learn's reconstruction_err_ (the Frobenius norm of X − WH when β = 2).
double divergence_to_error(double divergence);

// (WH)_ij at each stored entry of X, in storage order, into out[0 .. nnz). Each dot
// product is summed in NumPy's pairwise order, as scikit-learn's _special_sparse_dot does.
template <class T>
void product_at_nonzeros(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                         T* out);

}  // namespace nmfkit::linalg
