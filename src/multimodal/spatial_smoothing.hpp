#pragma once
// sMTM's smoothing of a converged γ_d toward its spatial neighbourhood (internal).

#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/multimodal/mtm.hpp"

namespace nmfkit::multimodal::detail {

class SpatialSmoother {
 public:
  // previous_gamma: the global γ (N × K) of the previous VI iteration; both must outlive
  // the smoother.
  SpatialSmoother(const SpatialNeighbours& neighbours, const DenseMatrix<double>& previous_gamma);

  // γ_d ← γ_d ⊙ (1 + s) rescaled to its old sum, s the unit-length similarity-weighted
  // mean direction of the neighbourhood. scratch: 2K doubles.
  void smooth(Index sample, double* gamma, double* scratch) const;

 private:
  const SpatialNeighbours& neighbours_;
  const DenseMatrix<double>& previous_;
  std::vector<double> inverse_norm_;  // 1/‖γ_j‖ of the previous rows
};

}  // namespace nmfkit::multimodal::detail
