#pragma once
// The fast solvers: alternating non-negative least squares. Each half-step forms the Gram
// matrix of the fixed factor and the right-hand sides once (the two products of the seam)
// and then solves every row of the updated factor as an NNLS problem:
//   hals      accelerated HALS (Gillis & Glineur 2012): a few coordinate-descent sweeps
//             per row, as many as the products are worth, fewer once a sweep moves the
//             row little compared with the first;
//   anls      each row solved by warm-started coordinate descent to a tight tolerance;
//   anls-bpp  each row solved exactly by block principal pivoting.
// All three minimise ½‖X − WH‖² + scikit-learn's L1/L2 penalties, compute that objective
// every iteration by the Gram trick, and stop once its relative decrease has stayed below
// tol for `patience` iterations in a row.

#include "nmfkit/nmf/nnls.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

enum class RowSolver { Hals, CoordinateDescent, BlockPivoting };

template <class T>
class AlternatingNnls final : public SolverFor<AlternatingNnls<T>, T> {
 public:
  AlternatingNnls(SolverSettings settings, RowSolver row_solver)
      : settings_(std::move(settings)), row_solver_(row_solver) {}

  template <class Matrix>
  SolveReport run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  // The weighted problem: each row's NNLS problem gets its own Gram matrix and right-hand
  // side; the objective is computed over the observed entries.
  template <class Matrix>
  SolveReport run_weighted(const Matrix& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                           DenseMatrix<T>& H, bool update_H) const;

 private:
  template <class Matrix>
  SolveReport run_impl(const Matrix& X, const EntryWeights<T>* weights, DenseMatrix<T>& W,
                       DenseMatrix<T>& H, bool update_H) const;

  SolverSettings settings_;
  RowSolver row_solver_;
};

}  // namespace nmfkit
