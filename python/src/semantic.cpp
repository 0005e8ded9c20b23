// Semantic NMF and the topic views for Python: the word-context (SPPMI) matrix, the joint
// factorisation, the multinomial view, relevance, log-fold changes and the LDAvis JSON.

#include "bindings.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/text/ldavis.hpp"
#include "nmfkit/text/semantic_nmf.hpp"
#include "nmfkit/text/topic_views.hpp"
#include "nmfkit/text/word_context.hpp"

namespace nmfkit::python {

namespace {

template <class T>
py::dict fit_semantic_typed(const py::object& X, const py::object& M, double context_weight,
                            const NmfOptions& options, const py::handle& log) {
  const SparseMatrix<T> documents = to_sparse<T>(X, "X");
  const SparseMatrix<double> contexts = to_sparse<double>(M, "word_context");
  const Progress progress = make_progress(log);
  auto r = without_gil([&] {
    const ScopedThreadCount threads(options.n_threads);
    return text::fit_semantic(documents, contexts, context_weight, options, progress);
  });
  py::dict out;
  out["W"] = py::cast(std::move(r.nmf.W));
  out["H"] = py::cast(std::move(r.nmf.H));
  out["contexts"] = py::cast(std::move(r.contexts));
  out["reconstruction_error"] = r.nmf.reconstruction_error;
  out["document_error"] = r.document_error;
  out["context_error"] = r.context_error;
  out["context_scale"] = r.context_scale;
  out["n_iter"] = r.nmf.n_iter;
  out["converged"] = r.nmf.converged;
  out["random_state"] = r.nmf.random_state;
  out["solver"] = r.nmf.solver;
  out["warnings"] = r.nmf.warnings;
  return out;
}

}  // namespace

void bind_semantic(py::module_& m) {
  m.def(
      "word_context_matrix",
      [](const std::vector<std::vector<std::string>>& texts,
         const std::vector<std::string>& vocabulary, int window, double shift) {
        text::WordContextOptions o;
        o.window = window;
        o.shift = shift;
        const auto M = without_gil([&] { return text::word_context_matrix(texts, vocabulary, o); });
        return csr_to_python(M);
      },
      py::arg("texts"), py::arg("vocabulary"), py::arg("window") = 5, py::arg("shift") = 1.0,
      "The SPPMI word-context matrix (contexts x words) as (data, indices, indptr, shape).");
  m.def(
      "fit_semantic",
      [](const py::object& X, const py::object& M, double context_weight, const py::dict& options,
         const py::object& log) {
        const NmfOptions o = options_from(options);
        if (dtype_of_input(X, "X") == DType::Float32) {
          return fit_semantic_typed<float>(X, M, context_weight, o, log);
        }
        return fit_semantic_typed<double>(X, M, context_weight, o, log);
      },
      py::arg("X"), py::arg("word_context"), py::arg("context_weight"), py::arg("options"),
      py::arg("log") = py::none(),
      "Semantic NMF of the document-term matrix X (SciPy sparse) with the word-context matrix.");

  m.def(
      "multinomial_view",
      [](const py::array& W, const py::array& H) {
        auto v = text::multinomial_view(to_dense<double>(W, "W"), to_dense<double>(H, "H"));
        return py::make_tuple(py::cast(std::move(v.proportions)),
                              py::cast(std::move(v.word_distributions)));
      },
      py::arg("W"), py::arg("H"), "(topic proportions, word distributions).");
  m.def(
      "relevant_terms",
      [](const py::array& F, const std::vector<double>& p, double lambda, Index n) {
        py::list out;
        for (const auto& topic : text::relevant_terms(to_dense<double>(F, "F"), p, lambda, n)) {
          py::list rows;
          for (const auto& t : topic) rows.append(py::make_tuple(t.term, t.relevance, t.probability, t.lift));
          out.append(rows);
        }
        return out;
      },
      py::arg("word_distributions"), py::arg("term_probability"), py::arg("lambda_"), py::arg("n"));
  m.def(
      "log_fold_change",
      [](const py::array& F, const std::vector<double>& p, const std::vector<double>& tokens,
         const std::string& statistic) {
        return text::log_fold_change(to_dense<double>(F, "F"), p, tokens,
                                     text::parse_fold_change(statistic));
      },
      py::arg("word_distributions"), py::arg("term_probability"), py::arg("topic_tokens"),
      py::arg("statistic"));
  m.def(
      "ldavis_json",
      [](const py::array& L, const py::array& F, const std::vector<double>& lengths,
         const std::vector<double>& frequency, const std::vector<std::string>& vocabulary, Index R,
         double lambda_step) {
        text::MultinomialView view{to_dense<double>(L, "proportions"),
                                   to_dense<double>(F, "word_distributions")};
        return text::ldavis_json(view, lengths, frequency, vocabulary, {R, lambda_step});
      },
      py::arg("proportions"), py::arg("word_distributions"), py::arg("document_lengths"),
      py::arg("term_frequency"), py::arg("vocabulary"), py::arg("R"), py::arg("lambda_step"));
}

}  // namespace nmfkit::python
