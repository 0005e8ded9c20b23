#include "coherence_confirmation.hpp"

#include <algorithm>
#include <cmath>

#include "nmfkit/linalg/numpy_arithmetic.hpp"

namespace nmfkit::text::detail {

namespace {

double as_double(std::int64_t count) {
  return static_cast<double>(count);
}

}  // namespace

double log_conditional_probability(const CooccurrenceCounts& counts, int w_prime, int w_star) {
  const double n = as_double(counts.documents());
  const double joint = as_double(counts.co_occurrences(w_prime, w_star));
  const double star = as_double(counts.occurrences(w_star));
  return std::log((joint / n + kEpsilon) / (star / n));
}

double log_ratio(const CooccurrenceCounts& counts, int w_prime, int w_star) {
  const double n = as_double(counts.documents());
  const double joint = as_double(counts.co_occurrences(w_prime, w_star));
  const double prime = as_double(counts.occurrences(w_prime));
  const double star = as_double(counts.occurrences(w_star));
  return std::log((joint / n + kEpsilon) / ((prime / n) * (star / n)));
}

double normalized_log_ratio(const CooccurrenceCounts& counts, int w_prime, int w_star) {
  const double n = as_double(counts.documents());
  const double joint = as_double(counts.co_occurrences(w_prime, w_star));
  return log_ratio(counts, w_prime, w_star) / -std::log(joint / n + kEpsilon);
}

double numpy_mean(const std::vector<double>& values) {
  const auto n = static_cast<Index>(values.size());
  return linalg::numpy_sum(values.data(), n) / static_cast<double>(n);
}

double direct_coherence(const std::vector<int>& topic, const std::vector<WordPair>& segments,
                        const CooccurrenceCounts& counts, DirectMeasure measure) {
  std::vector<double> values;
  values.reserve(segments.size());
  for (const auto& [prime, star] : segments) {
    values.push_back(measure(counts, topic[static_cast<std::size_t>(prime)],
                             topic[static_cast<std::size_t>(star)]));
  }
  return numpy_mean(values);
}

double cosine_coherence(const std::vector<int>& topic, const CooccurrenceCounts& counts,
                        const std::vector<int>& rank) {
  const std::size_t n = topic.size();
  // The topic's distinct words in gensim's vector order; slot[j] is word j's entry.
  std::vector<int> distinct = topic;
  std::sort(distinct.begin(), distinct.end(), [&](int a, int b) {
    return rank[static_cast<std::size_t>(a)] < rank[static_cast<std::size_t>(b)];
  });
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<std::size_t> slot(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto at = std::find(distinct.begin(), distinct.end(), topic[j]);
    slot[j] = static_cast<std::size_t>(at - distinct.begin());
  }

  std::vector<double> npmi(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      npmi[i * n + j] = normalized_log_ratio(counts, topic[i], topic[j]);
  }

  // gensim adds into a sparse vector entry by entry (a repeated word adds to its entry
  // again); the topic's vector sums over the segment's words for each topic word in turn.
  const std::size_t d = distinct.size();
  std::vector<double> topic_vector(d, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < n; ++i) topic_vector[slot[j]] += npmi[i * n + j];
  }
  // SciPy stores no zeros, so they take no part in the products or the norm's pairwise sum.
  const auto norm = [](const std::vector<double>& v) {
    std::vector<double> squares;
    for (const double x : v) {
      if (x != 0) squares.push_back(x * x);
    }
    return std::sqrt(linalg::numpy_sum(squares.data(), static_cast<Index>(squares.size())));
  };
  const double topic_norm = norm(topic_vector);

  std::vector<double> similarities(n);
  std::vector<double> word_vector(d);
  for (std::size_t i = 0; i < n; ++i) {
    std::fill(word_vector.begin(), word_vector.end(), 0.0);
    for (std::size_t j = 0; j < n; ++j) word_vector[slot[j]] += npmi[i * n + j];
    double dot = 0;  // SciPy's sparse product: in index order
    for (std::size_t s = 0; s < d; ++s) {
      if (topic_vector[s] != 0 && word_vector[s] != 0) dot += topic_vector[s] * word_vector[s];
    }
    similarities[i] = dot / (norm(word_vector) * topic_norm);
  }
  return numpy_mean(similarities);
}

}  // namespace nmfkit::text::detail
