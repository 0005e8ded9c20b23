#include "nmfkit/text/streamed_vectorizer.hpp"

#include <algorithm>

#include "document_counts.hpp"
#include "nmfkit/core/error.hpp"
#include "term_table.hpp"
#include "tfidf.hpp"
#include "tokenizer.hpp"
#include "vocabulary.hpp"

namespace nmfkit::text {

VocabularyCounter::VocabularyCounter(VectorizerOptions options)
    : options_(std::move(options)), counts_(std::make_unique<detail::ThreadCounts>()) {
  options_.validate();
  // As count_new_terms: the stop words take the first ids, which are never counted.
  for (const std::string& word : options_.stop_words.words) counts_->terms.insert(word);
  stop_count_ = counts_->terms.size();
}

VocabularyCounter::~VocabularyCounter() = default;

void VocabularyCounter::add(std::string_view document) {
  ++documents_;
  detail::ThreadCounts& c = *counts_;
  detail::for_each_token(document, options_.lowercase, scratch_, [&](std::string_view token) {
    const std::uint32_t id = c.terms.insert(token);
    if (id < stop_count_) return;
    if (id >= seen_in_.size()) {
      seen_in_.resize(id + 1, 0);
      c.document_frequency.resize(id + 1, 0);
      c.total.resize(id + 1, 0);
    }
    if (seen_in_[id] != documents_) {
      seen_in_[id] = documents_;
      ++c.document_frequency[id];
    }
    ++c.total[id];
  });
}

Vectorizer VocabularyCounter::vectorizer() const {
  // One "thread" holding every term: merge_vocabularies reads the terms, their document
  // frequencies and totals, never the entries.
  detail::CorpusCounts counts;
  counts.threads.push_back(*counts_);
  detail::ThreadCounts& c = counts.threads.front();
  c.document_frequency.resize(c.terms.size(), 0);
  c.total.resize(c.terms.size(), 0);
  const detail::MergedVocabulary merged = detail::merge_vocabularies(counts, stop_count_);
  Vectorizer vectorizer(options_);
  vectorizer.adopt(detail::learn_vocabulary(merged, documents_, options_));
  return vectorizer;
}

template <class T>
DocumentRows<T>::DocumentRows(const Vectorizer& vectorizer) : vectorizer_(vectorizer) {
  if (vectorizer.term_table() == nullptr) {
    throw InvalidArgument("the vectorizer has no vocabulary yet: call fit_transform first");
  }
  if (vectorizer.options().dtype != dtype_of<T>()) {
    throw InvalidArgument("the vectorizer makes " + to_string(vectorizer.options().dtype) +
                          " rows, not " + to_string(dtype_of<T>()));
  }
  // A float32 vectoriser keeps float32 idf; widening it to double was exact.
  idf_ = vectorizer.idf().cast<T>();
}

template <class T>
void DocumentRows<T>::row(std::string_view document, std::vector<std::int64_t>& columns,
                          std::vector<T>& values) {
  const detail::TermTable& table = *vectorizer_.term_table();
  entries_.clear();
  detail::for_each_token(document, vectorizer_.options().lowercase, scratch_,
                         [&](std::string_view token) {
                           const std::uint32_t id = table.find(token);
                           if (id != detail::TermTable::kAbsent) entries_.emplace_back(id, 1);
                         });
  std::sort(entries_.begin(), entries_.end());
  columns.clear();
  values.clear();
  for (std::size_t e = 0; e < entries_.size();) {
    std::size_t end = e;
    while (end < entries_.size() && entries_[end].first == entries_[e].first) ++end;
    columns.push_back(entries_[e].first);
    values.push_back(vectorizer_.options().binary ? T(1) : static_cast<T>(end - e));
    e = end;
  }
  const VectorizerOptions& o = vectorizer_.options();
  if (o.weighting == Weighting::Tfidf) {
    detail::weight_tfidf_row(columns.data(), values.data(),
                             static_cast<std::int64_t>(values.size()), idf_, o.sublinear_tf,
                             o.norm);
  }
}

template class DocumentRows<float>;
template class DocumentRows<double>;

}  // namespace nmfkit::text
