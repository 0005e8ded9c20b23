// Multi-modal topic models (multimodal/topic_model.hpp) for nmfkit.MultimodalTopics: the
// modalities arrive as (name, matrix, feature names, sample names) tuples, assembled by
// multimodal/assemble.hpp; the options as dicts.

#include <optional>

#include "bindings.hpp"
#include "nmfkit/multimodal/assemble.hpp"
#include "nmfkit/multimodal/topic_model.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit::python {

namespace {

// Each item: (name, matrix, feature names or None, sample names or None).
multimodal::MultiModalData data_from(const py::list& modalities) {
  std::vector<multimodal::ModalitySource> sources;
  for (const auto& item : modalities) {
    const auto entry = item.cast<py::tuple>();
    multimodal::ModalitySource source;
    source.modality.name = entry[0].cast<std::string>();
    source.origin = "modality '" + source.modality.name + "'";
    const py::object X = entry[1];
    if (is_scipy_sparse(X)) {
      source.modality.counts = to_sparse<double>(X, source.origin.c_str());
    } else {
      source.modality.counts = to_dense<double>(X.cast<py::array>(), source.origin.c_str());
    }
    if (!entry[2].is_none()) source.modality.feature_names = entry[2].cast<std::vector<std::string>>();
    if (!entry[3].is_none()) source.sample_names = entry[3].cast<std::vector<std::string>>();
    sources.push_back(std::move(source));
  }
  multimodal::MultiModalData data = multimodal::assemble(std::move(sources));
  data.validate_non_negative();
  return data;
}

// The pipeline's options from the dicts MultimodalTopics builds.
multimodal::PreprocessOptions preprocess_from(const py::dict& preprocess) {
  multimodal::PreprocessOptions steps;
  steps.tfidf = preprocess["tfidf"].cast<std::vector<std::string>>();
  steps.clr = preprocess["clr"].cast<std::vector<std::string>>();
  steps.scale_counts = preprocess["scale_counts"].cast<double>();
  steps.validate();
  return steps;
}

multimodal::MultimodalTopicOptions topic_options_from(const py::dict& d, const py::dict& nmf) {
  multimodal::MultimodalTopicOptions o;
  o.model = multimodal::parse_topic_model_kind(d["model"].cast<std::string>());
  o.joint.nmf = options_from(nmf);
  o.joint.weights = d["weights"].cast<std::vector<double>>();
  o.mtm.n_topics = d["n_components"].cast<int>();
  o.mtm.alpha = d["alpha"].cast<double>();
  o.mtm.eta = d["eta"].cast<double>();
  o.mtm.max_iter_d = d["max_iter_d"].cast<int>();
  o.mtm.gamma_tol = d["gamma_tol"].cast<double>();
  if (!d["seed"].is_none()) o.mtm.seed = d["seed"].cast<std::uint64_t>();
  o.mtm.n_threads = d["n_threads"].cast<int>();
  o.iterations = d["iterations"].cast<int>();
  o.svi = d["svi"].cast<bool>();
  o.svi_options.n_batches = d["svi_batches"].cast<int>();
  o.svi_options.batch_size = d["svi_batch_size"].cast<Index>();
  o.svi_options.tau = d["svi_tau"].cast<double>();
  o.svi_options.kappa = d["svi_kappa"].cast<double>();
  o.spatial.radius = d["radius"].cast<double>();
  o.spatial.n_neighbors = d["n_neighbors"].cast<Index>();
  o.validate();
  return o;
}

std::vector<DenseMatrix<double>> matrices_from(const py::list& list, const char* what) {
  std::vector<DenseMatrix<double>> out;
  for (const auto& item : list) out.push_back(to_dense<double>(item.cast<py::array>(), what));
  return out;
}

}  // namespace

void bind_multimodal(py::module_& m) {
  m.def(
      "fit_multimodal",
      [](const py::list& modalities, const py::dict& preprocess, const py::dict& d, const py::dict& nmf,
         const py::object& coordinates, const py::object& log, const py::object& step) {
        multimodal::MultiModalData data = data_from(modalities);
        const multimodal::PreprocessOptions steps = preprocess_from(preprocess);
        const multimodal::MultimodalTopicOptions o = topic_options_from(d, nmf);
        std::optional<DenseMatrix<double>> xy;
        if (!coordinates.is_none()) xy = to_dense<double>(coordinates.cast<py::array>(), "coords");
        const Progress progress = make_progress(log, step);
        multimodal::FittedPreprocessing fitted;
        multimodal::MultimodalTopics r = without_gil([&] {
          fitted = multimodal::preprocess(data, steps, progress);
          return multimodal::fit_topics(data, o, xy ? &*xy : nullptr, progress);
        });
        py::dict out;
        out["modalities"] = r.modality_names;
        out["samples"] = data.sample_names;
        std::vector<std::vector<std::string>> features;
        for (const auto& modality : data.modalities) features.push_back(modality.feature_names);
        out["features"] = features;
        out["sample_topics"] = py::cast(std::move(r.sample_topics));
        py::list components, lambda;
        for (auto& H : r.components) components.append(py::cast(std::move(H)));
        for (auto& L : r.lambda) lambda.append(py::cast(std::move(L)));
        out["components"] = components;
        out["lambda"] = lambda;
        out["n_iter"] = r.n_iter;
        out["modality_errors"] = r.modality_errors;
        out["objective"] = r.objective;
        out["converged"] = r.converged;
        out["random_state"] = r.random_state;
        out["warnings"] = r.warnings;
        out["alpha"] = r.alpha;
        py::dict state;
        state["idf"] = fitted.idf;
        state["scaled"] = fitted.scaled;
        state["scale"] = fitted.scale;
        out["preprocessing"] = state;
        return out;
      },
      py::arg("modalities"), py::arg("preprocess"), py::arg("options"),
      py::arg("nmf"), py::arg("coordinates") = py::none(), py::arg("log") = py::none(),
      py::arg("progress") = py::none(),
      "A topic model shared by several modalities of the same samples. progress, if given,\n"
      "receives the step reports: progress(task, unit, done, total, bound, measure, last).");
  m.def(
      "transform_multimodal",
      [](const py::list& modalities, const py::dict& preprocess, const py::dict& state,
         const py::dict& d, const py::dict& nmf, const std::vector<std::string>& names,
         const py::list& components, const py::list& lambda, const py::object& log,
         const py::object& step) {
        multimodal::MultiModalData data = data_from(modalities);
        multimodal::FittedPreprocessing fitted;
        fitted.options = preprocess_from(preprocess);
        fitted.idf = state["idf"].cast<std::vector<std::vector<double>>>();
        fitted.scaled = state["scaled"].cast<std::vector<std::string>>();
        fitted.scale = state["scale"].cast<std::vector<double>>();
        const multimodal::MultimodalTopicOptions o = topic_options_from(d, nmf);
        multimodal::MultimodalTopics model;
        model.modality_names = names;
        model.components = matrices_from(components, "components");
        model.lambda = matrices_from(lambda, "lambda");
        const Progress progress = make_progress(log, step);
        return py::cast(without_gil([&] {
          return multimodal::transform_topics(model, o, std::move(data), fitted, progress);
        }));
      },
      py::arg("modalities"), py::arg("preprocess"), py::arg("preprocessing"), py::arg("options"),
      py::arg("nmf"), py::arg("names"), py::arg("components"), py::arg("lambda_"),
      py::arg("log") = py::none(), py::arg("progress") = py::none(),
      "New samples' topics (samples × k) from a fitted multi-modal topic model\n"
      "(multimodal::transform_topics), preprocessed with the fit's weights and factors.");
}

}  // namespace nmfkit::python
