// Text files with one document per line: .txt (unlabelled) and .tsv (a label column).

#include <algorithm>
#include <set>

#include "corpus_readers.hpp"
#include "nmfkit/core/error.hpp"
#include "text_decoding.hpp"

namespace nmfkit::text::detail {

namespace {

struct Line {
  std::int64_t number = 0;
  std::string text;
  std::string label;
};

// Splits a decoded TSV line into its label and the other fields joined by tabs.
void split_label(const std::string& path, int label_column, Line& line) {
  std::vector<std::string_view> fields;
  std::string_view rest = line.text;
  while (true) {
    const auto tab = rest.find('\t');
    fields.push_back(rest.substr(0, tab));
    if (tab == std::string_view::npos) break;
    rest.remove_prefix(tab + 1);
  }
  const auto column = static_cast<std::size_t>(label_column);
  // The label column and at least one column of text.
  const std::size_t needed = std::max<std::size_t>(2, column + 1);
  if (fields.size() < needed) {
    throw FormatError::at_line(path, line.number,
                               "expected at least " + std::to_string(needed) +
                                   " tab-separated columns (the label in column " +
                                   std::to_string(label_column) + ", counting from 0), found " +
                                   std::to_string(fields.size()));
  }
  if (fields[column].empty()) {
    throw FormatError::at_line(path, line.number,
                               "empty label in column " + std::to_string(label_column));
  }
  // The other columns joined by tabs, empty ones included.
  std::string text;
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i == column) continue;
    if (!first) text.push_back('\t');
    text.append(fields[i]);
    first = false;
  }
  line.label = std::string(fields[column]);
  line.text = std::move(text);
}

}  // namespace

Corpus read_line_corpus(const std::string& path, bool tsv, const CorpusOptions& options) {
  const std::string bytes = read_whole_file(path);
  std::string_view content = bytes;
  Encoding encoding = options.encoding;
  if (encoding != Encoding::Latin1 && content.starts_with("\xEF\xBB\xBF")) {
    content.remove_prefix(3);
    // The mark speaks for the whole file, not only for its first line.
    encoding = Encoding::Utf8;
  }
  if (content.empty()) {
    throw InvalidArgument("the corpus '" + path + "' is empty: no documents");
  }
  const bool labelled = tsv && options.label_column >= 0;

  std::vector<Line> lines;
  std::size_t start = 0;
  while (start < content.size()) {
    const auto newline = content.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? content.size() : newline;
    std::string_view raw = content.substr(start, end - start);
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    Line line;
    line.number = static_cast<std::int64_t>(lines.size()) + 1;
    line.text = decode_document(raw, encoding);
    if (labelled) split_label(path, options.label_column, line);
    lines.push_back(std::move(line));
    start = end + 1;
  }

  std::vector<std::string> known;
  if (labelled) {
    std::set<std::string> names;
    for (const auto& line : lines) names.insert(line.label);
    known.assign(names.begin(), names.end());
  }
  const CategorySelection selection = select_categories(known, options, path);
  Corpus corpus;
  corpus.label_names = selection.names;
  for (auto& line : lines) {
    int label = -1;
    if (labelled) {
      const auto position =
          std::lower_bound(known.begin(), known.end(), line.label) - known.begin();
      label = selection.new_index[static_cast<std::size_t>(position)];
      if (label < 0) continue;
    }
    add_document(corpus, "line " + std::to_string(line.number), std::move(line.text), label,
                 options);
  }
  return corpus;
}

}  // namespace nmfkit::text::detail
