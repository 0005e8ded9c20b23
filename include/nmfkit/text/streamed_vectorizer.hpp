#pragma once
// The vectoriser for documents handed over one at a time (text/corpus_stream.hpp), so that
// a corpus larger than memory can be vectorised in two passes: VocabularyCounter learns
// what Vectorizer::fit_transform would learn from the same documents, then DocumentRows
// gives each document's row of that matrix, bit for bit.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text {

namespace detail {
struct ThreadCounts;
}

// First pass: document frequencies and totals of every term (memory: the vocabulary).
class VocabularyCounter {
 public:
  explicit VocabularyCounter(VectorizerOptions options);  // validates them
  ~VocabularyCounter();
  void add(std::string_view document);
  Index documents() const { return documents_; }
  // The vectoriser fit_transform fits on the documents added (in any order): vocabulary,
  // idf and dropped terms. Throws InvalidArgument as fit_transform does (empty vocabulary,
  // no term left after pruning, max_df below min_df).
  Vectorizer vectorizer() const;

 private:
  VectorizerOptions options_;
  std::unique_ptr<detail::ThreadCounts> counts_;
  std::uint32_t stop_count_ = 0;
  Index documents_ = 0;
  std::vector<std::int64_t> seen_in_;  // term id → the document (+1) that last counted it
  std::string scratch_;
};

// Second pass: one document's row. T must be the vectoriser's dtype.
template <class T>
class DocumentRows {
 public:
  // `vectorizer` (fitted) must outlive this. Throws InvalidArgument for an unfitted one or
  // another element type.
  explicit DocumentRows(const Vectorizer& vectorizer);
  // The document's row of fit_transform's (or transform's) matrix: columns ascending and
  // their values.
  void row(std::string_view document, std::vector<std::int64_t>& columns, std::vector<T>& values);

 private:
  const Vectorizer& vectorizer_;
  Vector<T> idf_;
  std::vector<std::pair<std::int64_t, std::uint32_t>> entries_;
  std::string scratch_;
};

}  // namespace nmfkit::text
