#pragma once
// scikit-learn's NMF options as command-line flags, for the commands that fit a model.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "nmfkit/nmf/options.hpp"
#include "nmfkit/select/select_k.hpp"

namespace nmfkit::cli {

struct NmfFlags {
  std::string components = "auto";
  std::string solver = "auto";
  std::string beta_loss = "frobenius";
  std::string init = "auto";
  std::optional<std::uint64_t> seed;
  double tol = 1e-4;
  int max_iter = 200;
  int patience = 3;
  int threads = 0;
  double alpha_W = 0.0;
  std::string alpha_H = "same";
  double l1_ratio = 0.0;
  bool shuffle = false;
  bool no_extrapolate = false;
  int verbose = 0;
  std::optional<Index> batch_size;  // solver minibatch; unset: 1024 (at most the samples)
  double forget_factor = 0.7;
  int max_no_improvement = 10;  // 0: none
  bool fresh_restarts = false;
  std::optional<double> learning_rate;
  std::optional<double> penalty;

  // Registers the flags; --k is required unless a default is given (with_k = false leaves
  // --k to the command).
  void add_to(CLI::App& command, bool k_required, bool with_k = true);
  // --batch-size, --forget-factor, --max-no-improvement, --fresh-restarts (solver minibatch).
  void add_minibatch_to(CLI::App& command);
  // --k auto without custom factors: the number of components is to be chosen by select-k.
  bool k_auto() const { return components == "auto"; }
  // The options the flags describe (values were validated while parsing).
  NmfOptions options() const;
};

// Throws InvalidArgument for a --batch-size larger than the samples of the input.
void check_batch_size(const std::optional<Index>& batch_size, Index samples);

// Missing entries and weights: --mask, --weights, --missing.
struct MissingFlags {
  std::string mask;
  std::string weights;
  std::string missing = "none";

  void add_to(CLI::App& command);
  bool any() const { return !mask.empty() || !weights.empty() || missing != "none"; }
  // The files given (--mask, --weights), for a checkpoint's fingerprint.
  std::vector<std::string> files() const;
  // The weights for X (whose NaN entries --missing nan replaces by 0). Throws
  // InvalidArgument for a mask of another shape or flags that do not combine.
  template <class T>
  EntryWeights<T> weights_for(DenseMatrix<T>& X) const;
  template <class T>
  EntryWeights<T> weights_for(SparseMatrix<T>& X) const;
  std::string describe() const;  // "mask M.mtx", "NaN entries", "zeros", ...
};

// How select-k chooses k: its own flags, or with prefix "select-" for `--k auto` in fit
// and topics.
struct SelectFlags {
  std::string method = "cv";
  double holdout = 0.1;
  int replicates = 3;
  int perturbations = 10;
  double noise = 0.03;
  double threshold = 0.8;
  double cv_tolerance = select::CrossValidationOptions{}.tolerance;
  int restarts = select::ConsensusOptions{}.restarts;
  double cophenetic_tolerance = select::ConsensusOptions{}.tolerance;
  double cnmf_tolerance = select::ConsensusOptions{}.silhouette_tolerance;
  double density_threshold = select::ConsensusOptions{}.density_threshold;
  int parallel_fits = 0;
  std::string range = "auto";  // only with the prefix: the k searched for --k auto

  void add_to(CLI::App& command, bool prefixed);
  select::SelectOptions options(const NmfOptions& nmf, const std::string& k_spec) const;
};

// The summary line of a selection, on stdout: "select-k   chose k = 5 by cv in 3.2 s".
void print_selection(const select::Selection& selection, const std::string& method);

// Runs the selection for `--k auto` and returns the chosen k, printing one line per k to
// stderr as it goes and a summary line to stdout.
template <class T, class Matrix>
Index choose_k(const Matrix& X, const EntryWeights<T>& weights, const NmfOptions& nmf,
               const SelectFlags& flags);

// One progress line per scored k, on stderr.
std::string score_line(const select::KScore& score);

}  // namespace nmfkit::cli
