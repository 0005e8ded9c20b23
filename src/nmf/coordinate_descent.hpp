#pragma once
// scikit-learn's 'cd' solver: the fast HALS of Cichocki & Phan (2009) written as exact
// coordinate minimisation, with scikit-learn's stopping rule (the sum of |projected
// gradient| seen during a sweep, relative to the first sweep's).

#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

template <class T>
class CoordinateDescent final : public SolverFor<CoordinateDescent<T>, T> {
 public:
  explicit CoordinateDescent(SolverSettings settings) : settings_(std::move(settings)) {}

  template <class Matrix>
  SolveReport run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;

 private:
  SolverSettings settings_;
};

}  // namespace nmfkit
