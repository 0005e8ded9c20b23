#pragma once
// The fast Kullback-Leibler (Poisson) solver 'scd': fastTopics' sequential coordinate
// descent on the data-operator seam. Each half-step solves every row of the updated factor
// by poisson_nnls.hpp (one EM step, then projected Newton sweeps over the row's non-zeros;
// zeros of X enter only through the column sums of the fixed factor), wrapped in Ang &
// Gillis' extrapolation (alternating_driver.hpp). The objective
// D_KL(X ‖ WH) + penalties is computed every iteration from the row solves at no extra
// pass, and the KKT residual of H with it.

#include "nmfkit/nmf/poisson_nnls.hpp"
#include "operator_solver.hpp"

namespace nmfkit {

template <class T>
class PoissonScd final : public OperatorSolver<PoissonScd<T>, T> {
 public:
  explicit PoissonScd(SolverSettings settings) : settings_(std::move(settings)) {}

  template <class Op>
  SolveReport run(const Op& op, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  const SolverSettings& settings() const { return settings_; }

 private:
  SolverSettings settings_;
};

}  // namespace nmfkit
