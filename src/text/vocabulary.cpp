#include "vocabulary.hpp"

#include <algorithm>

#include "document_frequency.hpp"
#include "tfidf.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/numpy_sort.hpp"

namespace nmfkit::text::detail {

MergedVocabulary merge_vocabularies(const CorpusCounts& counts, std::uint32_t stop_count) {
  const std::size_t n_threads = counts.threads.size();
  // Each thread's terms sorted (in parallel), then a k-way merge of the sorted lists.
  std::vector<std::vector<std::uint32_t>> sorted(n_threads);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t t = 0; t < n_threads; ++t) {
    const TermTable& table = counts.threads[t].terms;
    auto& ids = sorted[t];
    ids.resize(table.size() - stop_count);
    for (std::uint32_t id = stop_count; id < table.size(); ++id) ids[id - stop_count] = id;
    std::sort(ids.begin(), ids.end(), [&table](std::uint32_t a, std::uint32_t b) {
      return table.term(a) < table.term(b);
    });
  }

  MergedVocabulary merged;
  merged.index_of.resize(n_threads);
  for (std::size_t t = 0; t < n_threads; ++t) {
    merged.index_of[t].assign(counts.threads[t].terms.size(), -1);
  }
  std::vector<std::size_t> head(n_threads, 0);
  auto head_term = [&](std::size_t t) {
    return counts.threads[t].terms.term(sorted[t][head[t]]);
  };
  for (;;) {
    std::optional<std::string_view> smallest;
    for (std::size_t t = 0; t < n_threads; ++t) {
      if (head[t] < sorted[t].size() && (!smallest || head_term(t) < *smallest)) {
        smallest = head_term(t);
      }
    }
    if (!smallest) break;
    const auto index = static_cast<std::int64_t>(merged.terms.size());
    merged.terms.push_back(*smallest);
    std::int64_t df = 0;
    std::int64_t total = 0;
    for (std::size_t t = 0; t < n_threads; ++t) {
      if (head[t] < sorted[t].size() && head_term(t) == *smallest) {
        const std::uint32_t id = sorted[t][head[t]++];
        merged.index_of[t][id] = index;
        df += counts.threads[t].document_frequency[id];
        total += counts.threads[t].total[id];
      }
    }
    merged.document_frequency.push_back(df);
    merged.total.push_back(total);
  }
  return merged;
}

std::vector<bool> limit_features(const MergedVocabulary& vocabulary, Index n_documents,
                                 const VectorizerOptions& options) {
  // Python's arithmetic: an int limit is a count, a float one is multiplied by n.
  auto documents = [n_documents](const DocumentFrequency& df) {
    return df.proportion ? df.value * static_cast<double>(n_documents) : df.value;
  };
  const double max_count = documents(options.max_df);
  const double min_count = documents(options.min_df);
  if (max_count < min_count) {
    throw InvalidArgument(df_order_message(options.min_df, options.max_df, n_documents));
  }
  const std::size_t n_terms = vocabulary.terms.size();
  std::vector<bool> keep(n_terms);
  std::vector<std::int64_t> candidates;
  for (std::size_t j = 0; j < n_terms; ++j) {
    const auto df = static_cast<double>(vocabulary.document_frequency[j]);
    keep[j] = df <= max_count && df >= min_count;
    if (keep[j]) candidates.push_back(static_cast<std::int64_t>(j));
  }
  const auto limit = options.max_features.value_or(0);
  if (options.max_features && static_cast<Index>(candidates.size()) > limit) {
    // binary counts are filled with ones before the limits, so their totals are the
    // document frequencies.
    const auto& totals = options.binary ? vocabulary.document_frequency : vocabulary.total;
    std::vector<std::int64_t> negated(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) negated[i] = -totals[candidates[i]];
    const std::vector<Index> order = numpy_argsort<std::int64_t>(negated);
    std::fill(keep.begin(), keep.end(), false);
    for (Index i = 0; i < limit; ++i) keep[candidates[order[i]]] = true;
  }
  return keep;
}

LearnedVocabulary learn_vocabulary(const MergedVocabulary& merged, Index n_documents,
                                   const VectorizerOptions& o) {
  if (merged.terms.empty()) {
    throw InvalidArgument("empty vocabulary; perhaps the documents only contain stop words");
  }
  const std::vector<bool> keep = limit_features(merged, n_documents, o);
  // Columns of the kept terms, in sorted order; the rest are scikit-learn's stop_words_.
  LearnedVocabulary learned;
  learned.column.assign(merged.terms.size(), -1);
  std::vector<std::int64_t> kept_df;
  for (std::size_t j = 0; j < merged.terms.size(); ++j) {
    if (keep[j]) {
      learned.column[j] = static_cast<std::int64_t>(learned.terms.size());
      learned.terms.emplace_back(merged.terms[j]);
      kept_df.push_back(merged.document_frequency[j]);
    } else {
      learned.dropped.emplace_back(merged.terms[j]);
    }
  }
  if (learned.terms.empty()) {
    throw InvalidArgument(
        "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
  }
  if (o.weighting == Weighting::Tfidf && o.use_idf) {
    learned.idf =
        o.dtype == DType::Float32
            ? inverse_document_frequency<float>(kept_df, n_documents, o.smooth_idf).cast<double>()
            : inverse_document_frequency<double>(kept_df, n_documents, o.smooth_idf);
  }
  return learned;
}

}  // namespace nmfkit::text::detail
