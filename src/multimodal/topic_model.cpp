#include "nmfkit/multimodal/topic_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nmfkit/core/error.hpp"
#include "modality_access.hpp"
#include "nmfkit/core/matrix_summary.hpp"
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

FittedPreprocessing preprocess(MultiModalData& data, const PreprocessOptions& options,
                               const Progress& progress) {
  options.validate();
  FittedPreprocessing fitted;
  fitted.options = options;
  for (const auto& name : options.tfidf) {
    // tfidf(data, name), with its weights kept: the same checks and the same bits.
    AnyMatrix& X = detail::modality_to_change(data, name).counts;
    require_finite_nonnegative(X, "tfidf: modality '" + name + "'");
    fitted.idf.push_back(idf_weights(X));
    apply_idf(X, fitted.idf.back());
    progress.message("modality " + name + ": tf-idf");
  }
  for (const auto& name : options.clr) {
    clr(data, name);
    progress.message("modality " + name + ": CLR");
  }
  if (options.scale_counts > 0) {
    // scale_counts(data, total), with its factors kept; every modality is checked first,
    // so that an error leaves the data as they were.
    data.validate();
    for (const auto& m : data.modalities) {
      fitted.scaled.push_back(m.name);
      fitted.scale.push_back(
          scale_factor(m.counts, options.scale_counts, "modality '" + m.name + "'"));
    }
    for (std::size_t m = 0; m < data.modalities.size(); ++m)
      multiply(data.modalities[m].counts, fitted.scale[m]);
    char total[32];
    std::snprintf(total, sizeof total, "%g", options.scale_counts);
    progress.message(std::string("every modality scaled to ") + total + " per sample");
  }
  return fitted;
}

namespace {

// The modality of that name, with the expected feature count: one line naming it otherwise.
Modality& fitted_modality(MultiModalData& data, const std::string& name, Index n_features) {
  Modality& modality = detail::modality_to_change(data, name);
  if (modality.counts.cols() != n_features)
    throw InvalidArgument("modality '" + name + "' has " +
                          std::to_string(modality.counts.cols()) +
                          " features, the fitted model " + std::to_string(n_features));
  return modality;
}

}  // namespace

void apply_preprocessing(MultiModalData& data, const FittedPreprocessing& fitted) {
  const auto& options = fitted.options;
  if (fitted.idf.size() != options.tfidf.size() || fitted.scale.size() != fitted.scaled.size())
    throw InvalidArgument("apply_preprocessing: the fitted weights do not match their options");
  data.validate();
  // Every modality is checked before any is changed.
  for (std::size_t i = 0; i < options.tfidf.size(); ++i) {
    Modality& m = fitted_modality(data, options.tfidf[i], static_cast<Index>(fitted.idf[i].size()));
    require_finite_nonnegative(m.counts, "tfidf: modality '" + m.name + "'");
  }
  for (const auto& name : options.clr) detail::modality_to_change(data, name);
  for (const auto& name : fitted.scaled) detail::modality_to_change(data, name);
  for (std::size_t i = 0; i < options.tfidf.size(); ++i)
    apply_idf(detail::modality_to_change(data, options.tfidf[i]).counts, fitted.idf[i]);
  for (const auto& name : options.clr) clr(data, name);
  for (std::size_t i = 0; i < fitted.scaled.size(); ++i) {
    AnyMatrix& X = detail::modality_to_change(data, fitted.scaled[i]).counts;
    require_finite_nonnegative(X, "scale_counts: modality '" + fitted.scaled[i] + "'");
    multiply(X, fitted.scale[i]);
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
  for (const auto& m : data.modalities) out.modality_names.push_back(m.name);
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
  out.modality_names = fitted.modality_names;
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

DenseMatrix<double> transform_topics(const MultimodalTopics& fitted,
                                     const MultimodalTopicOptions& options, MultiModalData data,
                                     const FittedPreprocessing& preprocessing,
                                     const Progress& progress) {
  options.validate();
  const std::size_t M = fitted.modality_names.size();
  if (fitted.components.size() != M)
    throw InvalidArgument("the fitted model has " + std::to_string(M) + " modality names for " +
                          std::to_string(fitted.components.size()) + " components");
  data.validate();
  if (data.modalities.size() != M) {
    std::string expected;
    for (const auto& n : fitted.modality_names) expected += (expected.empty() ? "" : ", ") + n;
    throw InvalidArgument("the data have " + std::to_string(data.modalities.size()) +
                          " modalities, the fitted model " + std::to_string(M) + " (" +
                          expected + ")");
  }
  // The modalities in the model's order, all checked by name and feature count first.
  for (std::size_t m = 0; m < M; ++m)
    fitted_modality(data, fitted.modality_names[m], fitted.components[m].cols());
  MultiModalData ordered;
  for (const auto& name : fitted.modality_names)
    ordered.modalities.push_back(std::move(detail::modality_to_change(data, name)));
  ordered.sample_names = std::move(data.sample_names);
  apply_preprocessing(ordered, preprocessing);

  if (options.model == TopicModelKind::JointNmf) {
    auto result = transform_joint_nmf<double>(ordered, fitted.components, options.joint, progress);
    return std::move(result.W);
  }
  if (fitted.lambda.size() != M)
    throw InvalidArgument("model " + to_string(options.model) +
                          ": the fitted model has no lambda for each modality");
  MtmModel model;
  model.modality_names = fitted.modality_names;
  model.options = options.mtm;
  model.lambda = fitted.lambda;
  model.gamma.resize(0, fitted.lambda.front().rows());
  return predict_theta(model, ordered);
}

}  // namespace nmfkit::multimodal
