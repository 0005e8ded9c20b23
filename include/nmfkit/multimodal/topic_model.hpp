#pragma once
// One topic model of several modalities, end to end: mTopic's preprocessing (tf-idf or CLR
// per modality, then equal mass), then joint NMF, mTopic's MTM (VI or SVI) or its spatial
// sMTM, reduced to what every model gives: a sample × topic matrix and one topic × feature
// matrix per modality. The pipeline behind `nmfkit multimodal fit` and Python's
// nmfkit.MultimodalTopics.

#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/multimodal/data.hpp"
#include "nmfkit/multimodal/joint_nmf.hpp"
#include "nmfkit/multimodal/mtm.hpp"

namespace nmfkit::multimodal {

// mTopic's preprocessing, in mTopic's order.
struct PreprocessOptions {
  std::vector<std::string> tfidf;  // modalities to tf-idf
  std::vector<std::string> clr;    // modalities to CLR
  double scale_counts = 0;         // every modality scaled to this total per sample; 0: off
  // Throws InvalidArgument for a modality named in both lists or a total < 0 or not finite
  // (unknown names fail when applied).
  void validate() const;
};

// What the preprocessing learnt from the data it was fitted on, so that new samples get the
// same transform: each tf-idf modality's idf weights and each modality's scale_counts factor
// (from the training data, not recomputed, as scikit-learn's fitted transformers do: a new
// sample's values then do not depend on the other samples in its batch). CLR is per sample
// and needs nothing.
struct FittedPreprocessing {
  PreprocessOptions options;
  std::vector<std::vector<double>> idf;  // per options.tfidf entry, one weight per feature
  std::vector<std::string> scaled;       // modalities with a scale_counts factor, by name
  std::vector<double> scale;             // their factors
};

// Applies the preprocessing in place; one progress message per step. Returns the fitted
// weights and factors for apply_preprocessing.
FittedPreprocessing preprocess(MultiModalData& data, const PreprocessOptions& options,
                               const Progress& progress = {});

// The fitted preprocessing applied to other samples of the same modalities, in place:
// apply_preprocessing(X, preprocess(X, o)) leaves X as preprocess left it, bit for bit.
// Throws InvalidArgument naming the modality that is missing or has another feature count.
void apply_preprocessing(MultiModalData& data, const FittedPreprocessing& fitted);

enum class TopicModelKind { JointNmf, Mtm, Smtm };
std::string to_string(TopicModelKind kind);
TopicModelKind parse_topic_model_kind(const std::string& name);  // joint-nmf | mtm | smtm

struct MultimodalTopicOptions {
  TopicModelKind model = TopicModelKind::JointNmf;
  JointNmfOptions joint;    // joint-nmf: the NMF options (k in joint.nmf) and weights
  MtmOptions mtm;           // mtm, smtm: priors, E-step, seed, threads (k in mtm.n_topics)
  int iterations = 20;      // mtm, smtm: VI iterations
  bool svi = false;         // mtm: stochastic VI instead of full-batch VI
  SviOptions svi_options;   // its schedule
  SpatialOptions spatial;   // smtm: the neighbourhoods
  // Throws InvalidArgument naming the parameter (iterations < 1, bad MTM or SVI options).
  void validate() const;
};

struct MultimodalTopics {
  std::vector<std::string> modality_names;      // in the order of components and lambda
  DenseMatrix<double> sample_topics;            // samples × k (MTM: E[θ])
  std::vector<DenseMatrix<double>> components;  // per modality: k × features (MTM: E[β_m])
  std::vector<DenseMatrix<double>> lambda;      // mtm, smtm: raw λ_m per modality
  int n_iter = 0;
  // joint-nmf
  std::vector<double> modality_errors;
  double objective = 0;
  bool converged = true;
  std::uint32_t random_state = 0;
  std::vector<std::string> warnings;
  // mtm, smtm
  double alpha = 0;  // the prior on θ, resolved
};

// coordinates: smtm's samples × 2 positions (required there, ignored otherwise). Throws
// InvalidArgument for bad options, data that are not non-negative, coordinates of the wrong
// shape.
MultimodalTopics fit_topics(const MultiModalData& data, const MultimodalTopicOptions& options,
                            const DenseMatrix<double>* coordinates = nullptr,
                            const Progress& progress = {});

// The topics of new samples (data: the fitted modalities by name, in any order, with the
// fitted feature counts, before preprocessing), new samples × k. The data are first
// preprocessed as the training data were (apply_preprocessing with `preprocessing`, what
// preprocess returned for them; default: none). joint-nmf: the W minimising Σ_m w_m·D_β(X_m ‖ W·H_m) with every
// H_m fixed (transform_joint_nmf, options.joint). mtm and smtm: the held-out E-step with the
// fitted λ (predict_theta, options.mtm's α, max_iter_d, gamma_tol, n_threads), θ = γ
// row-normalised. smtm's new samples are not smoothed spatially: sMTM smooths each γ_d
// toward its neighbours' γ from the previous VI iteration, which new samples (with no
// coordinates here, and no place in the fitted neighbourhoods) do not have, so they get the
// plain MTM E-step against the sMTM topics. Throws InvalidArgument naming the modality
// that is unknown, missing or of another feature count, or for values that are negative
// or not finite.
DenseMatrix<double> transform_topics(const MultimodalTopics& fitted,
                                     const MultimodalTopicOptions& options,
                                     MultiModalData data,
                                     const FittedPreprocessing& preprocessing = {},
                                     const Progress& progress = {});

}  // namespace nmfkit::multimodal
