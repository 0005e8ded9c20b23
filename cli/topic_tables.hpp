#pragma once
// The tables a topic model folder holds, shared by `topics` (which fits the model) and
// `update` (which continues it with new documents).

#include <string>
#include <vector>

#include "nmfkit/io/atomic_file.hpp"
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

// topic_proportions.npy, word_distributions.npy, log_fold_change.npy, relevance.tsv,
// distinctive_terms.tsv and ldavis.json.
void write_topic_views(io::StagedDirectory& staged, const text::TopicViews& views,
                       const std::vector<std::string>& vocabulary, int top);

}  // namespace nmfkit::cli
