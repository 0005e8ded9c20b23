#pragma once
// Cross-modality feature associations (mTopic's feature_associations): each target feature
// of modality A (e.g. a gene) is explained as a convex combination of source features of
// modality B (e.g. the peaks near it), both described by their topic loadings.
//
// Two modes (docs/associations.md has the maths):
// - Faithful: mTopic's definition exactly (softmax-parameterised weights, its loss and
//   regularisers, Adam for a fixed number of steps), computed in parallel over targets with
//   the closed-form gradient.
// - Corrected: a proper KL divergence between topic profiles, minimised by EM to
//   convergence, with a minimum-weight rule for sparsity and seeded random starts; a single
//   source that reproduces the target is preferred to any mixture (the sparsest
//   explanation).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"

namespace nmfkit::multimodal {

enum class AssociationMode { Faithful, Corrected };

std::string to_string(AssociationMode mode);
AssociationMode parse_association_mode(const std::string& name);  // "faithful" | "corrected"

struct AssociationOptions {
  AssociationMode mode = AssociationMode::Corrected;  // which definition (see above)
  int n_epochs = 10000;          // faithful: Adam steps per target (mTopic's default)
  double lambda_reg = 1e-4;      // faithful: weight of the two sparsity terms
  double lambda_entropy = 1e-3;  // faithful: weight of +H(x) (sharpening)
  double lambda_spread = 0.05;   // faithful: weight of −H(x) (spreading)
  double temperature = 0.2;      // faithful: softmax temperature τ, x = softmax(z/τ)
  bool normalize = true;         // faithful: divide A's and B's rows (topics) by their own
                                 // sums (mTopic); corrected: both by their joint sums
  std::uint64_t seed = 1898;     // corrected: keys the random starts (faithful has none)
  int n_threads = 0;             // threads over targets; 0: all cores
  double tolerance = 1e-8;       // corrected: stop EM when cross-entropy falls less (relative)
  int max_iterations = 20000;    // corrected: EM iterations per start, over all pruning rounds
  double min_weight = 0.02;      // corrected: sources below this share are pruned (0: none)
  int restarts = 3;              // corrected: seeded random starts; the lowest KL is kept
  double single_slack = 1e-6;    // corrected: the best single source is reported alone when its
                                 // KL is at most this (nats): it reproduces the target
  std::vector<Index> targets;    // both: solve only these target columns (after the
                                 // normalisation over all); empty: every target

  // Throws InvalidArgument naming the parameter, its value and what is allowed.
  void validate() const;
};

// How one target's fit ended.
struct TargetFit {
  int iterations = 0;      // faithful: n_epochs; corrected: EM iterations of the kept start
  bool converged = false;  // corrected: the tolerance was met; faithful: always false
  double loss = 0;         // faithful: mTopic's loss; corrected: KL(target ‖ fitted profile)
  Index n_sources = 0;     // sources with a non-zero weight
  bool single_source = false;  // corrected: one source reproduced the target (KL within
                               // single_slack of 0) and is reported alone
};

struct Associations {
  // sources × targets (rows = source features of B, columns = target features of A), as
  // mTopic returns; each non-empty column sums to 1; pairs the mask forbids are not stored.
  SparseMatrix<double> weights;
  // All-zero columns because the mask allows no source.
  std::vector<Index> targets_without_source;
  // Corrected mode only: all-zero columns because the target's topic profile is zero or
  // every allowed source's is (no profile to compare).
  std::vector<Index> targets_without_signal;
  std::vector<TargetFit> fits;  // one per target
  AssociationMode mode = AssociationMode::Corrected;
  double seconds = 0;
};

// A: topics × targets, B: topics × sources, both non-negative and finite with the same
// number of topics. mask: sources × targets, a stored non-zero entry allows the pair;
// nullptr allows every pair. Throws InvalidArgument for a shape mismatch, negative or
// non-finite values, a topic row summing to 0 under `normalize` (in corrected mode: in both
// A and B), and bad options; Cancelled
// when progress asks.
Associations associate(const DenseMatrix<double>& A, const DenseMatrix<double>& B,
                       const SparseMatrix<double>* mask, const AssociationOptions& options,
                       Progress progress = {});

// One line of the output table: a source of a target with its weight and rank (1 = largest).
struct AssociationRow {
  Index target = 0;
  Index source = 0;
  double weight = 0;
  Index rank = 0;
};

struct TableOptions {
  Index top = 10;                   // per target, the largest `top` weights (0: all)
  std::optional<double> threshold;  // instead: every weight ≥ threshold, whatever the rank
};

// Per target (in order), its non-zero weights sorted from the largest (ties: lower source
// index first), ranked from 1, cut by `top` or `threshold`. Throws InvalidArgument for a
// negative top or a threshold that is negative or not finite.
std::vector<AssociationRow> association_table(const Associations& associations,
                                              const TableOptions& options = {});

}  // namespace nmfkit::multimodal
