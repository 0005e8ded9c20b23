#include <fstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text {

namespace {
#include "english_stop_words.inc"
}  // namespace

StopWords StopWords::english() {
  return {std::vector<std::string>(std::begin(kEnglishStopWords), std::end(kEnglishStopWords))};
}

StopWords StopWords::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open stop-word file " + path);
  StopWords stop_words;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::string_view word = line;
    if (first && word.starts_with("\xEF\xBB\xBF")) word.remove_prefix(3);  // UTF-8 BOM
    first = false;
    // Tokens never hold white space, so surrounding spaces and a CR are formatting.
    const auto begin = word.find_first_not_of(" \t\r\f\v");
    if (begin == std::string_view::npos) continue;
    const auto end = word.find_last_not_of(" \t\r\f\v");
    stop_words.words.emplace_back(word.substr(begin, end - begin + 1));
  }
  if (in.bad()) throw IoError("cannot read stop-word file " + path);
  return stop_words;
}

}  // namespace nmfkit::text
