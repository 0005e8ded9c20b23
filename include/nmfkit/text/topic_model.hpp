#pragma once
// A topic model of a text corpus, the whole pipeline: the corpus vectorised (counts or
// tf-idf), factorised by NMF (or semantic NMF, jointly with the word-context matrix), then
// read — each topic's top terms and documents, each document's dominant topic, coherence
// and diversity of the topics, agreement with the documents' labels, and the views LDAvis
// and fastTopics users expect. `nmfkit topics` and Python's nmfkit.TopicModel are both this
// class plus the writing of their results. (Not multimodal::MultimodalTopics, which models
// several modalities of the same samples.)

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/options.hpp"
#include "nmfkit/select/select_k.hpp"
#include "nmfkit/text/coherence.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/topic_views.hpp"
#include "nmfkit/text/topics.hpp"
#include "nmfkit/text/vectorizer.hpp"
#include "nmfkit/text/word_context.hpp"

namespace nmfkit::text {

enum class TopicModelKind {
  Standard,  // NMF of the document-term matrix
  Semantic,  // SeNMF: with the word-context SPPMI matrix, sharing the word factor
};
std::string to_string(TopicModelKind kind);                      // "standard", "semantic"
TopicModelKind parse_topic_model_kind(const std::string& name);  // InvalidArgument otherwise

struct TopicModelOptions {
  VectorizerOptions vectorizer;  // how documents become the document-term matrix
  // The factorisation; n_components is the number of topics. Unset: chosen by `select`
  // (on the matrix that is factorised, the stacked one for semantic NMF).
  NmfOptions nmf;
  // Only when nmf.n_components is unset; its own `nmf` holds the options of its fits.
  select::SelectOptions select;
  TopicModelKind model = TopicModelKind::Standard;
  WordContextOptions word_context;  // semantic: the word-context matrix
  double context_weight = 1.0;      // semantic: weight of the word-context term
  int top_terms = 10;               // terms kept per topic (top terms, coherence, relevance)
  int top_documents = 5;            // documents kept per topic
  // Coherence measures computed on the documents as the vectoriser saw them; empty: none.
  std::vector<CoherenceMeasure> coherence = {CoherenceMeasure::CV, CoherenceMeasure::CNpmi,
                                             CoherenceMeasure::UMass};
  double relevance_lambda = 0.6;                      // λ of the relevance ranking, in [0, 1]
  FoldChange fold_change = FoldChange::LeastExtreme;  // VersusNull where there is one topic

  // Throws InvalidArgument naming the option (top_terms < 1, λ outside [0, 1], ...).
  void validate() const;
};

// The documents as the model sees them: the first stage, which a caller may time or
// inspect (its vocabulary) before the factorisation.
struct TopicCorpus {
  Vectorizer vectorizer;  // fitted: its vocabulary is the columns of X and H
  AnyMatrix X;            // documents × terms, CSR, of vectorizer.options().dtype
  // Each document's tokens as the vectoriser counted them (stop words removed, in order):
  // the texts coherence is measured on and the word-context matrix is counted from.
  std::vector<std::vector<std::string>> texts;
  TokenCounts token_counts;      // of the texts over the vocabulary (the topic views' counts)
  std::vector<int> labels;       // per document, from the corpus; empty when unlabelled
  double vectorize_seconds = 0;  // wall time of the vectoriser
};

struct TopicCoherence {
  CoherenceMeasure measure = CoherenceMeasure::CV;
  std::vector<double> per_topic;
  double mean = 0;  // over topics (NaN when a topic's value is)
};

// How well the dominant topics agree with the documents' labels.
struct LabelScores {
  double purity = 0;
  double nmi = 0;  // normalised mutual information
  double ari = 0;  // adjusted Rand index
};

// Semantic NMF's extra outcome.
struct SemanticOutcome {
  SparseMatrix<double> word_context;  // M: contexts × words
  double document_error = 0;          // ‖X − W·H‖ / ‖X‖
  double context_error = 0;           // ‖M − C·H‖ / ‖M‖
  double context_scale = 0;           // √α·s: M's factor in the stacked matrix
};

struct TopicModelResult {
  TopicCorpus corpus;  // the first stage: vocabulary, X, texts, counts, labels
  // W (documents × topics) and H (topics × terms), the options with the seed actually used,
  // error, iterations, history and the wall time of the fit.
  io::NmfModel nmf;
  std::vector<std::vector<Ranked>> top_terms;      // per topic, best first
  std::vector<std::vector<std::string>> words;     // the top terms' words
  std::vector<std::vector<Ranked>> top_documents;  // per topic, best first
  std::vector<int> dominant;                       // per document; -1 for an empty one
  std::vector<Index> documents_per_topic;          // documents each topic dominates
  std::vector<TopicCoherence> coherence;           // one per measure, in the options' order
  double coherence_seconds = 0;
  double diversity = 0;                     // share of distinct words among the top terms
  std::optional<LabelScores> label_scores;  // when the corpus has labels
  std::optional<SemanticOutcome> semantic;  // semantic NMF only
  TopicViews views;  // multinomial view, relevance, log-fold change, LDAvis JSON

  const std::vector<std::string>& vocabulary() const { return corpus.vectorizer.vocabulary(); }
  Index n_topics() const { return nmf.H.rows(); }
};

// What a caller hears while a model is fitted; all optional.
struct TopicModelCallbacks {
  Progress progress;               // the steps of vectorising, fitting and coherence
  select::ScoreCallback on_score;  // n_components unset: each k's scores
  std::function<void(const select::Selection&)> on_selected;  // ... and the choice
};

class TopicModel {
 public:
  // Throws InvalidArgument for options validate() rejects.
  explicit TopicModel(TopicModelOptions options);

  // The first stage: vectorise the corpus and tokenise it as the vectoriser does. Throws
  // InvalidArgument for an empty corpus or vocabulary.
  TopicCorpus prepare(const Corpus& corpus, const Progress& progress = {}) const;

  // The rest: factorise and read the topics. Throws InvalidArgument for n_components larger
  // than the vocabulary, and whatever the steps reject (a semantic window too large for the
  // corpus, a β other than 2 for semantic NMF, ...). `input` names the corpus in the model.
  TopicModelResult fit(TopicCorpus corpus, const std::string& input = {},
                       const TopicModelCallbacks& callbacks = {}) const;

  // Both stages.
  TopicModelResult fit(const Corpus& corpus, const std::string& input = {},
                       const TopicModelCallbacks& callbacks = {}) const;

  const TopicModelOptions& options() const { return options_; }

 private:
  TopicModelOptions options_;
};

}  // namespace nmfkit::text
