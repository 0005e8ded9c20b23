#pragma once
// Probability estimation for topic coherence: in how many boolean documents (whole texts,
// or gensim's sliding windows over them) each topic word occurs, and each pair of words
// that share a topic.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace nmfkit::text::detail {

// Where a fixed set of words (numbered 0..n−1) occurs in the texts. Reading the texts is
// the expensive part (one hash look-up per token), so it is done once, in parallel; the
// counts are then taken from these positions alone.
class WordPositions {
 public:
  WordPositions(const std::vector<std::string>& words,
                const std::vector<std::vector<std::string>>& texts);

  int num_words() const { return static_cast<int>(found_.size()); }
  bool occurs(int word) const { return found_[static_cast<std::size_t>(word)] != 0; }

  struct Hit {
    std::int64_t position;  // token index in its text
    std::int32_t word;
  };
  // Consecutive texts, so that each block is one unit of parallel work.
  struct Block {
    std::vector<std::int64_t> lengths;  // tokens per text
    std::vector<std::size_t> offsets;   // text t's hits: hits[offsets[t], offsets[t + 1])
    std::vector<Hit> hits;              // by text, then by position
  };
  const std::vector<Block>& blocks() const { return blocks_; }

 private:
  std::vector<Block> blocks_;
  std::vector<char> found_;
};

// Whole texts as boolean documents (u_mass).
inline constexpr std::int64_t kWholeText = std::numeric_limits<std::int64_t>::max();

class CooccurrenceCounts {
 public:
  // Counts the words of `topics` (word numbers of `positions`; words of no topic are
  // ignored) and every pair of different words within a topic, in windows of `window`
  // tokens (kWholeText: each text is one document).
  CooccurrenceCounts(const WordPositions& positions, const std::vector<std::vector<int>>& topics,
                     std::int64_t window);

  std::int64_t documents() const { return documents_; }
  std::int64_t occurrences(int word) const { return occurrences_[static_cast<std::size_t>(word)]; }
  // Documents holding both words; a word with itself gives its occurrences. The pair must
  // share a topic.
  std::int64_t co_occurrences(int a, int b) const;

 private:
  std::int64_t slot_count(int a, int b) const;

  std::int64_t documents_ = 0;
  std::vector<std::int64_t> occurrences_;
  // For each word, the words it shares a topic with (sorted) and the count kept per pair
  // (partner_offsets_ indexes both): a pair's documents are split between its two slots.
  std::vector<std::size_t> partner_offsets_;
  std::vector<int> partners_;
  std::vector<std::int64_t> pair_counts_;
};

}  // namespace nmfkit::text::detail
