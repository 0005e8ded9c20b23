#pragma once
// From the threads' own term ids to scikit-learn's vocabulary: the sorted union of the
// terms with their document frequencies and totals, then _limit_features' selection.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "document_counts.hpp"
#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text::detail {

struct MergedVocabulary {
  std::vector<std::string_view> terms;  // sorted by code point (= UTF-8 byte order)
  std::vector<std::int64_t> document_frequency;
  std::vector<std::int64_t> total;  // occurrences in the corpus
  // Thread-local id → index in terms; -1 for the stop words seeded first.
  std::vector<std::vector<std::int64_t>> index_of;
};

// Views into counts' term tables: counts must outlive the result.
MergedVocabulary merge_vocabularies(const CorpusCounts& counts, std::uint32_t stop_count);

// Which terms survive min_df, max_df and max_features, as CountVectorizer decides it:
// document-frequency bounds first, then the max_features largest totals among the rest,
// ties broken as NumPy's argsort(kind='quicksort') of the negated totals breaks them.
// Throws InvalidArgument when max_df stands for fewer documents than min_df.
std::vector<bool> limit_features(const MergedVocabulary& vocabulary, Index n_documents,
                                 const VectorizerOptions& options);

// What fit_transform learns from the merged vocabulary: the kept terms in column order,
// the dropped ones (scikit-learn's stop_words_), the idf (tf-idf with use_idf; in the
// options' dtype, widened) and each merged term's column (-1 when dropped). Throws
// InvalidArgument as fit_transform does for an empty vocabulary or one pruned to nothing.
struct LearnedVocabulary {
  std::vector<std::string> terms;
  std::vector<std::string> dropped;
  Vector<double> idf;
  std::vector<std::int64_t> column;
};
LearnedVocabulary learn_vocabulary(const MergedVocabulary& merged, Index n_documents,
                                   const VectorizerOptions& options);

}  // namespace nmfkit::text::detail
