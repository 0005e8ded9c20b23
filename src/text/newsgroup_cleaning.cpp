// scikit-learn's strip_newsgroup_header / _footer / _quoting (sklearn/datasets/
// _twenty_newsgroups.py), reproduced on UTF-8 text with Python's string semantics.

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "nmfkit/text/corpus.hpp"
#include "text_decoding.hpp"

namespace nmfkit::text {

namespace {

// _QUOTE_RE is searched in each line without re.MULTILINE, so "^" anchors at the start
// of the line and the other alternatives match anywhere in it.
constexpr std::array<std::string_view, 5> kQuoteMarkersAnywhere = {
    "writes in", "writes:", "wrote:", "says:", "said:"};
constexpr std::array<std::string_view, 4> kQuoteMarkersAtStart = {"In article", "Quoted from", "|",
                                                                  ">"};

bool is_quoting_line(std::string_view line) {
  for (const auto marker : kQuoteMarkersAtStart) {
    if (line.starts_with(marker)) return true;
  }
  for (const auto marker : kQuoteMarkersAnywhere) {
    if (line.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// line.strip().strip("-") == "": nothing but whitespace around a run of hyphens.
bool is_separator_line(std::string_view line) {
  return detail::python_strip(line).find_first_not_of('-') == std::string_view::npos;
}

}  // namespace

std::string strip_newsgroup_header(const std::string& text) {
  // text.partition("\n\n")[2]: everything after the first blank line, or nothing.
  const auto blank = text.find("\n\n");
  if (blank == std::string::npos) return {};
  return text.substr(blank + 2);
}

std::string strip_newsgroup_footer(const std::string& text) {
  const std::string_view stripped = detail::python_strip(text);
  // Walk the lines of the stripped text from the last one up to the second; the first
  // line never counts, and reaching it (or finding the separator there) keeps the text.
  std::size_t line_end = stripped.size();
  while (true) {
    const auto newline =
        line_end == 0 ? std::string_view::npos : stripped.rfind('\n', line_end - 1);
    if (newline == std::string_view::npos) return text;
    const std::string_view line = stripped.substr(newline + 1, line_end - newline - 1);
    if (is_separator_line(line)) return std::string(stripped.substr(0, newline));
    line_end = newline;
  }
}

std::string strip_newsgroup_quoting(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool first = true;
  std::size_t start = 0;
  while (true) {
    const auto newline = text.find('\n', start);
    const std::size_t end = newline == std::string::npos ? text.size() : newline;
    const std::string_view line(text.data() + start, end - start);
    if (!is_quoting_line(line)) {
      if (!first) out.push_back('\n');
      out.append(line);
      first = false;
    }
    if (newline == std::string::npos) break;
    start = newline + 1;
  }
  return out;
}

namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string newsgroup_subject(const std::string& text) {
  const std::string_view header = std::string_view(text).substr(0, text.find("\n\n"));
  std::size_t start = 0;
  while (start <= header.size()) {
    const auto end = std::min(header.find('\n', start), header.size());
    std::string_view line = header.substr(start, end - start);
    if (starts_with_ignoring_case(line, "subject:")) {
      line = detail::python_strip(line.substr(8));
      // Replies repeat the subject behind "Re:" (sometimes several).
      while (starts_with_ignoring_case(line, "re:")) line = detail::python_strip(line.substr(3));
      return std::string(line);
    }
    start = end + 1;
  }
  return {};
}

}  // namespace nmfkit::text
