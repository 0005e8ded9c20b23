#include "tokenizer.hpp"

#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text {

std::vector<std::string> tokenize(std::string_view text, bool lowercase) {
  std::vector<std::string> tokens;
  std::string scratch;
  detail::for_each_token(text, lowercase, scratch,
                         [&tokens](std::string_view token) { tokens.emplace_back(token); });
  return tokens;
}

std::string to_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  detail::for_each_lowered(
      text, [&out](char32_t c, std::uint8_t) { unicode::append_utf8(out, c); });
  return out;
}

}  // namespace nmfkit::text
