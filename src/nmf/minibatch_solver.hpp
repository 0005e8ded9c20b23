#pragma once
// Solver 'minibatch': scikit-learn's MiniBatchNMF (nmf/minibatch.hpp) behind the solver
// interface, so that fit(), transform() and every command take it like any other solver.

#include "nmfkit/nmf/minibatch.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

template <class T>
class MiniBatchSolver final : public SolverFor<MiniBatchSolver<T>, T> {
 public:
  explicit MiniBatchSolver(SolverSettings settings) : settings_(std::move(settings)) {}

  // From fit()'s W and H when update_H; else MiniBatchNMF's transform (W solved from a
  // constant start with H fixed).
  template <class Matrix>
  SolveReport run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const {
    MiniBatchNmf<T> model(settings_.fit_options, settings_.fit_options.minibatch);
    SolveReport report;
    if (!update_H) {
      model.restore({H, H, DenseMatrix<T>::Ones(H.rows(), H.cols()), 1, 1.0, 0});
      W = model.transform(X);
      report.n_iter = settings_.fit_options.minibatch.transform_max_iter.value_or(
          settings_.max_iter);
      return report;
    }
    MiniBatchResult<T> result = model.fit_from(X, W, H, settings_.progress);
    W = std::move(result.W);
    H = std::move(result.H);
    report.n_iter = result.n_iter;
    return report;
  }

 private:
  SolverSettings settings_;
};

}  // namespace nmfkit
