#pragma once
// Truncated SVD by random projection (Halko, Martinsson & Tropp 2011, algorithm 4.3 with
// Szlam et al.'s LU-normalised power iterations), with scikit-learn's randomized_svd
// defaults, draw order and sign convention, so the same seed gives the same factors.

#include <optional>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/random.hpp"

namespace nmfkit::linalg {

enum class PowerIterationNormalizer { Auto, None, LU, QR };

// How the power iterations round. ScikitLearn: its products and LU normalisation, so a seed
// gives its factors bit for bit. Fast: the vector kernels (a CSR copy of a sparse Xᵀ while
// the SVD runs) and Cholesky-QR in place of LU (LU where the block is too ill-conditioned
// for it): the same subspaces, so the same factors to rounding, several times sooner.
enum class SvdArithmetic { ScikitLearn, Fast };

struct RandomizedSvdOptions {
  Index n_oversamples = 10;  // random vectors beyond k; more improves accuracy
  int n_iter = -1;           // power iterations; -1: 7 if k < 0.1·min(m, n), else 4
  PowerIterationNormalizer normalizer =
      PowerIterationNormalizer::Auto;  // Auto: None if n_iter ≤ 2, else LU
  std::optional<bool> transpose;       // work on Xᵀ; unset: when X has fewer rows than columns
  bool flip_sign = true;  // the largest-magnitude entry of each column of U is positive
  SvdArithmetic arithmetic = SvdArithmetic::ScikitLearn;
};

template <class T>
struct Svd {
  DenseMatrix<T> U;   // m×k, orthonormal columns
  Vector<T> S;        // k singular values, descending
  DenseMatrix<T> Vt;  // k×n, orthonormal rows
};

// Throws InvalidArgument unless 1 ≤ k ≤ min(m, n).
template <class T>
Svd<T> randomized_svd(const DenseMatrix<T>& X, Index k, RandomState& rng,
                      const RandomizedSvdOptions& options = {});
template <class T>
Svd<T> randomized_svd(const SparseMatrix<T>& X, Index k, RandomState& rng,
                      const RandomizedSvdOptions& options = {});

// P·L from the LU factorisation with partial pivoting of an m×l matrix (m×min(m, l)),
// as scipy.linalg.lu(permute_l=True): a well-conditioned basis of the same column space.
template <class T>
DenseMatrix<T> permuted_lower_factor(DenseMatrix<T> A);

}  // namespace nmfkit::linalg
