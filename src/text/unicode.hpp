#pragma once
// Python 3.11's Unicode rules that scikit-learn's tokenizer relies on: which code points
// \w matches, what str.lower() maps them to, and the two properties its final-sigma rule
// reads. Tables come from scripts/generate_unicode_tables.py (unicode_tables.inc).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nmfkit::text::unicode {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kFinalSigma = 0x3C2;

// Property bits of a code point.
enum : std::uint8_t {
  kWord = 1,           // matched by \w
  kCased = 2,          // cased, and not case-ignorable
  kCaseIgnorable = 4,  // skipped when lower() looks around a capital sigma
  kLowerDiffers = 8,   // chr(c).lower() != chr(c)
};

// The properties of every code point in two stages: blocks of 128 code points, identical
// blocks shared (about 40 kB in all).
class PropertyTable {
 public:
  static constexpr int kBlockBits = 7;
  PropertyTable();
  std::uint8_t operator()(char32_t c) const {
    return bits_[(static_cast<std::size_t>(block_[c >> kBlockBits]) << kBlockBits) |
                 (c & ((1u << kBlockBits) - 1))];
  }

 private:
  std::vector<std::uint16_t> block_;
  std::vector<std::uint8_t> bits_;
};

// Built on first use; safe to call from several threads.
const PropertyTable& properties();

// chr(c).lower() as UTF-8, for a code point with kLowerDiffers (U+03A3 gives its non-final
// form; the caller applies the final-sigma rule).
std::string_view lower_mapping(char32_t c);

struct Decoded {
  char32_t code_point;   // kReplacement when !valid
  std::uint32_t length;  // bytes consumed, 1 to 4
  bool valid;            // false for an ill-formed sequence
};

// The character starting at text[i] (i < size). An ill-formed sequence (overlong,
// surrogate, past U+10FFFF, truncated) decodes as one U+FFFD over its longest valid
// prefix (Unicode's "maximal subpart"), as Python's bytes.decode("utf-8", "replace")
// does, so every input decodes and nothing is read past the end.
inline Decoded decode(const unsigned char* text, std::size_t size, std::size_t i) {
  const unsigned char b0 = text[i];
  if (b0 < 0x80) return {b0, 1, true};
  const std::size_t left = size - i;
  std::uint32_t trailing = 0;
  char32_t value = 0;
  // The first continuation byte's range excludes overlong forms, surrogates and values
  // past U+10FFFF.
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    trailing = 1;
    value = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    trailing = 2;
    value = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    trailing = 3;
    value = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {kReplacement, 1, false};
  }
  for (std::uint32_t k = 1; k <= trailing; ++k) {
    if (k >= left || text[i + k] < lo || text[i + k] > hi) return {kReplacement, k, false};
    lo = 0x80;
    hi = 0xBF;
    value = (value << 6) | (text[i + k] & 0x3Fu);
  }
  return {value, trailing + 1, true};
}

inline void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace nmfkit::text::unicode
