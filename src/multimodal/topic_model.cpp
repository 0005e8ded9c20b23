#include "nmfkit/multimodal/topic_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nmfkit/core/error.hpp"
#include "nmfkit/multimodal/preprocess.hpp"

namespace nmfkit::multimodal {

void PreprocessOptions::validate() const {
  for (const auto& name : tfidf)
    if (std::find(clr.begin(), clr.end(), name) != clr.end())
      throw InvalidArgument("modality '" + name + "' is named in both tf-idf and CLR");
  if (scale_counts < 0 || !std::isfinite(scale_counts)) {
    char total[32];
    std::snprintf(total, sizeof total, "%g", scale_counts);
    throw InvalidArgument(std::string("scale_counts ") + total +
                          ": expected a number > 0, or 0 for none");
  }
}

void preprocess(MultiModalData& data, const PreprocessOptions& options, const Progress& progress) {
  options.validate();
  for (const auto& name : options.tfidf) {
    tfidf(data, name);
    progress.message("modality " + name + ": tf-idf");
  }
  for (const auto& name : options.clr) {
    clr(data, name);
    progress.message("modality " + name + ": CLR");
  }
  if (options.scale_counts > 0) {
    scale_counts(data, options.scale_counts);
    char total[32];
    std::snprintf(total, sizeof total, "%g", options.scale_counts);
    progress.message(std::string("every modality scaled to ") + total + " per sample");
  }
}

std::string to_string(TopicModelKind kind) {
  switch (kind) {
    case TopicModelKind::JointNmf: return "joint-nmf";
    case TopicModelKind::Mtm: return "mtm";
    case TopicModelKind::Smtm: return "smtm";
  }
  return "joint-nmf";
}

TopicModelKind parse_topic_model_kind(const std::string& name) {
  if (name == "joint-nmf") return TopicModelKind::JointNmf;
  if (name == "mtm") return TopicModelKind::Mtm;
  if (name == "smtm") return TopicModelKind::Smtm;
  throw InvalidArgument("model must be joint-nmf, mtm or smtm, got '" + name + "'");
}

void MultimodalTopicOptions::validate() const {
  if (model == TopicModelKind::JointNmf) return;  // fit_joint_nmf checks its own
  mtm.validate();
  if (iterations < 1)
    throw InvalidArgument("iterations " + std::to_string(iterations) + ": expected >= 1");
  if (svi) svi_options.validate();
  spatial.validate();
}

namespace {

MultimodalTopics fit_joint(const MultiModalData& data, const MultimodalTopicOptions& options,
                           const Progress& progress) {
  auto result = fit_joint_nmf<double>(data, options.joint, progress);
  MultimodalTopics out;
  out.sample_topics = std::move(result.W);
  out.components = std::move(result.H);
  out.n_iter = result.n_iter;
  out.modality_errors = std::move(result.modality_errors);
  out.objective = result.objective;
  out.converged = result.converged;
  out.random_state = result.random_state;
  out.warnings = std::move(result.warnings);
  return out;
}

MultimodalTopics fit_mtm(const MultiModalData& data, const MultimodalTopicOptions& options,
                         const DenseMatrix<double>* coordinates, const Progress& progress) {
  MtmModel fitted;
  if (options.model == TopicModelKind::Smtm) {
    if (!coordinates) throw InvalidArgument("model smtm needs the samples' coordinates");
    if (coordinates->rows() != data.n_samples() || coordinates->cols() != 2) {
      throw InvalidArgument("coordinates have shape (" + std::to_string(coordinates->rows()) +
                            ", " + std::to_string(coordinates->cols()) + "), expected (" +
                            std::to_string(data.n_samples()) + ", 2) (one x, y per sample)");
    }
    if (!coordinates->allFinite()) throw InvalidArgument("coordinates: not all finite");
    fitted = fit_spatial(data, *coordinates, options.mtm, options.spatial, options.iterations,
                         progress);
  } else if (options.svi) {
    fitted = fit_svi(data, options.mtm, options.svi_options, progress);
  } else {
    fitted = fit_vi(data, options.mtm, options.iterations, progress);
  }
  MultimodalTopics out;
  out.sample_topics = fitted.topic_proportions();
  for (std::size_t m = 0; m < data.modalities.size(); ++m)
    out.components.push_back(fitted.expected_beta(m));
  out.lambda = std::move(fitted.lambda);
  out.n_iter = fitted.n_iter;
  out.alpha = options.mtm.effective_alpha();
  return out;
}

}  // namespace

MultimodalTopics fit_topics(const MultiModalData& data, const MultimodalTopicOptions& options,
                            const DenseMatrix<double>* coordinates, const Progress& progress) {
  options.validate();
  if (options.model == TopicModelKind::JointNmf) return fit_joint(data, options, progress);
  return fit_mtm(data, options, coordinates, progress);
}

}  // namespace nmfkit::multimodal
