#include "nmfkit/text/corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string_view>

#include "archive_reader.hpp"
#include "corpus_readers.hpp"
#include "document_tree.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::text {

namespace {

bool has_extension(const std::string& path, std::string_view extension) {
  if (path.size() <= extension.size()) return false;
  return std::equal(extension.rbegin(), extension.rend(), path.rbegin(), [](char a, char b) {
    return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
  });
}

}  // namespace

void CorpusOptions::validate() const {
  if (encoding != Encoding::Auto && encoding != Encoding::Utf8 && encoding != Encoding::Latin1) {
    throw InvalidArgument("encoding = " + std::to_string(static_cast<int>(encoding)) +
                          ": expected Auto, Utf8 or Latin1");
  }
  if (subset != Subset::Train && subset != Subset::Test && subset != Subset::All) {
    throw InvalidArgument("subset = " + std::to_string(static_cast<int>(subset)) +
                          ": expected Train, Test or All");
  }
  if (part != PostPart::Whole && part != PostPart::Subject && part != PostPart::Body) {
    throw InvalidArgument("part = " + std::to_string(static_cast<int>(part)) +
                          ": expected Whole, Subject or Body");
  }
  for (const auto& category : categories) {
    if (category.empty()) throw InvalidArgument("categories: a category name is empty");
  }
  if (label_column < -1) {
    throw InvalidArgument("label_column = " + std::to_string(label_column) +
                          ": expected -1 (no label column) or a column index >= 0");
  }
}

Corpus read_corpus(const std::string& path, const CorpusOptions& options) {
  options.validate();
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    throw IoError("cannot read corpus '" + path + "': no such file or folder");
  }
  if (ec) throw IoError("cannot read corpus '" + path + "': " + ec.message());
  if (status.type() == fs::file_type::directory) {
    return detail::read_tree_corpus(detail::DocumentTree::from_folder(path), path, "", options);
  }
  if (detail::is_archive_name(path)) {
    return detail::read_tree_corpus(detail::DocumentTree::from_archive(path), path,
                                    detail::archive_stem(path), options);
  }
  if (has_extension(path, ".txt")) return detail::read_line_corpus(path, false, options);
  if (has_extension(path, ".tsv")) return detail::read_line_corpus(path, true, options);
  throw InvalidArgument("cannot read '" + path +
                        "' as a corpus: expected a folder, a .tar, .tar.gz, .tgz, .tar.bz2 or "
                        ".tar.xz archive, a .txt or a .tsv file");
}

namespace detail {

CategorySelection select_categories(const std::vector<std::string>& known,
                                    const CorpusOptions& options, const std::string& source) {
  CategorySelection selection;
  if (options.categories.empty()) {
    selection.names = known;
    selection.new_index.resize(known.size());
    for (std::size_t i = 0; i < known.size(); ++i) selection.new_index[i] = static_cast<int>(i);
    return selection;
  }
  if (known.empty()) {
    throw InvalidArgument("categories were given but the corpus '" + source + "' has no labels");
  }
  for (const auto& category : options.categories) {
    if (std::binary_search(known.begin(), known.end(), category)) continue;
    std::string list;
    for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
    throw InvalidArgument("unknown category '" + category + "' in '" + source +
                          "'; the known categories are: " + list);
  }
  const std::set<std::string> wanted(options.categories.begin(), options.categories.end());
  selection.new_index.assign(known.size(), -1);
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (!wanted.contains(known[i])) continue;
    selection.new_index[i] = static_cast<int>(selection.names.size());
    selection.names.push_back(known[i]);
  }
  return selection;
}

std::string prepared_text(std::string text, const CorpusOptions& options) {
  if (options.part == PostPart::Subject) text = newsgroup_subject(text);
  if (options.part == PostPart::Body) text = strip_newsgroup_header(text);
  if (options.remove_headers && options.part == PostPart::Whole)
    text = strip_newsgroup_header(text);
  if (options.remove_footers) text = strip_newsgroup_footer(text);
  if (options.remove_quotes) text = strip_newsgroup_quoting(text);
  return text;
}

void add_document(Corpus& corpus, std::string name, std::string text, int label,
                  const CorpusOptions& options) {
  corpus.documents.push_back(prepared_text(std::move(text), options));
  corpus.names.push_back(std::move(name));
  if (label >= 0) corpus.labels.push_back(label);
}

}  // namespace detail

}  // namespace nmfkit::text
