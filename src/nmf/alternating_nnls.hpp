#pragma once
// The fast Frobenius solvers: alternating non-negative least squares on the data-operator
// seam. Each half-step forms the Gram matrix of the fixed factor and the right-hand sides
// once and then solves every row of the updated factor as an NNLS problem:
//   hals      accelerated HALS (Gillis & Glineur 2012): a few coordinate-descent sweeps
//             per row, as many as the products are worth, fewer once a sweep moves the
//             row little compared with the first;
//   anls      each row solved by warm-started coordinate descent to a tight tolerance;
//   anls-bpp  each row solved exactly by block principal pivoting.
// All three minimise ½‖X − WH‖² + scikit-learn's L1/L2 penalties (weighted where the data
// has weights), with Ang & Gillis' extrapolation unless it is switched off
// (alternating_driver.hpp), compute that objective every iteration (by the Gram trick on
// plain data) and stop once its relative decrease has stayed below tol for `patience`
// iterations in a row.

#include "nmfkit/nmf/nnls.hpp"
#include "operator_solver.hpp"

namespace nmfkit {

enum class RowSolver { Hals, CoordinateDescent, BlockPivoting };

template <class T>
class AlternatingNnls final : public OperatorSolver<AlternatingNnls<T>, T> {
 public:
  AlternatingNnls(SolverSettings settings, RowSolver row_solver)
      : settings_(std::move(settings)), row_solver_(row_solver) {}

  template <class Op>
  SolveReport run(const Op& op, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  const SolverSettings& settings() const { return settings_; }

 private:
  SolverSettings settings_;
  RowSolver row_solver_;
};

}  // namespace nmfkit
