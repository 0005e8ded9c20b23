#pragma once
// The per-target problems behind associate(): one target's topic profile `a` (T values)
// against its allowed sources, gathered into a T × n row-major block so that every product
// runs along contiguous sources. Each solver owns buffers that only grow, so a thread
// reuses them from target to target and no step allocates.

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/multimodal/associations.hpp"

namespace nmfkit::multimodal::detail {

// mTopic's loss and Adam on softmax logits, with the closed-form gradient.
class FaithfulSolver {
 public:
  explicit FaithfulSolver(const AssociationOptions& options) : options_(options) {}
  // Writes the n weights to x_out.
  TargetFit solve(const double* a, const double* B, Index T, Index n, double* x_out);

 private:
  void reserve(Index T, Index n);
  const AssociationOptions& options_;
  std::vector<double> z_, x_, u_, g_, m_, v_, tmp_, r_;
};

// KL between normalised topic profiles, EM with pruning, seeded restarts.
class CorrectedSolver {
 public:
  explicit CorrectedSolver(const AssociationOptions& options) : options_(options) {}
  // Writes the n weights to x_out; the fit has n_sources = 0 when there is no signal (a
  // zero target profile, or every source's is zero).
  TargetFit solve(const double* a, const double* B, Index T, Index n, Index target, double* x_out);

 private:
  void reserve(Index T, Index n);
  // One start from x_ (already set over the n columns of the block B_); returns the fit and
  // leaves the weights in x_ with their source positions in active_.
  TargetFit run(Index T, Index n);
  // KL(â ‖ b̂_i) of the best single source among the k profiles in B_; its index in *best.
  double best_single(Index T, Index k, Index* best) const;
  const AssociationOptions& options_;
  std::vector<double> a_, B_, work_, x_, f_, m_, best_x_;
  std::vector<Index> active_, best_active_, columns_;
};

}  // namespace nmfkit::multimodal::detail
