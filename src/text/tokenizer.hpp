#pragma once
// The tokenizer's inner loops, shared by tokenize(), to_lower() and the vectorizer: one
// pass over the UTF-8 bytes, no allocation once the caller's scratch buffer has grown.

#include <string>
#include <string_view>

#include "unicode.hpp"

namespace nmfkit::text::detail {

// Calls emit(code_point, properties) for every code point of Python's text.lower(), in
// order. Invalid bytes read as U+FFFD.
template <class Emit>
void for_each_lowered(std::string_view text, Emit&& emit) {
  using namespace unicode;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const PropertyTable& props = properties();
  // Whether the last character lower() does not skip was cased: the left half of the
  // final-sigma condition, kept up to date instead of looking back.
  bool after_cased = false;
  for (std::size_t i = 0; i < n;) {
    const unsigned char byte = s[i];
    if (byte < 0x80) {
      const std::uint8_t p = props(byte);
      if (!(p & kCaseIgnorable)) after_cased = p & kCased;
      if (p & kLowerDiffers) {
        const char32_t lowered = byte + ('a' - 'A');
        emit(lowered, props(lowered));
      } else {
        emit(static_cast<char32_t>(byte), p);
      }
      ++i;
      continue;
    }
    const Decoded d = decode(s, n, i);
    const std::uint8_t p = props(d.code_point);
    if (!(p & kLowerDiffers)) {
      emit(d.code_point, p);
    } else if (d.code_point == kCapitalSigma) {
      // Final when a cased letter precedes and none follows (case-ignorables skipped).
      bool final = after_cased;
      for (std::size_t j = i + d.length; final && j < n;) {
        const Decoded next = decode(s, n, j);
        const std::uint8_t q = props(next.code_point);
        if (!(q & kCaseIgnorable)) {
          final = !(q & kCased);
          break;
        }
        j += next.length;
      }
      const char32_t lowered = final ? kFinalSigma : kSmallSigma;
      emit(lowered, props(lowered));
    } else {
      const std::string_view mapped = lower_mapping(d.code_point);
      const auto* m = reinterpret_cast<const unsigned char*>(mapped.data());
      for (std::size_t k = 0; k < mapped.size();) {
        const Decoded out = decode(m, mapped.size(), k);
        emit(out.code_point, props(out.code_point));
        k += out.length;
      }
    }
    if (!(p & kCaseIgnorable)) after_cased = p & kCased;
    i += d.length;
  }
}

// Calls on_token(std::string_view) for every match of (?u)\b\w\w+\b in text.lower() (or in
// text itself without lowercase), i.e. every maximal run of at least two word characters.
// A token is a view into text, or into scratch when lower-cased; it is valid until
// on_token returns.
template <class OnToken>
void for_each_token(std::string_view text, bool lowercase, std::string& scratch,
                    OnToken&& on_token) {
  using namespace unicode;
  if (lowercase) {
    scratch.clear();
    std::size_t length = 0;  // code points in the current run
    for_each_lowered(text, [&](char32_t c, std::uint8_t p) {
      if (p & kWord) {
        append_utf8(scratch, c);
        ++length;
        return;
      }
      if (length >= 2) on_token(std::string_view(scratch));
      scratch.clear();
      length = 0;
    });
    if (length >= 2) on_token(std::string_view(scratch));
    return;
  }
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const PropertyTable& props = properties();
  std::size_t start = 0;
  std::size_t length = 0;
  for (std::size_t i = 0; i < n;) {
    const Decoded d = s[i] < 0x80 ? Decoded{s[i], 1, true} : decode(s, n, i);
    if (props(d.code_point) & kWord) {
      if (length++ == 0) start = i;
    } else {
      if (length >= 2) on_token(text.substr(start, i - start));
      length = 0;
    }
    i += d.length;
  }
  if (length >= 2) on_token(text.substr(start));
}

}  // namespace nmfkit::text::detail
