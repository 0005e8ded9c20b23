#include "nmfkit/text/analyzer.hpp"

#include <algorithm>
#include <unordered_set>

namespace nmfkit::text {

std::vector<std::vector<std::string>> analyze(const std::vector<std::string>& documents,
                                              bool lowercase, const StopWords& stop_words) {
  const std::unordered_set<std::string> stop(stop_words.words.begin(), stop_words.words.end());
  std::vector<std::vector<std::string>> texts(documents.size());
  const auto n = static_cast<std::int64_t>(documents.size());
#pragma omp parallel for schedule(dynamic, 64)
  for (std::int64_t i = 0; i < n; ++i) {
    auto tokens = tokenize(documents[static_cast<std::size_t>(i)], lowercase);
    std::erase_if(tokens, [&](const std::string& token) { return stop.contains(token); });
    texts[static_cast<std::size_t>(i)] = std::move(tokens);
  }
  return texts;
}

}  // namespace nmfkit::text
