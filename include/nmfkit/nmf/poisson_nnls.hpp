#pragma once
// One row of a Poisson (Kullback-Leibler) NMF half-step: minimise over f ≥ floor
//   φ(f) = Σ_c (u_c + l1)·f_c + ½·l2·‖f‖² − Σ_p w_p·x_p·log((A f)_p)
// where the rows of A are the fixed factor's rows at the row's non-zeros and u is the
// linear term (column sums of the fixed factor, corrected for weights). Zeros of X enter
// through u only, so a row costs O(non-zeros · k), never O(n · k).
//
// The method is fastTopics' (after NNLM): one EM (multiplicative) step, then sequential
// coordinate descent with one projected Newton step per coordinate, updating A f in
// place. A step that would raise φ is undone, so a half-step never increases the
// objective.

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/data_operator.hpp"

namespace nmfkit {

struct PoissonNnlsOptions {
  int sweeps = 1;         // coordinate-descent sweeps after the EM step (fastTopics: 4)
  bool em_step = true;    // one multiplicative step first (cheap, fast early progress)
  double floor = 1e-10;   // lower bound of every entry, so that log((A f)_p) stays finite
  double l1 = 0, l2 = 0;  // penalties on f
};

struct PoissonRowResult {
  double objective = 0;  // φ at the returned f
  double kkt = 0;  // max_c |(f_c − floor) · ∂φ/∂f_c| at the returned f (complementary slackness)
};

// f (length k) holds the warm start and receives the solution.
template <class T>
PoissonRowResult solve_poisson_nnls(const linalg::CountRow<T>& row, const DenseMatrix<T>& O, T* f,
                                    const PoissonNnlsOptions& options);

}  // namespace nmfkit
