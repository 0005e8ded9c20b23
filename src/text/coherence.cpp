// Topic coherence: the pipeline (segmentation → probability estimation → confirmation →
// aggregation) with gensim's CoherenceModel handling of topics and texts.

#include "nmfkit/text/coherence.hpp"

#include <string_view>
#include <unordered_map>

#include "coherence_confirmation.hpp"
#include "coherence_counts.hpp"
#include "coherence_segmentation.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::text {

namespace {

[[noreturn]] void invalid(const std::string& what) {
  throw InvalidArgument("topic_coherence: " + what);
}

// gensim's SLIDING_WINDOW_SIZES.
int default_window(CoherenceMeasure measure) {
  return measure == CoherenceMeasure::CV ? 110 : 10;
}

// The distinct words of all topics in order of first appearance, and each topic as their
// numbers.
struct NumberedTopics {
  std::vector<std::string> words;
  std::vector<std::vector<int>> topics;
};

NumberedTopics number_words(const std::vector<std::vector<std::string>>& topics) {
  NumberedTopics out;
  std::unordered_map<std::string_view, int> number;
  for (const std::vector<std::string>& topic : topics) {
    std::vector<int>& numbered = out.topics.emplace_back();
    for (const std::string& word : topic) {
      const auto [it, inserted] = number.emplace(word, static_cast<int>(out.words.size()));
      if (inserted) out.words.push_back(word);
      numbered.push_back(it->second);
    }
  }
  return out;
}

// What gensim's CoherenceModel makes of the topics: words outside the dictionary (here:
// in no text) are dropped, then the topics are cut to topn words, but only if the first
// topic is longer than topn (CoherenceModel.topics looks at the first topic alone).
std::vector<std::vector<int>> gensim_topics(const std::vector<std::vector<int>>& topics,
                                            const detail::WordPositions& positions, int topn) {
  std::vector<std::vector<int>> kept;
  for (std::size_t t = 0; t < topics.size(); ++t) {
    std::vector<int>& words = kept.emplace_back();
    for (const int word : topics[t]) {
      if (positions.occurs(word)) words.push_back(word);
    }
    if (words.empty()) {
      invalid("no word of topic " + std::to_string(t) +
              " occurs in the texts (gensim raises ValueError: unable to interpret topic)");
    }
  }
  if (kept.front().size() > static_cast<std::size_t>(topn)) {
    for (std::vector<int>& words : kept) {
      if (words.size() > static_cast<std::size_t>(topn))
        words.resize(static_cast<std::size_t>(topn));
    }
  }
  return kept;
}

// Each word's place in gensim's context vectors: first appearance over all topics.
std::vector<int> context_order(const std::vector<std::vector<int>>& topics, int n_words) {
  std::vector<int> rank(static_cast<std::size_t>(n_words), -1);
  int next = 0;
  for (const std::vector<int>& topic : topics) {
    for (const int word : topic) {
      if (rank[static_cast<std::size_t>(word)] < 0) rank[static_cast<std::size_t>(word)] = next++;
    }
  }
  return rank;
}

}  // namespace

std::string to_string(CoherenceMeasure measure) {
  switch (measure) {
    case CoherenceMeasure::UMass:
      return "u_mass";
    case CoherenceMeasure::CUci:
      return "c_uci";
    case CoherenceMeasure::CNpmi:
      return "c_npmi";
    case CoherenceMeasure::CV:
      return "c_v";
  }
  return "unknown";
}

CoherenceMeasure parse_coherence_measure(const std::string& name) {
  for (const CoherenceMeasure measure : {CoherenceMeasure::UMass, CoherenceMeasure::CUci,
                                         CoherenceMeasure::CNpmi, CoherenceMeasure::CV}) {
    if (name == to_string(measure)) return measure;
  }
  throw InvalidArgument("coherence measure must be one of u_mass, c_uci, c_npmi, c_v; got '" +
                        name + "'");
}

std::vector<double> topic_coherence(const std::vector<std::vector<std::string>>& topics,
                                    const std::vector<std::vector<std::string>>& texts,
                                    const CoherenceOptions& options) {
  if (options.topn < 1) invalid("topn must be >= 1; got " + std::to_string(options.topn));
  if (options.window_size < 0) {
    invalid("window_size must be >= 0 (0: the measure's default); got " +
            std::to_string(options.window_size));
  }
  if (topics.empty()) invalid("no topics");
  for (std::size_t t = 0; t < topics.size(); ++t) {
    if (topics[t].empty()) invalid("topic " + std::to_string(t) + " is empty");
  }
  if (texts.empty()) invalid("no texts");

  const bool sliding = options.measure != CoherenceMeasure::UMass;
  if (sliding) {
    for (std::size_t t = 0; t < texts.size(); ++t) {
      if (texts[t].empty()) {
        invalid("text " + std::to_string(t) + " is empty; " + to_string(options.measure) +
                " needs at least one token per text (gensim 4.2 fails on it with an IndexError)");
      }
    }
  }

  const NumberedTopics numbered = number_words(topics);
  const detail::WordPositions positions(numbered.words, texts);
  const std::vector<std::vector<int>> used =
      gensim_topics(numbered.topics, positions, options.topn);

  const std::int64_t window =
      !sliding ? detail::kWholeText
               : (options.window_size > 0 ? options.window_size : default_window(options.measure));
  const detail::CooccurrenceCounts counts(positions, used, window);

  std::vector<double> coherences;
  coherences.reserve(used.size());
  if (options.measure == CoherenceMeasure::CV) {
    const std::vector<int> rank = context_order(used, positions.num_words());
    for (const std::vector<int>& topic : used) {
      coherences.push_back(detail::cosine_coherence(topic, counts, rank));
    }
    return coherences;
  }
  for (const std::vector<int>& topic : used) {
    const int n = static_cast<int>(topic.size());
    if (options.measure == CoherenceMeasure::UMass) {
      coherences.push_back(detail::direct_coherence(topic, detail::segment_one_pre(n), counts,
                                                    detail::log_conditional_probability));
    } else {
      coherences.push_back(detail::direct_coherence(topic, detail::segment_one_one(n), counts,
                                                    options.measure == CoherenceMeasure::CNpmi
                                                        ? detail::normalized_log_ratio
                                                        : detail::log_ratio));
    }
  }
  return coherences;
}

}  // namespace nmfkit::text
