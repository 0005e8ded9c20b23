#pragma once
// The full (thin) singular value decomposition, as numpy.linalg.svd(X, full_matrices=False):
// X (m×n) = U·diag(S)·Vt with all r = min(m, n) singular values.
//
// Method: the tall side A (X or Xᵀ, N×r) is reduced by a blocked Householder QR, A = Q·R,
// and the small square R (r×r) goes to a divide-and-conquer SVD (Eigen::BDCSVD). Both
// steps are backward stable, so every singular value is within a small multiple of
// ε·σ₁ of the exact one: the tiny and zero values come out as accurately as LAPACK's,
// which forming the Gram matrix X·Xᵀ cannot do (its error is about √ε·σ₁ for them).
//
// Sparsity is used where it is cheap and exact: the rows of A are sorted by their first
// non-zero, so each Householder panel only touches the rows that are already non-zero in
// its columns (a staircase), the columns of A are taken in order of increasing number
// of non-zeros (short columns first keep that staircase low), and the rows of A with a
// single non-zero (terms seen in one document) are merged per column by an orthogonal
// transformation before the QR. On a document-term count matrix this removes most of the
// QR's work; a dense matrix without zeros gets the plain blocked QR.
//
// Work is parallel over fixed blocks of columns, so the result does not depend on the
// number of OpenMP threads.

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/linalg/randomized_svd.hpp"  // Svd<T>

namespace nmfkit::linalg {

struct FullSvdOptions {
  bool compute_vectors = true;  // false: singular values only; U and Vt are left empty (0×0)
  // Makes the largest-magnitude entry of each column of U positive (scikit-learn's svd_flip
  // with u_based_decision); ties go to the first such entry. Vt's rows follow U's columns.
  // false: the signs the computation produced (deterministic, but with no rule).
  bool flip_sign = true;
};

// U (m×r, orthonormal columns), S (r values, descending, ≥ 0) and Vt (r×n, orthonormal
// rows), r = min(m, n), computed in the element type T (float32 gives float32 accuracy,
// as NumPy's float32 SVD does). Singular vectors of repeated or zero singular values are
// one orthonormal basis of their subspace, as with any SVD.
//
// Throws InvalidArgument for an empty matrix (m or n is 0) or a non-finite entry (the
// message names its row and column). `progress` is polled once per Householder panel;
// a cancellation throws Cancelled.
template <class T>
Svd<T> full_svd(const DenseMatrix<T>& X, const FullSvdOptions& options = {},
                const Progress& progress = {});
template <class T>
Svd<T> full_svd(const SparseMatrix<T>& X, const FullSvdOptions& options = {},
                const Progress& progress = {});

}  // namespace nmfkit::linalg
