#pragma once
// Internal to the readers and writers: splitting text lines into fields, parsing numbers
// exactly and fast (std::from_chars), formatting them so they read back bit for bit, and
// quoting a bad field for an error message.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nmfkit::io::detail {

// True for a line of nothing but spaces and tabs.
bool is_blank(std::string_view line);

// Splits on runs of spaces and tabs. Stores at most `fields.size()` fields and returns how
// many there are in total, so a caller can report "expected 3 fields, found 5".
std::size_t split_whitespace(std::string_view line, std::string_view* fields, std::size_t capacity);

// Splits on `delimiter`, trimming spaces (and tabs, unless tab is the delimiter) around
// each field.
void split_delimited(std::string_view line, char delimiter, std::vector<std::string_view>& fields);

// The whole of `text` as a number; false when it is not one. Accepts a leading '+',
// "nan" and "inf"/"infinity" in any case; values beyond the range of double become
// +-inf and tiny ones 0, as strtod does.
bool parse_double(std::string_view text, double& value);

// The whole of `text` as a decimal integer (optional leading '+').
bool parse_int64(std::string_view text, std::int64_t& value);

// `text` in single quotes, shortened and with control bytes escaped, for error messages.
std::string quote(std::string_view text);

// The shortest decimal that reads back as exactly `value` (std::to_chars), appended to out.
template <class T>
void append_number(std::string& out, T value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace nmfkit::io::detail
