#pragma once
// What every fit shares, whichever model or solver runs it: the solver settings from the
// options and scikit-learn's max_iter warning.

#include <string>

#include "nmfkit/nmf/options.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

inline SolverSettings settings_for(const NmfOptions& options, Index n_samples, Index n_features,
                                   const Progress& progress) {
  SolverSettings s;
  s.beta = options.beta_loss;
  s.tol = options.tol;
  s.max_iter = options.max_iter;
  s.patience = options.patience;
  s.penalties = scaled_penalties(options, n_samples, n_features);
  s.shuffle = options.shuffle;
  s.random_state = options.random_state;
  s.verbose = options.verbose;
  s.extrapolate = options.extrapolate;
  s.progress = progress;
  s.comm = options.comm;
  s.learning_rate = options.learning_rate;
  s.penalty = options.penalty;
  s.fit_options = options;
  return s;
}

// scikit-learn's ConvergenceWarning condition.
inline bool stopped_by_max_iter(int n_iter, const NmfOptions& options) {
  return n_iter == options.max_iter && options.tol > 0;
}

inline std::string max_iter_warning(const NmfOptions& options) {
  return "Maximum number of iterations " + std::to_string(options.max_iter) +
         " reached. Increase it to improve convergence.";
}

}  // namespace nmfkit
