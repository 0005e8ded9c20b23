#include "coherence_counts.hpp"

#include <algorithm>
#include <cassert>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace nmfkit::text::detail {

namespace {

// About a millisecond of work per task: enough to hide scheduling, small enough to balance
// a few thousand documents over the threads.
constexpr std::int64_t kBlockTokens = 1 << 14;

// Consecutive texts with about kBlockTokens tokens in all: [starts[b], starts[b + 1]).
std::vector<std::size_t> block_starts(const std::vector<std::vector<std::string>>& texts) {
  std::vector<std::size_t> starts{0};
  std::int64_t tokens = 0;
  for (std::size_t t = 0; t < texts.size(); ++t) {
    tokens += static_cast<std::int64_t>(texts[t].size());
    if (tokens >= kBlockTokens && t + 1 < texts.size()) {
      starts.push_back(t + 1);
      tokens = 0;
    }
  }
  starts.push_back(texts.size());
  return starts;
}

// One thread's running totals.
struct Tally {
  std::int64_t documents = 0;
  std::vector<std::int64_t> occurrences;
  std::vector<std::int64_t> pair_counts;
  // The window at which a word's current run of windows began; −1 while it is absent.
  std::vector<std::int64_t> since;
};

}  // namespace

WordPositions::WordPositions(const std::vector<std::string>& words,
                             const std::vector<std::vector<std::string>>& texts)
    : found_(words.size(), 0) {
  std::unordered_map<std::string_view, std::int32_t> index;
  index.reserve(words.size() * 2);
  for (std::size_t w = 0; w < words.size(); ++w) {
    [[maybe_unused]] const bool inserted =
        index.emplace(words[w], static_cast<std::int32_t>(w)).second;
    assert(inserted);
  }

  const std::vector<std::size_t> starts = block_starts(texts);
  const auto n_blocks = static_cast<std::int64_t>(starts.size() - 1);
  blocks_.resize(static_cast<std::size_t>(n_blocks));

  // One block is no parallel work: starting threads would only add their wake-up cost.
#pragma omp parallel if (n_blocks > 1)
  {
    std::vector<char> found(words.size(), 0);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      // Filled here and moved in at the end: neighbouring blocks' vector headers share
      // cache lines, and growing them in place would make the threads contend.
      Block block;
      const std::size_t first = starts[static_cast<std::size_t>(b)];
      const std::size_t last = starts[static_cast<std::size_t>(b) + 1];
      block.lengths.reserve(last - first);
      block.offsets.reserve(last - first + 1);
      block.offsets.push_back(0);
      for (std::size_t t = first; t < last; ++t) {
        const std::vector<std::string>& text = texts[t];
        for (std::size_t p = 0; p < text.size(); ++p) {
          const auto it = index.find(std::string_view(text[p]));
          if (it == index.end()) continue;
          block.hits.push_back({static_cast<std::int64_t>(p), it->second});
          found[static_cast<std::size_t>(it->second)] = 1;
        }
        block.lengths.push_back(static_cast<std::int64_t>(text.size()));
        block.offsets.push_back(block.hits.size());
      }
      blocks_[static_cast<std::size_t>(b)] = std::move(block);
    }
#pragma omp critical(nmfkit_word_positions)
    for (std::size_t w = 0; w < found.size(); ++w) found_[w] |= found[w];
  }
}

CooccurrenceCounts::CooccurrenceCounts(const WordPositions& positions,
                                       const std::vector<std::vector<int>>& topics,
                                       std::int64_t window)
    : occurrences_(static_cast<std::size_t>(positions.num_words()), 0) {
  assert(window >= 1);
  const auto n_words = static_cast<std::size_t>(positions.num_words());

  // Only pairs within a topic are ever asked for, so only those are counted.
  std::vector<char> relevant(n_words, 0);
  std::vector<std::vector<int>> partner_lists(n_words);
  for (const std::vector<int>& topic : topics) {
    std::vector<int> distinct = topic;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (const int a : distinct) {
      relevant[static_cast<std::size_t>(a)] = 1;
      for (const int b : distinct) {
        if (a != b) partner_lists[static_cast<std::size_t>(a)].push_back(b);
      }
    }
  }
  partner_offsets_.assign(n_words + 1, 0);
  for (std::size_t w = 0; w < n_words; ++w) {
    std::vector<int>& list = partner_lists[w];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    partners_.insert(partners_.end(), list.begin(), list.end());
    partner_offsets_[w + 1] = partners_.size();
  }
  pair_counts_.assign(partners_.size(), 0);

  const std::vector<WordPositions::Block>& blocks = positions.blocks();
  const auto n_blocks = static_cast<std::int64_t>(blocks.size());

#pragma omp parallel if (n_blocks > 1)
  {
    Tally tally;
    tally.occurrences.assign(n_words, 0);
    tally.pair_counts.assign(partners_.size(), 0);
    tally.since.assign(n_words, -1);

    // A word leaves the window set at window `end`: its run, and its overlap with the run
    // of every partner still present, are counted. Each pair is counted once per overlap,
    // by whichever of the two words leaves first.
    const auto leave = [&](int word, std::int64_t end) {
      const auto w = static_cast<std::size_t>(word);
      const std::int64_t start = tally.since[w];
      if (start < 0) return;
      tally.occurrences[w] += end - start;
      for (std::size_t slot = partner_offsets_[w]; slot < partner_offsets_[w + 1]; ++slot) {
        const std::int64_t other = tally.since[static_cast<std::size_t>(partners_[slot])];
        if (other >= 0) tally.pair_counts[slot] += end - std::max(start, other);
      }
      tally.since[w] = -1;
    };
    const auto enter = [&](int word, std::int64_t window_index) {
      std::int64_t& start = tally.since[static_cast<std::size_t>(word)];
      if (start < 0) start = window_index;
    };

#pragma omp for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      const WordPositions::Block& block = blocks[static_cast<std::size_t>(b)];
      for (std::size_t t = 0; t < block.lengths.size(); ++t) {
        const std::int64_t length = block.lengths[t];
        // gensim: a text no longer than the window is one window, else one per start.
        const std::int64_t n_windows = length <= window ? 1 : length - window + 1;
        tally.documents += n_windows;
        const WordPositions::Hit* hits = block.hits.data() + block.offsets[t];
        const std::size_t n_hits = block.offsets[t + 1] - block.offsets[t];

        // gensim keeps the set of words in the window incrementally: window 0 holds the
        // words of the first `window` tokens; moving to window k first drops the word of
        // token k − 1 (even when it occurs again inside the window), then adds the word of
        // token k + window − 1. A token at position p is therefore added at window
        // max(0, p − window + 1) and dropped at window p + 1 (when that window exists);
        // both streams follow token order, and drops go first within a window.
        std::size_t next_add = 0;
        std::size_t next_drop = 0;
        while (true) {
          while (next_add < n_hits && !relevant[static_cast<std::size_t>(hits[next_add].word)])
            ++next_add;
          while (next_drop < n_hits && !relevant[static_cast<std::size_t>(hits[next_drop].word)])
            ++next_drop;
          const bool can_drop = next_drop < n_hits && hits[next_drop].position + 1 < n_windows;
          if (next_add == n_hits && !can_drop) break;
          const std::int64_t add_at =
              next_add < n_hits ? std::max<std::int64_t>(0, hits[next_add].position - window + 1)
                                : n_windows;
          if (can_drop && hits[next_drop].position + 1 <= add_at) {
            leave(hits[next_drop].word, hits[next_drop].position + 1);
            ++next_drop;
          } else {
            enter(hits[next_add].word, add_at);
            ++next_add;
          }
        }
        for (std::size_t h = 0; h < n_hits; ++h) {
          if (relevant[static_cast<std::size_t>(hits[h].word)]) leave(hits[h].word, n_windows);
        }
      }
    }

    // Integer sums: the same totals whatever the thread count or order.
#pragma omp critical(nmfkit_cooccurrence_counts)
    {
      documents_ += tally.documents;
      for (std::size_t w = 0; w < n_words; ++w) occurrences_[w] += tally.occurrences[w];
      for (std::size_t s = 0; s < pair_counts_.size(); ++s) pair_counts_[s] += tally.pair_counts[s];
    }
  }
}

std::int64_t CooccurrenceCounts::slot_count(int a, int b) const {
  const auto w = static_cast<std::size_t>(a);
  const auto first = partners_.begin() + static_cast<std::ptrdiff_t>(partner_offsets_[w]);
  const auto last = partners_.begin() + static_cast<std::ptrdiff_t>(partner_offsets_[w + 1]);
  const auto it = std::lower_bound(first, last, b);
  assert(it != last && *it == b);
  return pair_counts_[static_cast<std::size_t>(it - partners_.begin())];
}

std::int64_t CooccurrenceCounts::co_occurrences(int a, int b) const {
  if (a == b) return occurrences(a);
  return slot_count(a, b) + slot_count(b, a);
}

}  // namespace nmfkit::text::detail
