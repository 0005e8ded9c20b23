#pragma once
// Choosing the number of components k.
//
// Cross-validation (RcppML's speckled holdout): for each replicate a hash of (row,
// column, seed) holds out a fraction of the entries (nothing is stored); the model is fitted
// on the rest (masked NMF) and scored by the mean squared error on the held-out entries.
// The rule finds the elbow of the curve: the smallest k whose log mean test error has come
// within a share `tolerance` of the way down the curve's descent (from the highest log
// error at or below the best k, to the lowest). Calibrated on planted data
// (bench/calibrate_select_k.py). The one-standard-error rule it replaces stopped at the
// last noise-fitting dip: the replicates' errors are strongly correlated, so their
// standard error is tiny.
//
// Stability (NMFk): an ensemble of fits on copies of X perturbed by uniform multiplicative
// noise, X ⊙ (1 − ε + 2ε·U), each from its own random start; the components (rows of H,
// unit length) are matched across the ensemble to the ensemble's centroids by the
// Hungarian method, and the silhouette of each matched cluster is computed on the angular
// distance. The rule: the largest k whose smallest cluster silhouette reaches the
// threshold.
//
// Consensus clustering (Brunet et al. 2004, consensus_clustering.hpp) and cNMF's consensus
// (Kotliar et al. 2019, cnmf.hpp) share one ensemble per k: fits of X itself from random
// starts. Consensus: each fit assigns every sample (row) to its largest component; the
// cophenetic correlation of the consensus matrix per k. Rule: the largest k whose
// cophenetic correlation is within a tolerance of the highest over the candidates (Brunet:
// "the k before the coefficient falls"). cNMF: the rows of H of all fits, unit length,
// k-means into k clusters; the silhouette of those clusters and the error of the usages
// refitted to their medians per k. Rule: the largest k whose silhouette is within a
// tolerance of the highest (cNMF's advice: the largest k that is about as stable).
//
// k comes from a list, or from a coarse-to-fine search: k doubling from the low end, then
// the step halved around the best k (cross-validation) or the boundary between stable and
// unstable k (stability).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit::select {

// Both: cv and stability; All: every method.
enum class Method { CrossValidation, Stability, Both, Consensus, Cnmf, All };
std::string to_string(Method method);
Method parse_method(const std::string& name);  // cv | stability | both | consensus | cnmf | all

// "2:30" (every k), "5:40:5" (a step), "3,5,8" (a list) or "auto" / "auto:LO:HI" (the
// search). Throws InvalidArgument for an empty range, k < 1 or text that does not parse.
struct KSpec {
  std::vector<Index> ks;  // the candidates, increasing (empty for a search)
  bool search = false;
  Index low = 2;          // search bounds (inclusive)
  Index high = 0;         // 0: min(rows, columns, 40) at run time
};
KSpec parse_k_spec(const std::string& text);

struct CrossValidationOptions {
  double holdout_fraction = 0.1;  // share of the entries held out, in (0, 0.5]
  int replicates = 3;             // holdout masks (seeds seed, seed + 1, ...)
  double tolerance = 0.05;        // elbow rule: share of the log descent left at the chosen k
};

struct StabilityOptions {
  int perturbations = 10;  // fits in the ensemble
  double noise = 0.03;     // ε of the uniform multiplicative noise, in [0, 1)
  double threshold = 0.8;  // the smallest cluster silhouette a stable k reaches
};

// The ensemble of restarts that consensus clustering and cNMF share.
struct ConsensusOptions {
  int restarts = 20;          // fits of X from random starts per k
  Index max_samples = 1000;   // rows in the consensus matrix (a seeded subset beyond)
  double tolerance = 0.0015;  // consensus rule: cophenetic within this of the highest
  double density_threshold = 2.0;  // cnmf: drop spectra this far from their neighbours
  double neighborhood = 0.30;      // cnmf: neighbours, as a share of the restarts
  double silhouette_tolerance = 0.02;  // cnmf rule: silhouette within this of the highest
};

struct SelectOptions {
  KSpec k;
  Method method = Method::CrossValidation;
  CrossValidationOptions cv;
  StabilityOptions stability;
  ConsensusOptions consensus;  // consensus and cnmf
  NmfOptions nmf;              // the fits (n_components and random_state are set per fit)
  std::uint32_t seed = 0;      // holdout masks, perturbations and random starts
  int parallel_fits = 0;       // fits at once (each on one thread); 0: by the data size
  // Where each completed fit (one unit: a k and a replicate) is saved, and found again by a
  // resumed run (core/checkpoint.hpp); null: none. One process only. Owned by the caller.
  const CheckpointStore* checkpoint = nullptr;
  // Throws InvalidArgument naming the parameter (holdout fraction outside (0, 0.5], ...).
  void validate() const;

  // These options for the selection behind a fit asked for k = auto: the fit's solver is kept
  // when it fits with held-out entries (cross-validation needs them), otherwise the selection
  // runs with 'auto', the fastest solver for the loss; the chosen k is then fitted with the
  // fit's own solver.
  SelectOptions for_automatic_k() const;
};

// One k's scores; NaN where a method did not run at that k.
struct KScore {
  Index k = 0;
  double test_error = 0;                  // cv: mean over replicates of the held-out MSE
  double test_error_se = 0;               // cv: its standard error
  std::vector<double> replicate_errors;   // cv: per replicate
  double train_error = 0;                 // cv: mean MSE on the observed training entries
  double min_silhouette = 0;              // stability: the smallest cluster silhouette
  double mean_silhouette = 0;             // stability: the mean over all components
  double cophenetic = 0;                  // consensus: cophenetic correlation
  double dispersion = 0;                  // consensus: dispersion of the consensus matrix
  double cnmf_silhouette = 0;             // cnmf: silhouette of the spectra's clusters
  double cnmf_error = 0;                  // cnmf: ‖X − U·S‖/‖X‖ with the consensus spectra S
  double reconstruction_error = 0;        // ‖X − WH‖/‖X‖ (observed entries) of a fit at k
  double seconds = 0;                     // wall time spent on this k
};

struct Selection {
  std::vector<KScore> scores;  // increasing k
  std::optional<Index> cv_k;
  std::string cv_rule;
  std::optional<Index> stability_k;
  std::string stability_rule;
  std::optional<Index> consensus_k;
  std::string consensus_rule;
  std::optional<Index> cnmf_k;
  std::string cnmf_rule;
  // The one method's choice; both: the smaller of cv and stability; all: the k most
  // methods chose (the smaller on a tie).
  Index chosen_k = 0;
  std::string rule;       // how chosen_k follows from the methods' choices
  std::string agreement;  // which methods agree (every method that ran, by its k)
  double seconds = 0;
};

// Called after each k is scored (for progress display).
using ScoreCallback = std::function<void(const KScore&)>;

template <class T>
Selection select_k(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                   const SelectOptions& options, const Progress& progress = {},
                   const ScoreCallback& on_score = {});
template <class T>
Selection select_k(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                   const SelectOptions& options, const Progress& progress = {},
                   const ScoreCallback& on_score = {});

// The pieces, exposed for tests.

// An assignment maximising the total similarity: result[i] = the column matched to row i
// (square similarity matrix). The Hungarian method, O(k³).
std::vector<Index> best_matching(const Eigen::MatrixXd& similarity);

// Silhouettes of clustered unit vectors (rows of `points`, labels in 0..clusters−1) on
// the angular distance arccos(cos θ): per cluster, the mean over its members.
std::vector<double> cluster_silhouettes(const Eigen::MatrixXd& points,
                                        const std::vector<Index>& labels, Index clusters);

// The rules, on scores in increasing k.
std::optional<Index> one_standard_error_k(const std::vector<KScore>& scores);
std::optional<Index> elbow_k(const std::vector<KScore>& scores, double tolerance);
std::optional<Index> largest_stable_k(const std::vector<KScore>& scores, double threshold);
std::optional<Index> consensus_k(const std::vector<KScore>& scores, double tolerance);
std::optional<Index> cnmf_k(const std::vector<KScore>& scores, double tolerance);

}  // namespace nmfkit::select
