#pragma once
// mTopic's multimodal topic model (MTM): latent Dirichlet allocation with one vocabulary per
// modality, fitted by mean-field variational Bayes (reference/mtopic.md §1). Every sample
// ("document": a cell or a spot) has one topic mixture θ_d ~ Dir(α) shared by its
// modalities; every topic has one feature distribution β_{m,k} ~ Dir(η) per modality m.
// The values need not be counts: mTopic feeds TF-IDF or CLR values, scaled.
//
// q(θ_d) = Dir(γ_d) and q(β_{m,k}) = Dir(λ_{m,k}). fit_vi and fit_svi follow mTopic 1.0's
// MTM.VI and MTM.SVI update for update; fit_spatial is its sMTM (neighbourhood smoothing
// of γ inside the E-step, full-batch VI only). predict_theta is the held-out E-step with λ
// fixed, held_out_log_likelihood the score tl.select_n_topics ranks the number of topics by.
//
// Any thread count gives the same bits: every sample's E-step is independent, and the
// sufficient statistics are summed feature by feature over the samples in their order.

#include <cstdint>
#include <string>
#include <vector>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/multimodal/data.hpp"

namespace nmfkit::multimodal {

struct MtmOptions {
  int n_topics = 20;          // K
  double alpha = 0;           // Dirichlet prior on θ; 0: 1/K, as mTopic
  double eta = 0.01;          // Dirichlet prior on every β_{m,k}
  int max_iter_d = 100;       // E-step iterations per sample at most
  double gamma_tol = 1e-4;    // E-step stops when mean_k |Δγ_dk| < gamma_tol
  std::uint64_t seed = 2291;  // np.random.default_rng(seed) draws λ's start and SVI batches
  int n_threads = 0;          // threads over samples; 0: all cores
  // Where the fit saves its state (γ, λ, the iteration) every checkpoint->interval_seconds
  // and when cancelled, and resumes from (core/checkpoint.hpp; unit "mtm"). Not kept in
  // the fitted model.
  const CheckpointStore* checkpoint = nullptr;

  // Throws InvalidArgument naming the parameter, its value and the allowed range.
  void validate() const;
  double effective_alpha() const { return alpha > 0 ? alpha : 1.0 / n_topics; }
};

// MTM.SVI's schedule: n_batches updates, each from batch_size samples drawn with
// replacement, with step ρ_t = (tau + t)^(−kappa), t = 1, 2, ...
struct SviOptions {
  int n_batches = 100;     // updates of λ
  Index batch_size = 100;  // samples per update (duplicates possible)
  double tau = 1.0;        // delay, ≥ 0
  double kappa = 0.75;     // forgetting rate, in (0.5, 1]
  void validate() const;
};

// sMTM's neighbourhoods.
struct SpatialOptions {
  double radius = 0.05;   // neighbours within this distance, on coordinates whose longest
                          // axis is scaled to [0, 1]
  Index n_neighbors = 0;  // > 0: keep only the n_neighbors nearest of them (self included).
                          // mTopic 1.0's CPU sMTM ignores the parameter; 0 does the same
  void validate() const;
};

struct MtmModel {
  std::vector<std::string> modality_names;
  std::vector<std::vector<std::string>> feature_names;  // per modality
  std::vector<std::string> sample_names;
  MtmOptions options;                       // as fitted, alpha resolved to its value
  std::vector<DenseMatrix<double>> lambda;  // per modality, K × V_m: q(β)'s parameters
  DenseMatrix<double> gamma;                // N × K: q(θ)'s parameters from the last E-step
  int n_iter = 0;                           // VI iterations or SVI updates done

  Index n_topics() const { return gamma.cols(); }
  // γ row-normalised: E[θ], mTopic's obsm['topics'].
  DenseMatrix<double> topic_proportions() const;
  // λ_m row-normalised: E[β_m], topics × features.
  DenseMatrix<double> expected_beta(std::size_t modality) const;
};

// mTopic's start: λ_m ~ Gamma(shape 100, scale 0.01) of shape K × V_m, all modalities drawn
// in order from one np.random.default_rng(seed).
std::vector<DenseMatrix<double>> initial_lambda(const MultiModalData& data,
                                                const MtmOptions& options);

// Full-batch variational inference: n_iter rounds of E-step over every sample then
// λ_m = η + E[β_m] ⊙ sstats_m. initial_lambda: K × V_m per modality; empty: the seeded
// start above. Throws InvalidArgument for bad options, a value that is negative or not
// finite (naming the modality), or an initial λ of the wrong shape or not positive.
MtmModel fit_vi(const MultiModalData& data, const MtmOptions& options, int n_iter = 20,
                const Progress& progress = {},
                const std::vector<DenseMatrix<double>>& initial_lambda = {});

// Stochastic variational inference. batches: n_batches lists of sample indices; empty:
// rng.choice(N, (n_batches, batch_size)) from the generator that drew λ (a fresh
// default_rng(seed) when initial_lambda is given). Samples never in a batch keep γ = α.
MtmModel fit_svi(const MultiModalData& data, const MtmOptions& options, const SviOptions& svi = {},
                 const Progress& progress = {},
                 const std::vector<DenseMatrix<double>>& initial_lambda = {},
                 const std::vector<std::vector<Index>>& batches = {});

// sMTM: VI whose E-step smooths each converged γ_d toward its spatial neighbourhood (see
// spatial_smoothing below). coordinates: N × 2.
MtmModel fit_spatial(const MultiModalData& data, const DenseMatrix<double>& coordinates,
                     const MtmOptions& options, const SpatialOptions& spatial = {}, int n_iter = 20,
                     const Progress& progress = {},
                     const std::vector<DenseMatrix<double>>& initial_lambda = {});

// The E-step on new samples with the model's λ fixed (the model's α, max_iter_d,
// gamma_tol and n_threads): θ = γ row-normalised, new samples × K. The data must have the
// model's modalities (by name) with the same feature counts.
DenseMatrix<double> predict_theta(const MtmModel& model, const MultiModalData& data);

struct HeldOutLikelihood {
  std::vector<double> per_modality;  // in the model's modality order
  double total = 0;
};
// Σ_d Σ_w x_dw·log(θ_d·β_{:,w} + 1e-12) with β = E[β] (row-normalised λ), per modality:
// the score of mTopic's tl.select_n_topics. theta: data's samples × K.
HeldOutLikelihood held_out_log_likelihood(const MtmModel& model, const MultiModalData& data,
                                          const DenseMatrix<double>& theta);

// mTopic's export_params: topics whose largest proportion over samples is ≤ threshold are
// dropped (when filter_topics) from both the proportions and the signatures.
struct ExportedTopics {
  std::vector<Index> topics;                    // kept topic indices, increasing
  DenseMatrix<double> proportions;              // N × kept: γ row-normalised over all K
  std::vector<DenseMatrix<double>> signatures;  // per modality, V_m × kept: raw λᵀ
};
// renormalize: rows of the kept proportions rescaled to sum to one. mTopic 1.0 computes that
// but never assigns it, so its output is renormalize = false.
ExportedTopics export_topics(const MtmModel& model, bool filter_topics = true,
                             double filter_threshold = 0.01, bool renormalize = false);

// sMTM's neighbourhoods on scaled coordinates: for each sample, itself first, then the other
// samples within the radius by increasing distance (ties by index).
struct SpatialNeighbours {
  std::vector<Index> offsets;  // N + 1
  std::vector<Index> index;    // neighbour sample indices
  std::vector<double> weight;  // exp(−π·distance²), the N(0, 1/√(2π)) density
};
// Coordinates are shifted to start at 0 and divided by the largest axis range.
SpatialNeighbours spatial_neighbours(const DenseMatrix<double>& coordinates,
                                     const SpatialOptions& options);

}  // namespace nmfkit::multimodal
