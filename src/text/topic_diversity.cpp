// Topic diversity (Dieng, Ruiz & Blei 2020, "Topic modeling in embedding spaces"): the
// share of distinct words among the topics' top words.

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "nmfkit/core/error.hpp"
#include "nmfkit/text/coherence.hpp"

namespace nmfkit::text {

double topic_diversity(const std::vector<std::vector<std::string>>& topics, int topn) {
  if (topn < 1)
    throw InvalidArgument("topic_diversity: topn must be >= 1; got " + std::to_string(topn));
  if (topics.empty()) throw InvalidArgument("topic_diversity: no topics");
  std::unordered_set<std::string_view> distinct;
  std::size_t taken = 0;
  for (std::size_t t = 0; t < topics.size(); ++t) {
    const std::vector<std::string>& topic = topics[t];
    if (topic.empty())
      throw InvalidArgument("topic_diversity: topic " + std::to_string(t) + " is empty");
    // A topic shorter than topn contributes all its words, so that 1 still means "no
    // word shared".
    const std::size_t n = std::min(topic.size(), static_cast<std::size_t>(topn));
    for (std::size_t i = 0; i < n; ++i) distinct.insert(topic[i]);
    taken += n;
  }
  return static_cast<double>(distinct.size()) / static_cast<double>(taken);
}

}  // namespace nmfkit::text
