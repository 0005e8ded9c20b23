#include "nmfkit/text/vectorizer.hpp"

#include <numeric>

#include "document_counts.hpp"
#include "nmfkit/core/error.hpp"
#include "term_table.hpp"
#include "tfidf.hpp"
#include "vocabulary.hpp"

namespace nmfkit::text {

namespace {

template <class T>
AnyMatrix weighted(SparseMatrix<T> X, const Vector<double>& idf, const VectorizerOptions& o) {
  if (o.weighting == Weighting::Tfidf) {
    // A float32 vectoriser keeps float32 idf; widening it to double was exact.
    const Vector<T> idf_t = idf.cast<T>();
    detail::weight_tfidf(X, idf_t, o.sublinear_tf, o.norm);
  }
  return AnyMatrix(std::move(X));
}

AnyMatrix assemble(const detail::CorpusCounts& counts,
                   const std::vector<std::vector<std::int64_t>>& column_of, Index n_columns,
                   const Vector<double>& idf, const VectorizerOptions& o) {
  if (o.dtype == DType::Float32) {
    return weighted(detail::assemble<float>(counts, column_of, n_columns, o.binary), idf, o);
  }
  return weighted(detail::assemble<double>(counts, column_of, n_columns, o.binary), idf, o);
}

}  // namespace

Vectorizer::Vectorizer(VectorizerOptions options) : options_(std::move(options)) {
  options_.validate();
}

AnyMatrix Vectorizer::fit_transform(const std::vector<std::string>& documents,
                                    const Progress& progress) {
  const VectorizerOptions& o = options_;
  std::uint32_t stop_count = 0;
  const detail::CorpusCounts counts =
      detail::count_new_terms(documents, o.lowercase, o.stop_words.words, stop_count, progress);
  const detail::MergedVocabulary merged = detail::merge_vocabularies(counts, stop_count);
  const auto n_documents = static_cast<Index>(documents.size());
  detail::LearnedVocabulary learned = detail::learn_vocabulary(merged, n_documents, o);
  std::vector<std::vector<std::int64_t>> column_of(merged.index_of.size());
  for (std::size_t t = 0; t < column_of.size(); ++t) {
    column_of[t].reserve(merged.index_of[t].size());
    for (const std::int64_t j : merged.index_of[t]) {
      column_of[t].push_back(j < 0 ? -1 : learned.column[j]);
    }
  }
  AnyMatrix X = assemble(counts, column_of, static_cast<Index>(learned.terms.size()),
                         learned.idf, o);
  // Nothing above changed the vectoriser, so a failed fit leaves the previous one intact.
  adopt(std::move(learned));
  return X;
}

void Vectorizer::adopt(detail::LearnedVocabulary&& learned) {
  auto index = std::make_shared<detail::TermTable>();
  for (const std::string& term : learned.terms) index->insert(term);
  terms_ = std::move(learned.terms);
  dropped_ = std::move(learned.dropped);
  idf_ = std::move(learned.idf);
  index_ = std::move(index);
}

Vectorizer Vectorizer::fitted(VectorizerOptions options, std::vector<std::string> vocabulary,
                              Vector<double> idf) {
  Vectorizer v(std::move(options));
  const bool needs_idf = v.options_.weighting == Weighting::Tfidf && v.options_.use_idf;
  if (vocabulary.empty()) throw InvalidArgument("the vocabulary is empty");
  if (idf.size() != (needs_idf ? static_cast<Index>(vocabulary.size()) : 0)) {
    throw InvalidArgument("the idf has " + std::to_string(idf.size()) + " values for " +
                          std::to_string(vocabulary.size()) + " terms" +
                          (needs_idf ? "" : " (this weighting takes none)"));
  }
  auto index = std::make_shared<detail::TermTable>();
  for (const std::string& term : vocabulary) {
    if (term.empty() || index->find(term) != detail::TermTable::kAbsent) {
      throw InvalidArgument("the vocabulary repeats the term '" + term + "' or has an empty one");
    }
    index->insert(term);
  }
  v.terms_ = std::move(vocabulary);
  v.idf_ = std::move(idf);
  v.index_ = std::move(index);
  return v;
}

AnyMatrix Vectorizer::transform(const std::vector<std::string>& documents) const {
  if (!index_) {
    throw InvalidArgument("the vectorizer has no vocabulary yet: call fit_transform first");
  }
  const detail::CorpusCounts counts =
      detail::count_known_terms(documents, options_.lowercase, *index_);
  std::vector<std::int64_t> identity(terms_.size());
  std::iota(identity.begin(), identity.end(), std::int64_t{0});
  const std::vector<std::vector<std::int64_t>> column_of(counts.threads.size(), identity);
  return assemble(counts, column_of, static_cast<Index>(terms_.size()), idf_, options_);
}

std::optional<Index> Vectorizer::term_index(const std::string& term) const {
  if (!index_) return std::nullopt;
  const std::uint32_t id = index_->find(term);
  if (id == detail::TermTable::kAbsent) return std::nullopt;
  return static_cast<Index>(id);
}

}  // namespace nmfkit::text
