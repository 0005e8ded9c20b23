#pragma once
// Internal to the corpus readers: bytes → UTF-8 text, and walking UTF-8 one code point at
// a time with Python's idea of whitespace (for scikit-learn's str.strip semantics).

#include <cstddef>
#include <string>
#include <string_view>

#include "nmfkit/text/corpus.hpp"

namespace nmfkit::text::detail {

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or values past
// U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// One document's bytes as UTF-8 text. Encoding::Auto here is UTF-8 when the bytes are
// valid UTF-8 or start with a UTF-8 byte order mark, else Latin-1; callers resolve the
// newsgroups layout's Auto to Latin1 themselves. A leading BOM is dropped unless the
// encoding is Latin-1 (where it is three characters like any others).
std::string decode_document(std::string_view bytes, Encoding encoding);

// The code point starting at bytes[0] (bytes non-empty) and the number of bytes it
// takes; a byte that does not start a well-formed sequence is reported as kNotACodePoint
// with length 1.
inline constexpr char32_t kNotACodePoint = 0xFFFFFFFF;
struct CodePoint {
  char32_t value;
  std::size_t length;
};
CodePoint next_code_point(std::string_view bytes);
// The code point that ends at bytes.back() (bytes non-empty), as next_code_point.
CodePoint previous_code_point(std::string_view bytes);

// Python's str.isspace for one code point: separators (category Zs) and characters of
// bidirectional class WS, B or S, which adds U+001C..U+001F and U+0085 to the ASCII ones.
bool is_python_space(char32_t c);

// Python's str.strip() with no argument, on UTF-8 text.
std::string_view python_strip(std::string_view text);

}  // namespace nmfkit::text::detail
