// The text topic model (text/topic_model.hpp) for nmfkit.TopicModel: documents and labels
// in, the whole result out as a dict; the options as dicts.

#include <cstdint>
#include <optional>
#include <utility>

#include "bindings.hpp"
#include "nmfkit/nmf/options.hpp"
#include "nmfkit/select/select_k.hpp"
#include "nmfkit/text/topic_model.hpp"

namespace nmfkit::python {

namespace {

text::TopicModelOptions topic_model_options(const py::dict& vectorizer, const py::dict& nmf,
                                            const py::dict& d) {
  text::TopicModelOptions o;
  o.vectorizer = vectorizer_options(vectorizer);
  o.nmf = options_from(nmf);
  o.model = text::parse_topic_model_kind(d["model"].cast<std::string>());
  o.word_context.window = d["window"].cast<int>();
  o.word_context.shift = d["pmi_shift"].cast<double>();
  o.context_weight = d["context_weight"].cast<double>();
  o.top_terms = d["n_top_words"].cast<int>();
  o.top_documents = d["n_top_documents"].cast<int>();
  o.coherence.clear();
  for (const auto& name : d["coherence"].cast<std::vector<std::string>>()) {
    o.coherence.push_back(text::parse_coherence_measure(name));
  }
  o.relevance_lambda = d["relevance_lambda"].cast<double>();
  o.fold_change = text::parse_fold_change(d["fold_change"].cast<std::string>());
  return o;
}

py::tuple ranked_to_python(const std::vector<text::Ranked>& row) {
  py::array_t<std::int64_t> index(static_cast<py::ssize_t>(row.size()));
  py::array_t<double> weight(static_cast<py::ssize_t>(row.size()));
  for (std::size_t i = 0; i < row.size(); ++i) {
    index.mutable_at(i) = row[i].index;
    weight.mutable_at(i) = row[i].weight;
  }
  return py::make_tuple(index, weight);
}

py::object dense_to_python(AnyMatrix& M) {
  return M.visit([](auto& m) -> py::object {
    using Matrix = std::decay_t<decltype(m)>;
    if constexpr (std::is_same_v<Matrix, DenseMatrix<float>> ||
                  std::is_same_v<Matrix, DenseMatrix<double>>) {
      return py::cast(std::move(m));
    } else {
      throw Error("the topic model's factors are dense");  // never
    }
  });
}

py::dict result_to_python(text::TopicModelResult&& r) {
  py::dict out;
  out["vocabulary"] = r.vocabulary();
  out["W"] = dense_to_python(r.nmf.W);
  out["H"] = dense_to_python(r.nmf.H);
  py::list terms, documents;
  for (const auto& row : r.top_terms) terms.append(ranked_to_python(row));
  for (const auto& row : r.top_documents) documents.append(ranked_to_python(row));
  out["top_terms"] = terms;
  out["words"] = r.words;
  out["top_documents"] = documents;
  out["dominant"] = r.dominant;
  out["documents_per_topic"] = r.documents_per_topic;
  py::dict coherence;
  for (const auto& c : r.coherence) coherence[py::str(text::to_string(c.measure))] = c.per_topic;
  out["coherence"] = coherence;
  out["diversity"] = r.diversity;
  if (r.label_scores) {
    py::dict scores;
    scores["purity"] = r.label_scores->purity;
    scores["nmi"] = r.label_scores->nmi;
    scores["ari"] = r.label_scores->ari;
    out["label_scores"] = scores;
  } else {
    out["label_scores"] = py::none();
  }
  if (r.semantic) {
    py::dict semantic;
    semantic["document_error"] = r.semantic->document_error;
    semantic["context_error"] = r.semantic->context_error;
    semantic["context_scale"] = r.semantic->context_scale;
    out["semantic"] = semantic;
  } else {
    out["semantic"] = py::none();
  }
  out["reconstruction_error"] = r.nmf.reconstruction_error;
  out["n_iter"] = r.nmf.n_iter;
  out["converged"] = r.nmf.converged;
  out["random_state"] = *r.nmf.options.random_state;
  out["init"] = to_string(r.nmf.init_used);
  out["solver"] = r.nmf.solver_used;
  out["warnings"] = r.nmf.warnings;
  out["proportions"] = py::cast(std::move(r.views.view.proportions));
  out["word_distributions"] = py::cast(std::move(r.views.view.word_distributions));
  out["log_fold_change"] = py::cast(std::move(r.views.fold_change));
  py::list relevant;
  for (const auto& row : r.views.relevant) {
    py::list terms_of_topic;
    for (const auto& t : row) {
      terms_of_topic.append(py::make_tuple(t.term, t.relevance, t.probability, t.lift));
    }
    relevant.append(terms_of_topic);
  }
  out["relevant_terms"] = relevant;
  out["ldavis"] = r.views.ldavis;
  // Kept for transform(): the fitted vectoriser (nmfkit's Vectorizer binding).
  out["vectorizer"] = py::cast(std::move(r.corpus.vectorizer));
  return out;
}

}  // namespace

void bind_topic_model(py::module_& m) {
  m.def(
      "fit_topic_model",
      [](const std::vector<std::string>& documents, const std::vector<int>& labels,
         const py::dict& vectorizer, const py::dict& nmf, const py::dict& options,
         const py::object& select, const std::string& k, const py::object& log,
         const py::object& progress) {
        text::TopicModelOptions o = topic_model_options(vectorizer, nmf, options);
        if (!o.nmf.n_components) {  // the number of topics chosen by select-k
          if (select.is_none()) throw InvalidArgument("n_components is required");
          o.select = select_options_from(k, select.cast<py::dict>(), nmf).for_automatic_k();
        }
        const text::TopicModel model(std::move(o));
        if (!labels.empty() && labels.size() != documents.size()) {
          throw InvalidArgument(std::to_string(labels.size()) + " labels for " +
                                std::to_string(documents.size()) + " documents");
        }
        text::Corpus corpus;
        corpus.documents = documents;
        corpus.labels = labels;
        text::TopicModelCallbacks callbacks;
        callbacks.progress = make_progress(log, progress);
        std::optional<select::Selection> selection;
        callbacks.on_selected = [&](const select::Selection& s) { selection = s; };
        text::TopicModelResult r =
            without_gil([&] { return model.fit(corpus, "documents", callbacks); });
        py::dict out = result_to_python(std::move(r));
        out["selection"] = selection ? py::object(selection_to_python(*selection)) : py::none();
        return out;
      },
      py::arg("documents"), py::arg("labels"), py::arg("vectorizer"), py::arg("nmf"),
      py::arg("options"), py::arg("select") = py::none(), py::arg("k") = "auto",
      py::arg("log") = py::none(), py::arg("progress") = py::none(),
      "A topic model of the documents (text/topic_model.hpp); labels (one int per document, "
      "or empty) give the label scores. Without n_components in nmf, select (select_k's "
      "options) and k (the candidates) choose it. Returns a dict of the result.");
}

}  // namespace nmfkit::python
