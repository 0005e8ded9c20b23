#pragma once
// The parameters of scikit-learn's MiniBatchNMF beyond NMF's (nmf/minibatch.hpp), for
// solver 'minibatch'.

#include <optional>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// MiniBatchNMF's own parameters, with its defaults (the rest are NmfOptions; its solver is
// ignored, every β is allowed).
struct MiniBatchOptions {
  Index batch_size = 1024;
  std::optional<int> max_no_improvement = 10;  // batches without a better smoothed cost; unset: None
  double forget_factor = 0.7;
  bool fresh_restarts = false;       // solve W fully for each batch (and at the end)
  int fresh_restarts_max_iter = 30;  // iterations of those solves
  std::optional<int> transform_max_iter;  // transform's iterations; unset: max_iter

  // Throws InvalidArgument naming the parameter.
  void validate() const;
};

}  // namespace nmfkit
