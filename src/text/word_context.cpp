#include "nmfkit/text/word_context.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"

namespace nmfkit::text {

void WordContextOptions::validate() const {
  if (window < 1) {
    throw InvalidArgument("the word-context window must be at least 1, got " +
                          std::to_string(window));
  }
  if (!(shift >= 1.0) || !std::isfinite(shift)) {
    throw InvalidArgument("the PMI shift must be a finite number >= 1, got " +
                          std::to_string(shift));
  }
}

namespace {

// Each document as the vocabulary indices of its tokens, in order.
std::vector<std::vector<std::int64_t>> vocabulary_indices(
    const std::vector<std::vector<std::string>>& texts,
    const std::vector<std::string>& vocabulary) {
  std::unordered_map<std::string, std::int64_t> index;
  index.reserve(vocabulary.size());
  for (std::size_t i = 0; i < vocabulary.size(); ++i) {
    index.emplace(vocabulary[i], static_cast<std::int64_t>(i));
  }
  std::vector<std::vector<std::int64_t>> out(texts.size());
  for (std::size_t d = 0; d < texts.size(); ++d) {
    for (const auto& token : texts[d]) {
      if (const auto it = index.find(token); it != index.end()) out[d].push_back(it->second);
    }
  }
  return out;
}

}  // namespace

SparseMatrix<double> word_context_matrix(const std::vector<std::vector<std::string>>& texts,
                                         const std::vector<std::string>& vocabulary,
                                         const WordContextOptions& options) {
  options.validate();
  const auto documents = vocabulary_indices(texts, vocabulary);
  const auto window = static_cast<std::size_t>(options.window);
  std::size_t longest = 0;
  for (const auto& words : documents) longest = std::max(longest, words.size());
  if (longest <= window) {
    throw InvalidArgument("the corpus is too small for a word-context window of " +
                          std::to_string(options.window) + ": its longest document has " +
                          std::to_string(longest) + " vocabulary words");
  }

  // Every co-occurrence as a context index in its word's row (both orders of each pair),
  // then each row sorted and its runs counted: a hash map of pairs is several times slower
  // on a real corpus's millions of pairs. The window is the user's number, so the memory
  // is checked before the arrays are made.
  const auto n = static_cast<Index>(vocabulary.size());
  if (n > std::numeric_limits<std::int32_t>::max()) {
    throw InvalidArgument("the vocabulary is too large for a word-context matrix");
  }
  std::vector<std::int64_t> row_start(static_cast<std::size_t>(n) + 1, 0);
  // A word at position i of L has min(i, window) neighbours before it and
  // min(L − 1 − i, window) after it (counted in O(L), whatever the window).
  for (const auto& words : documents) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::size_t neighbours = std::min(i, window) + std::min(words.size() - 1 - i, window);
      row_start[static_cast<std::size_t>(words[i]) + 1] += static_cast<std::int64_t>(neighbours);
    }
  }
  for (std::size_t w = 0; w < static_cast<std::size_t>(n); ++w) row_start[w + 1] += row_start[w];
  const auto pairs = static_cast<std::size_t>(row_start.back());
  if (pairs == 0) throw InvalidArgument("no two vocabulary words co-occur in the corpus");
  // 4 bytes per pair, and up to 16 more per distinct pair for the counts.
  require_memory(static_cast<double>(pairs) * 20,
                 "the word-context matrix (window " + std::to_string(options.window) + ")");
  std::vector<std::int32_t> contexts(pairs);
  std::vector<std::int64_t> fill(row_start.begin(), row_start.end() - 1);
  for (const auto& words : documents) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::size_t last = std::min(words.size(), i + window + 1);
      for (std::size_t j = i + 1; j < last; ++j) {
        contexts[static_cast<std::size_t>(fill[static_cast<std::size_t>(words[i])]++)] =
            static_cast<std::int32_t>(words[j]);
        contexts[static_cast<std::size_t>(fill[static_cast<std::size_t>(words[j])]++)] =
            static_cast<std::int32_t>(words[i]);
      }
    }
  }

  // Counts per (word, context), row by row; #(w) is the row's length.
  std::vector<std::vector<std::pair<std::int32_t, double>>> counts(static_cast<std::size_t>(n));
#pragma omp parallel for schedule(dynamic, 64)
  for (Index w = 0; w < n; ++w) {
    const auto begin = contexts.begin() + row_start[static_cast<std::size_t>(w)];
    const auto end = contexts.begin() + row_start[static_cast<std::size_t>(w) + 1];
    std::sort(begin, end);
    auto& row = counts[static_cast<std::size_t>(w)];
    for (auto it = begin; it != end;) {
      const auto next = std::upper_bound(it, end, *it);
      row.emplace_back(*it, static_cast<double>(next - it));
      it = next;
    }
  }
  const auto marginal = [&](std::int64_t w) {
    return static_cast<double>(row_start[static_cast<std::size_t>(w) + 1] -
                               row_start[static_cast<std::size_t>(w)]);
  };
  const auto total = static_cast<double>(pairs);

  const double log_shift = std::log(options.shift);
  std::vector<Eigen::Triplet<double, std::int64_t>> entries;
  for (Index w = 0; w < n; ++w) {
    for (const auto& [context, count] : counts[static_cast<std::size_t>(w)]) {
      const double pmi = std::log(count * total / (marginal(w) * marginal(context)));
      // The matrix is symmetric: row w of contexts × words is word w's column.
      if (pmi - log_shift > 0) entries.emplace_back(context, w, pmi - log_shift);
    }
  }
  SparseMatrix<double> M(n, n);
  M.setFromTriplets(entries.begin(), entries.end());
  return M;
}

}  // namespace nmfkit::text
