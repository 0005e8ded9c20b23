#include "text_decoding.hpp"

#include <cstdint>
#include <cstring>

#include "unicode.hpp"

namespace nmfkit::text::detail {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Index of the first byte at or after `from` that is not ASCII, eight bytes at a time.
std::size_t skip_ascii(std::string_view text, std::size_t from) {
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

std::string from_latin1(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t ascii_end = skip_ascii(bytes, done);
    out.append(bytes.data() + done, ascii_end - done);
    if (ascii_end == bytes.size()) break;
    const auto byte = static_cast<unsigned char>(bytes[ascii_end]);
    out.push_back(static_cast<char>(0xC0 | (byte >> 6)));
    out.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    done = ascii_end + 1;
  }
  return out;
}

std::string from_utf8_replacing(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t done = 0;
  std::size_t i = 0;
  while (true) {
    i = skip_ascii(bytes, i);
    if (i == bytes.size()) break;
    // One U+FFFD per maximal subpart, as Python's bytes.decode("utf-8", "replace").
    const unicode::Decoded d = unicode::decode(bytes_of(bytes), bytes.size(), i);
    if (!d.valid) {
      out.append(bytes.data() + done, i - done);
      out.append(kReplacement);
      done = i + d.length;
    }
    i += d.length;
  }
  out.append(bytes.data() + done, bytes.size() - done);
  return out;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (true) {
    i = skip_ascii(bytes, i);
    if (i == bytes.size()) return true;
    const unicode::Decoded d = unicode::decode(bytes_of(bytes), bytes.size(), i);
    if (!d.valid) return false;
    i += d.length;
  }
}

std::string decode_document(std::string_view bytes, Encoding encoding) {
  const bool has_bom = bytes.starts_with(kByteOrderMark);
  switch (encoding) {
    case Encoding::Latin1:
      return from_latin1(bytes);
    case Encoding::Utf8:
      if (has_bom) bytes.remove_prefix(kByteOrderMark.size());
      return from_utf8_replacing(bytes);
    case Encoding::Auto:
      break;
  }
  // A BOM says UTF-8 even when a stray byte later on is not.
  if (has_bom) return from_utf8_replacing(bytes.substr(kByteOrderMark.size()));
  if (is_valid_utf8(bytes)) return std::string(bytes);
  return from_latin1(bytes);
}

CodePoint next_code_point(std::string_view bytes) {
  const unicode::Decoded d = unicode::decode(bytes_of(bytes), bytes.size(), 0);
  if (!d.valid) return {kNotACodePoint, 1};
  return {d.code_point, d.length};
}

CodePoint previous_code_point(std::string_view bytes) {
  const std::size_t n = bytes.size();
  const auto* p = bytes_of(bytes);
  // Walk back over at most three continuation bytes to the lead byte.
  for (std::size_t back = 1; back <= 4 && back <= n; ++back) {
    const std::size_t start = n - back;
    if ((p[start] & 0xC0U) == 0x80U) continue;
    const unicode::Decoded d = unicode::decode(p + start, back, 0);
    if (d.valid && d.length == back) return {d.code_point, back};
    break;
  }
  return {kNotACodePoint, 1};
}

bool is_python_space(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string_view python_strip(std::string_view text) {
  while (!text.empty()) {
    const CodePoint first = next_code_point(text);
    if (!is_python_space(first.value)) break;
    text.remove_prefix(first.length);
  }
  while (!text.empty()) {
    const CodePoint last = previous_code_point(text);
    if (!is_python_space(last.value)) break;
    text.remove_suffix(last.length);
  }
  return text;
}

}  // namespace nmfkit::text::detail
