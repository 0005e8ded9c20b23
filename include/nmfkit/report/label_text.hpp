#pragma once
// Labels in charts are cut to a few characters so that long words, document names or
// feature names do not run over their neighbours; the cut falls between UTF-8 characters.

#include <cstddef>
#include <string>
#include <string_view>

namespace nmfkit::report {

// Characters (not bytes) of UTF-8 text.
std::size_t character_count(std::string_view text);

// The text itself when it has at most max_characters characters, else its first
// max_characters − 1 followed by "…".
std::string shorten_label(std::string_view text, std::size_t max_characters);

}  // namespace nmfkit::report
