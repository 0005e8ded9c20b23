#pragma once
// A fit's result as the model a result folder keeps (nmf_model.hpp): what `fit`, `demo` and
// the topic model save.

#include <string>
#include <utility>

#include "nmfkit/dist/grid.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::io {

// The result, the options with the seed actually used, where X came from and how long the
// fit took.
template <class T>
NmfModel nmf_model_of(NmfResult<T>&& result, NmfOptions options, const std::string& input,
                      double seconds) {
  NmfModel model;
  options.random_state = result.random_state;
  model.options = std::move(options);
  model.init_used = result.init;
  model.W = std::move(result.W);
  model.H = std::move(result.H);
  for (auto& F : result.layer_W) model.layer_W.emplace_back(std::move(F));
  for (auto& F : result.layer_H) model.layer_H.emplace_back(std::move(F));
  model.reconstruction_error = result.reconstruction_error;
  model.n_iter = result.n_iter;
  model.converged = result.converged;
  model.warnings = std::move(result.warnings);
  model.input = input;
  model.seconds = seconds;
  model.solver_used = std::move(result.solver);
  model.init_seconds = result.init_seconds;
  model.grid = dist::to_string(result.grid);
  model.objective_history = std::move(result.objective_history);
  model.iteration_seconds = std::move(result.iteration_seconds);
  model.kkt_history = std::move(result.kkt_history);
  return model;
}

}  // namespace nmfkit::io
