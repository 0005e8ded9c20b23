#pragma once
// The factor match score (FMS) of two CP models of the same shape and rank, as the Tensor
// Toolbox's ktensor/score and TensorLy's congruence define it (Tomasi & Bro 2006): each
// column is normalised, its norm going into the weight, and a pair of components (r, s)
// scores
//   (1 − |λ_r − μ_s| / max(λ_r, μ_s)) · Π_n |cos(a⁽ⁿ⁾_r, b⁽ⁿ⁾_s)|.
// The FMS is the mean of the pair scores under the permutation of components that
// maximises it (found exactly). 1 means the same model up to permutation and scaling.

#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// Throws InvalidArgument when the models differ in modes, mode sizes or rank, or when the
// rank exceeds 16 (the exact search over permutations is exponential in it).
double factor_match_score(const std::vector<DenseMatrix<double>>& factors_a,
                          const Vector<double>& weights_a,
                          const std::vector<DenseMatrix<double>>& factors_b,
                          const Vector<double>& weights_b);

}  // namespace nmfkit
