#pragma once
// The tables a topic model folder holds, shared by `topics` (which fits the model) and
// `update` (which continues it with new documents).

#include <string>
#include <vector>

#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/topic_views.hpp"
#include "nmfkit/text/topics.hpp"

namespace nmfkit::cli {

// topics.tsv: topic, rank, term, weight for each topic's top terms.
std::string topics_table(const std::vector<std::vector<text::Ranked>>& terms,
                         const std::vector<std::string>& vocabulary);

// top_documents.tsv: topic, rank, document name, weight for each topic's top documents.
std::string top_documents_table(const std::vector<std::vector<text::Ranked>>& documents,
                                const text::Corpus& corpus);

// The views LDAvis and fastTopics users expect (text/topic_views.hpp, text/ldavis.hpp).
struct TopicViews {
  text::MultinomialView view;
  std::vector<std::vector<text::RelevantTerm>> relevant;
  DenseMatrix<double> fold_change;  // topics × terms, log2
  std::string ldavis;
};

// The views of a fitted model, with token counts from the tokenised documents; λ of the
// relevance ranking, `top` terms per topic and the fold-change statistic ("le", "vsnull").
TopicViews topic_views(const io::NmfModel& nmf, const text::TokenCounts& counts,
                       const std::vector<std::string>& vocabulary, double relevance_lambda,
                       int top, const std::string& fold_change);

// topic_proportions.npy, word_distributions.npy, log_fold_change.npy, relevance.tsv,
// distinctive_terms.tsv and ldavis.json.
void write_topic_views(io::StagedDirectory& staged, const TopicViews& views,
                       const std::vector<std::string>& vocabulary, int top);

}  // namespace nmfkit::cli
