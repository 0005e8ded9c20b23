// nmfkit::text: the vectoriser, corpus reader, top terms and coherence.

#include "bindings.hpp"
#include "nmfkit/text/analyzer.hpp"
#include "nmfkit/text/coherence.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/topics.hpp"
#include "nmfkit/text/vectorizer.hpp"
#include "nmfkit/text/vectorizer_file.hpp"

namespace nmfkit::python {

namespace {

using text::DocumentFrequency;
using text::Vectorizer;
using text::VectorizerOptions;

// min_df/max_df as scikit-learn takes them: a Python int is a number of documents, a
// float a proportion.
DocumentFrequency document_frequency(const py::object& v) {
  if (py::isinstance<py::bool_>(v)) throw InvalidArgument("min_df/max_df must be an int or a float");
  if (py::isinstance<py::int_>(v)) return DocumentFrequency::count(v.cast<Index>());
  return DocumentFrequency::fraction(v.cast<double>());
}

py::tuple matrix_to_python(const AnyMatrix& X) {
  return X.visit([](const auto& m) -> py::tuple {
    using M = std::decay_t<decltype(m)>;
    if constexpr (std::is_same_v<M, SparseMatrix<float>> || std::is_same_v<M, SparseMatrix<double>>) {
      return csr_to_python(m);
    } else {
      throw Error("the vectoriser returned a dense matrix");
    }
  });
}

template <class T>
py::list ranked_to_python(const std::vector<std::vector<text::Ranked>>& ranked) {
  py::list out;
  for (const auto& row : ranked) {
    py::array_t<std::int64_t> index(static_cast<py::ssize_t>(row.size()));
    py::array_t<double> weight(static_cast<py::ssize_t>(row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) {
      index.mutable_at(i) = row[i].index;
      weight.mutable_at(i) = row[i].weight;
    }
    out.append(py::make_tuple(index, weight));
  }
  return out;
}

template <class F>
py::list ranked_rows(const py::array& M, Index n, F&& rank) {
  if (dtype_of_array(M, "matrix") == DType::Float32) {
    const DenseMatrix<float> m = to_dense<float>(M, "matrix");
    return ranked_to_python<float>(without_gil([&] { return rank(m, n); }));
  }
  const DenseMatrix<double> m = to_dense<double>(M, "matrix");
  return ranked_to_python<double>(without_gil([&] { return rank(m, n); }));
}

text::Subset parse_subset(const std::string& s) {
  if (s == "train") return text::Subset::Train;
  if (s == "test") return text::Subset::Test;
  if (s == "all") return text::Subset::All;
  throw InvalidArgument("subset must be train, test or all, got '" + s + "'");
}

text::Encoding parse_encoding(const std::string& s) {
  if (s == "auto") return text::Encoding::Auto;
  if (s == "utf-8" || s == "utf8") return text::Encoding::Utf8;
  if (s == "latin-1" || s == "latin1") return text::Encoding::Latin1;
  throw InvalidArgument("encoding must be auto, utf-8 or latin-1, got '" + s + "'");
}

}  // namespace

text::VectorizerOptions vectorizer_options(const py::dict& d) {
  VectorizerOptions o;
  auto get = [&](const char* key) -> py::object {
    return d.contains(key) ? py::object(d[key]) : py::object(py::none());
  };
  if (auto v = get("weighting"); !v.is_none()) {
    const auto w = v.cast<std::string>();
    if (w != "count" && w != "tfidf") throw InvalidArgument("weighting must be count or tfidf, got '" + w + "'");
    o.weighting = w == "count" ? text::Weighting::Count : text::Weighting::Tfidf;
  }
  if (auto v = get("lowercase"); !v.is_none()) o.lowercase = v.cast<bool>();
  if (auto v = get("stop_words"); !v.is_none()) {
    if (py::isinstance<py::str>(v)) {
      const auto name = v.cast<std::string>();
      if (name != "english") throw InvalidArgument("stop_words must be 'english', a list of words or None, got '" + name + "'");
      o.stop_words = text::StopWords::english();
    } else {
      o.stop_words.words = v.cast<std::vector<std::string>>();
    }
  }
  if (auto v = get("min_df"); !v.is_none()) o.min_df = document_frequency(v);
  if (auto v = get("max_df"); !v.is_none()) o.max_df = document_frequency(v);
  if (auto v = get("max_features"); !v.is_none()) o.max_features = v.cast<Index>();
  if (auto v = get("binary"); !v.is_none()) o.binary = v.cast<bool>();
  if (auto v = get("norm"); !v.is_none()) {
    const auto n = v.cast<std::string>();
    if (n == "l1") {
      o.norm = text::Norm::L1;
    } else if (n == "l2") {
      o.norm = text::Norm::L2;
    } else if (n == "none") {
      o.norm = text::Norm::None;
    } else {
      throw InvalidArgument("norm must be 'l1', 'l2' or None, got '" + n + "'");
    }
  }
  if (auto v = get("use_idf"); !v.is_none()) o.use_idf = v.cast<bool>();
  if (auto v = get("smooth_idf"); !v.is_none()) o.smooth_idf = v.cast<bool>();
  if (auto v = get("sublinear_tf"); !v.is_none()) o.sublinear_tf = v.cast<bool>();
  if (auto v = get("dtype"); !v.is_none()) o.dtype = parse_dtype(v.cast<std::string>());
  o.validate();
  return o;
}

void bind_text(py::module_& m) {
  py::class_<Vectorizer>(m, "Vectorizer",
                         "nmfkit's vectoriser: documents → a CSR document × term matrix.")
      .def(py::init([](const py::dict& options) { return Vectorizer(vectorizer_options(options)); }),
           py::arg("options"))
      .def(
          "fit_transform",
          [](Vectorizer& self, const std::vector<std::string>& documents) {
            AnyMatrix X = without_gil([&] { return self.fit_transform(documents); });
            return matrix_to_python(X);
          },
          py::arg("documents"), "Learns the vocabulary; returns (data, indices, indptr, shape).")
      .def(
          "transform",
          [](const Vectorizer& self, const std::vector<std::string>& documents) {
            AnyMatrix X = without_gil([&] { return self.transform(documents); });
            return matrix_to_python(X);
          },
          py::arg("documents"))
      .def_property_readonly("vocabulary", &Vectorizer::vocabulary)
      .def_property_readonly("idf", [](const Vectorizer& self) { return Vector<double>(self.idf()); })
      .def_property_readonly("dropped_terms", &Vectorizer::dropped_terms)
      // Pickled as a topic model saves it (text/vectorizer_file.hpp): what transform needs.
      .def(py::pickle(
          [](const Vectorizer& self) {
            return py::make_tuple(text::vectorizer_json(self), self.vocabulary());
          },
          [](const py::tuple& state) {
            if (state.size() != 2) {
              throw InvalidArgument("a pickled Vectorizer holds (json, vocabulary)");
            }
            return text::vectorizer_from_json(state[0].cast<std::string>(),
                                              state[1].cast<std::vector<std::string>>(),
                                              "a pickled Vectorizer");
          }));

  m.def("tokenize", &text::tokenize, py::arg("text"), py::arg("lowercase") = true,
        "scikit-learn's default analyzer without stop words: the matches of (?u)\\b\\w\\w+\\b.");
  m.def(
      "analyze",
      [](const std::vector<std::string>& documents, bool lowercase, const py::object& stop_words) {
        text::StopWords stop;
        if (py::isinstance<py::str>(stop_words)) {
          if (stop_words.cast<std::string>() != "english") throw InvalidArgument("stop_words must be 'english', a list of words or None");
          stop = text::StopWords::english();
        } else if (!stop_words.is_none()) {
          stop.words = stop_words.cast<std::vector<std::string>>();
        }
        return without_gil([&] { return text::analyze(documents, lowercase, stop); });
      },
      py::arg("documents"), py::arg("lowercase") = true, py::arg("stop_words") = py::none(),
      "Each document's tokens after stop-word removal, in order.");
  m.def("english_stop_words", [] { return text::StopWords::english().words; });

  m.def(
      "top_terms",
      [](const py::array& H, Index n) {
        return ranked_rows(H, n, [](const auto& h, Index k) { return text::top_terms(h, k); });
      },
      py::arg("H"), py::arg("n"),
      "For each row of H: (indices, weights) of its n largest entries, largest first.");
  m.def(
      "top_documents",
      [](const py::array& W, Index n) {
        return ranked_rows(W, n, [](const auto& w, Index k) { return text::top_documents(w, k); });
      },
      py::arg("W"), py::arg("n"));
  m.def(
      "dominant_topics",
      [](const py::array& W) {
        if (dtype_of_array(W, "W") == DType::Float32) return text::dominant_topics(to_dense<float>(W, "W"));
        return text::dominant_topics(to_dense<double>(W, "W"));
      },
      py::arg("W"), "The topic of largest weight per row of W; -1 for a row of zeros.");

  m.def(
      "read_corpus",
      [](const std::string& path, const std::string& subset, const std::vector<std::string>& categories,
         bool remove_headers, bool remove_footers, bool remove_quotes, const std::string& encoding,
         bool sklearn_order) {
        text::CorpusOptions o;
        o.subset = parse_subset(subset);
        o.categories = categories;
        o.remove_headers = remove_headers;
        o.remove_footers = remove_footers;
        o.remove_quotes = remove_quotes;
        o.encoding = parse_encoding(encoding);
        o.sklearn_order = sklearn_order;
        o.validate();
        text::Corpus c = without_gil([&] { return text::read_corpus(path, o); });
        py::dict out;
        out["documents"] = std::move(c.documents);
        out["names"] = std::move(c.names);
        out["labels"] = std::move(c.labels);
        out["label_names"] = std::move(c.label_names);
        return out;
      },
      py::arg("path"), py::arg("subset") = "train", py::arg("categories") = std::vector<std::string>{},
      py::arg("remove_headers") = false, py::arg("remove_footers") = false,
      py::arg("remove_quotes") = false, py::arg("encoding") = "auto", py::arg("sklearn_order") = true);

  m.def(
      "topic_coherence",
      [](const std::vector<std::vector<std::string>>& topics,
         const std::vector<std::vector<std::string>>& texts, const std::string& measure,
         int window_size, int topn) {
        text::CoherenceOptions o;
        o.measure = text::parse_coherence_measure(measure);
        o.window_size = window_size;
        o.topn = topn;
        return without_gil([&] { return text::topic_coherence(topics, texts, o); });
      },
      py::arg("topics"), py::arg("texts"), py::arg("measure") = "c_v", py::arg("window_size") = 0,
      py::arg("topn") = 20);
  m.def("topic_diversity", &text::topic_diversity, py::arg("topics"), py::arg("topn") = 25);
}

}  // namespace nmfkit::python
