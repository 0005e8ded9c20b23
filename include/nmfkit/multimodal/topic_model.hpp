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

// Applies the preprocessing in place; one progress message per step.
void preprocess(MultiModalData& data, const PreprocessOptions& options,
                const Progress& progress = {});

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

}  // namespace nmfkit::multimodal
