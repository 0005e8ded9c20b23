#pragma once
// Starting points for W and H, as scikit-learn's _initialize_nmf computes them.

#include <optional>
#include <string>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/randomized_svd.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit {

template <class T>
struct Factors {
  DenseMatrix<T> W;  // n_samples × k
  DenseMatrix<T> H;  // k × n_features
};

// The rule behind Init::Auto: nndsvda when k ≤ min(m, n), else random.
Init resolve_init(Init init, Index k, Index n_samples, Index n_features);

// W and H for init ∈ {random, nndsvd, nndsvda, nndsvdar} (Auto is resolved first).
// random_state seeds NumPy's RandomState; an unset one draws from entropy.
// Throws InvalidArgument when a non-random init is asked for k > min(m, n). `svd` is the
// randomized SVD's arithmetic for the nndsvd family (Fast: the same start to rounding).
template <class T>
Factors<T> initialize(const DenseMatrix<T>& X, Index k, Init init,
                      const std::optional<std::uint32_t>& random_state,
                      linalg::SvdArithmetic svd = linalg::SvdArithmetic::ScikitLearn);
template <class T>
Factors<T> initialize(const SparseMatrix<T>& X, Index k, Init init,
                      const std::optional<std::uint32_t>& random_state,
                      linalg::SvdArithmetic svd = linalg::SvdArithmetic::ScikitLearn);

// init = 'random' for an m × n X whose mean() is `mean` (what initialize computes from X
// itself), for X read in pieces (out-of-core fitting).
template <class T>
Factors<T> random_init(Index m, Index n, Index k, T mean,
                       const std::optional<std::uint32_t>& random_state);

// Checks a given factor: shape, finite and non-negative, not all zeros. `who` names it
// in the message ("custom W", "the components H").
template <class T>
void check_factor(const DenseMatrix<T>& factor, Index rows, Index cols, const std::string& who);

}  // namespace nmfkit
