#include "text_fields.hpp"

#include <cstdlib>

namespace nmfkit::io::detail {

namespace {
bool is_space_or_tab(char c) {
  return c == ' ' || c == '\t';
}
}  // namespace

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (!is_space_or_tab(c)) return false;
  }
  return true;
}

std::size_t split_whitespace(std::string_view line, std::string_view* fields,
                             std::size_t capacity) {
  std::size_t count = 0;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (true) {
    while (i < n && is_space_or_tab(line[i])) ++i;
    if (i == n) return count;
    const std::size_t start = i;
    while (i < n && !is_space_or_tab(line[i])) ++i;
    if (count < capacity) fields[count] = line.substr(start, i - start);
    ++count;
  }
}

void split_delimited(std::string_view line, char delimiter, std::vector<std::string_view>& fields) {
  fields.clear();
  const bool trim_tabs = delimiter != '\t';
  auto trim = [&](std::string_view field) {
    while (!field.empty() && (field.front() == ' ' || (trim_tabs && field.front() == '\t'))) {
      field.remove_prefix(1);
    }
    while (!field.empty() && (field.back() == ' ' || (trim_tabs && field.back() == '\t'))) {
      field.remove_suffix(1);
    }
    return field;
  };
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delimiter, start);
    if (end == std::string_view::npos) {
      fields.push_back(trim(line.substr(start)));
      return;
    }
    fields.push_back(trim(line.substr(start, end - start)));
    start = end + 1;
  }
}

bool parse_double(std::string_view text, double& value) {
  // from_chars rejects a leading '+' that C, Fortran and NumPy writers may emit.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') {
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ptr != end) return false;
  if (result.ec == std::errc()) return true;
  if (result.ec != std::errc::result_out_of_range) return false;
  // Rare: let strtod pick the overflow (+-inf) or underflow (0 or subnormal) value.
  const std::string copy(text);
  value = std::strtod(copy.c_str(), nullptr);
  return true;
}

bool parse_int64(std::string_view text, std::int64_t& value) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end;
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  std::string out = "'";
  const std::size_t shown = text.size() > kMaxShown ? kMaxShown : text.size();
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < text.size()) out += "...";
  out += "'";
  return out;
}

}  // namespace nmfkit::io::detail
