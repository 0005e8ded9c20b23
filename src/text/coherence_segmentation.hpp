#pragma once
// Segmentation for topic coherence: which (W′, W*) pairs of a topic's top words are
// confirmed, in gensim's order. Words are positions in the topic, so a repeated word is
// paired with its own repetition, as gensim does.

#include <utility>
#include <vector>

namespace nmfkit::text::detail {

using WordPair = std::pair<int, int>;  // (W′, W*) as positions in the topic

// S_one_pre (u_mass): (w_i, w_j) for every j < i, by i then j.
inline std::vector<WordPair> segment_one_pre(int n_words) {
  std::vector<WordPair> pairs;
  for (int i = 1; i < n_words; ++i) {
    for (int j = 0; j < i; ++j) pairs.emplace_back(i, j);
  }
  return pairs;
}

// S_one_one (c_uci, c_npmi): (w_i, w_j) for every j ≠ i, by i then j.
inline std::vector<WordPair> segment_one_one(int n_words) {
  std::vector<WordPair> pairs;
  for (int i = 0; i < n_words; ++i) {
    for (int j = 0; j < n_words; ++j) {
      if (i != j) pairs.emplace_back(i, j);
    }
  }
  return pairs;
}

// S_one_set (c_v) pairs each word with the whole topic, so it needs no list: segment i is
// (w_i, {w_1, ..., w_n}).

}  // namespace nmfkit::text::detail
