#include "nmfkit/report/label_text.hpp"

namespace nmfkit::report {

namespace {

bool continues_character(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t character_count(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += continues_character(c) ? 0 : 1;
  return count;
}

std::string shorten_label(std::string_view text, std::size_t max_characters) {
  if (character_count(text) <= max_characters) return std::string(text);
  const std::size_t keep = max_characters == 0 ? 0 : max_characters - 1;
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (continues_character(text[i])) continue;
    if (characters++ == keep) return std::string(text.substr(0, i)) + "…";
  }
  return std::string(text);
}

}  // namespace nmfkit::report
