#pragma once
// scikit-learn's 'mu' solver: the majorisation-minimisation updates of Févotte & Idier
// (2011) for any β-divergence, W ← W ⊙ (N ⊘ D)^γ, with scikit-learn's ε guards and its
// stopping rule (every 10 iterations, the error drop relative to the initial error).

#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

template <class T>
class MultiplicativeUpdate final : public SolverFor<MultiplicativeUpdate<T>, T> {
 public:
  explicit MultiplicativeUpdate(SolverSettings settings) : settings_(std::move(settings)) {}

  template <class Matrix>
  SolveReport run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  // Weighted updates (every ratio term multiplied by the entry's weight), for any β, on a
  // dense copy of X and of the weights; the same stopping rule on the weighted error.
  template <class Matrix>
  SolveReport run_weighted(const Matrix& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                           DenseMatrix<T>& H, bool update_H) const;

 private:
  SolverSettings settings_;
};

}  // namespace nmfkit
