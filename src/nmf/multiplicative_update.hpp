#pragma once
// scikit-learn's 'mu' solver: the majorisation-minimisation updates of Févotte & Idier
// (2011) for any β-divergence, W ← W ⊙ (N ⊘ D)^γ, with scikit-learn's ε guards and its
// stopping rule (every 10 iterations, the error drop relative to the initial error).

#include <string>

#include "nmfkit/nmf/solver.hpp"
#include "spread_solver.hpp"

namespace nmfkit {

// scikit-learn's verbose line of the 'mu' solver ("Epoch 10 reached after ..."); error may
// be null (the last line, without the error).
std::string mu_epoch_line(int n_iter, double seconds, const double* error);

template <class T>
class MultiplicativeUpdate final : public SolverFor<MultiplicativeUpdate<T>, T>,
                                   public SpreadSolver<T> {
 public:
  explicit MultiplicativeUpdate(SolverSettings settings) : settings_(std::move(settings)) {}

  template <class Matrix>
  SolveReport run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  // Weighted updates (every ratio term multiplied by the entry's weight), for any β, on a
  // dense copy of X and of the weights; the same stopping rule on the weighted error.
  // X spread over processes (settings.comm, or the blocks each process holds): the same
  // updates for the Frobenius and Kullback-Leibler losses, the products with X taken
  // through the distributed operator and the elementwise work done on the whole factors
  // by every process alike (docs/distributed.md).
  SolveReport solve_spread(const dist::DistributedOperator<T, DenseMatrix<T>>& X,
                           DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const override {
    return run_spread(X, W, H, update_H);
  }
  SolveReport solve_spread(const dist::DistributedOperator<T, SparseMatrix<T>>& X,
                           DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const override {
    return run_spread(X, W, H, update_H);
  }
  template <class Matrix>
  SolveReport run_weighted(const Matrix& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                           DenseMatrix<T>& H, bool update_H) const;

 private:
  // multiplicative_spread.cpp: the updates on X spread over processes, from the blocks or
  // from X whole in every process.
  template <class Op>
  SolveReport run_spread(const Op& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  template <class Matrix>
  SolveReport run_spread_whole(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                               bool update_H) const;

  SolverSettings settings_;
};

}  // namespace nmfkit
