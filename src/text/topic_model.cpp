#include "nmfkit/text/topic_model.hpp"

#include <algorithm>
#include <chrono>
#include <type_traits>
#include <utility>

#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/nmf_model_of.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/text/analyzer.hpp"
#include "nmfkit/text/semantic_nmf.hpp"

namespace nmfkit::text {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

DenseMatrix<double> as_double(AnyMatrix matrix) {
  matrix.convert(DType::Float64);
  return std::get<DenseMatrix<double>>(std::move(matrix.storage()));
}

// The number of topics chosen by rank selection on the matrix that is factorised: X, or
// for semantic NMF the stacked matrix [X; √α·s·M].
template <class T>
Index choose_k(const SparseMatrix<T>& X, const SparseMatrix<double>* M,
               const TopicModelOptions& options, const TopicModelCallbacks& callbacks) {
  const select::SelectOptions& select = options.select;
  select.validate();
  const select::Selection selection =
      M ? select::select_k(semantic_stack(X, *M, options.context_weight), EntryWeights<T>{}, select,
                           callbacks.progress, callbacks.on_score)
        : select::select_k(X, EntryWeights<T>{}, select, callbacks.progress, callbacks.on_score);
  if (callbacks.on_selected) callbacks.on_selected(selection);
  return selection.chosen_k;
}

template <class T>
io::NmfModel factorise(const SparseMatrix<T>& X, const TopicModelOptions& topic_options,
                       NmfOptions options, std::optional<SemanticOutcome>& semantic,
                       const std::string& input, const Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  NmfResult<T> result;
  if (semantic) {
    auto joint =
        fit_semantic(X, semantic->word_context, topic_options.context_weight, options, progress);
    result = std::move(joint.nmf);
    semantic->document_error = joint.document_error;
    semantic->context_error = joint.context_error;
    semantic->context_scale = joint.context_scale;
  } else {
    result = nmfkit::fit(X, options, nullptr, progress);
  }
  const double seconds = seconds_since(start);
  return io::nmf_model_of(std::move(result), std::move(options), input, seconds);
}

// The coherence of each measure on the texts; gensim rejects empty texts for the
// sliding-window measures, so texts with no token left are not counted.
std::vector<TopicCoherence> coherence_of(const std::vector<std::vector<std::string>>& words,
                                         const std::vector<std::vector<std::string>>& texts,
                                         const TopicModelOptions& options,
                                         const Progress& progress) {
  std::vector<TopicCoherence> out;
  if (options.coherence.empty()) return out;
  std::vector<std::vector<std::string>> nonempty;
  const bool any_empty =
      std::any_of(texts.begin(), texts.end(), [](const auto& tokens) { return tokens.empty(); });
  if (any_empty) {
    std::copy_if(texts.begin(), texts.end(), std::back_inserter(nonempty),
                 [](const auto& tokens) { return !tokens.empty(); });
  }
  for (const auto measure : options.coherence) {
    CoherenceOptions coherence_options;
    coherence_options.measure = measure;
    coherence_options.topn = options.top_terms;
    TopicCoherence c;
    c.measure = measure;
    c.per_topic = topic_coherence(words, any_empty ? nonempty : texts, coherence_options);
    c.mean = mean_of(c.per_topic);
    out.push_back(std::move(c));
    progress.report({.task = "coherence",
                     .unit = "measures",
                     .done = static_cast<std::int64_t>(out.size()),
                     .total = static_cast<std::int64_t>(options.coherence.size())});
  }
  return out;
}

}  // namespace

std::string to_string(TopicModelKind kind) {
  return kind == TopicModelKind::Semantic ? "semantic" : "standard";
}

TopicModelKind parse_topic_model_kind(const std::string& name) {
  if (name == "standard") return TopicModelKind::Standard;
  if (name == "semantic") return TopicModelKind::Semantic;
  throw InvalidArgument("topic model must be standard or semantic, got '" + name + "'");
}

void TopicModelOptions::validate() const {
  vectorizer.validate();
  if (model == TopicModelKind::Semantic) word_context.validate();
  if (top_terms < 1) {
    throw InvalidArgument("top_terms must be at least 1, got " + std::to_string(top_terms));
  }
  if (top_documents < 1) {
    throw InvalidArgument("top_documents must be at least 1, got " + std::to_string(top_documents));
  }
  if (!(relevance_lambda >= 0 && relevance_lambda <= 1)) {
    throw InvalidArgument("relevance_lambda must be in [0, 1], got " +
                          std::to_string(relevance_lambda));
  }
}

TopicModel::TopicModel(TopicModelOptions options) : options_(std::move(options)) {
  options_.validate();
}

TopicCorpus TopicModel::prepare(const Corpus& corpus, const Progress& progress) const {
  TopicCorpus out{.vectorizer = Vectorizer(options_.vectorizer)};
  const auto start = std::chrono::steady_clock::now();
  out.X = out.vectorizer.fit_transform(corpus.documents, progress);
  out.vectorize_seconds = seconds_since(start);
  const auto& used = out.vectorizer.options();
  out.texts = analyze(corpus.documents, used.lowercase, used.stop_words);
  out.token_counts = token_counts(out.texts, out.vectorizer.vocabulary());
  out.labels = corpus.labels;
  return out;
}

TopicModelResult TopicModel::fit(const Corpus& corpus, const std::string& input,
                                 const TopicModelCallbacks& callbacks) const {
  return fit(prepare(corpus, callbacks.progress), input, callbacks);
}

TopicModelResult TopicModel::fit(TopicCorpus corpus, const std::string& input,
                                 const TopicModelCallbacks& callbacks) const {
  TopicModelResult result;
  result.corpus = std::move(corpus);
  const auto& data = result.corpus;
  const auto& vocabulary = data.vectorizer.vocabulary();
  if (options_.model == TopicModelKind::Semantic) {
    result.semantic.emplace();
    result.semantic->word_context =
        word_context_matrix(data.texts, vocabulary, options_.word_context);
  }
  const SparseMatrix<double>* M = result.semantic ? &result.semantic->word_context : nullptr;

  NmfOptions nmf = options_.nmf;
  result.nmf = data.X.visit([&](const auto& X) -> io::NmfModel {
    using Matrix = std::decay_t<decltype(X)>;
    using T = typename Matrix::Scalar;
    if constexpr (std::is_same_v<Matrix, SparseMatrix<T>>) {
      if (!nmf.n_components) nmf.n_components = choose_k(X, M, options_, callbacks);
      const Index k = *nmf.n_components;
      if (k > static_cast<Index>(vocabulary.size())) {
        throw InvalidArgument("n_components " + std::to_string(k) +
                              " is larger than the vocabulary (" +
                              std::to_string(vocabulary.size()) + " terms)");
      }
      return factorise(X, options_, nmf, result.semantic, input, callbacks.progress);
    } else {
      throw InvalidArgument("the vectoriser returned a dense matrix");  // never: it is CSR
    }
  });

  const DenseMatrix<double> W = as_double(result.nmf.W);
  const DenseMatrix<double> H = as_double(result.nmf.H);
  result.top_terms = top_terms(H, options_.top_terms);
  result.top_documents = top_documents(W, options_.top_documents);
  result.dominant = dominant_topics(W);
  result.words = topic_words(result.top_terms, vocabulary);
  result.documents_per_topic = documents_per_topic(result.dominant, H.rows());
  result.views = topic_views(W, H, data.token_counts, vocabulary, options_.relevance_lambda,
                             options_.top_terms, options_.fold_change);

  const auto start = std::chrono::steady_clock::now();
  result.coherence = coherence_of(result.words, data.texts, options_, callbacks.progress);
  result.coherence_seconds = result.coherence.empty() ? 0 : seconds_since(start);
  result.diversity = topic_diversity(result.words, options_.top_terms);
  if (!data.labels.empty()) {
    result.label_scores =
        LabelScores{cluster::purity(data.labels, result.dominant),
                    cluster::normalized_mutual_information(data.labels, result.dominant),
                    cluster::adjusted_rand_index(data.labels, result.dominant)};
  }
  return result;
}

}  // namespace nmfkit::text
