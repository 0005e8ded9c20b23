#include "nmfkit/text/corpus_stream.hpp"

#include <filesystem>

#include "archive_reader.hpp"
#include "corpus_readers.hpp"
#include "document_tree.hpp"
#include "nmfkit/core/error.hpp"
#include "text_decoding.hpp"

namespace nmfkit::text {

namespace fs = std::filesystem;

struct CorpusStream::State {
  CorpusOptions options;
  detail::DocumentTree tree;
  detail::TreePlan plan;
  std::vector<std::string> names;
  std::vector<int> labels;
};

bool is_streamable_corpus(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) || detail::is_archive_name(path);
}

CorpusStream::CorpusStream(const std::string& path, const CorpusOptions& options)
    : state_(std::make_unique<State>()) {
  options.validate();
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    throw IoError("cannot read corpus '" + path + "': no such file or folder");
  }
  if (ec) throw IoError("cannot read corpus '" + path + "': " + ec.message());
  State& s = *state_;
  s.options = options;
  std::string wrapper;
  if (status.type() == fs::file_type::directory) {
    s.tree = detail::DocumentTree::from_folder(path);
  } else if (detail::is_archive_name(path)) {
    s.tree = detail::DocumentTree::list_archive(path);
    wrapper = detail::archive_stem(path);
  } else {
    throw InvalidArgument("cannot stream '" + path +
                          "' as a corpus: expected a folder or a .tar, .tar.gz, .tgz, .tar.bz2 "
                          "or .tar.xz archive");
  }
  s.plan = detail::plan_tree_corpus(s.tree, path, wrapper, options);
  s.names.reserve(s.plan.files.size());
  for (const std::size_t file : s.plan.files) s.names.push_back(s.tree.path(file));
  for (const int label : s.plan.labels) {
    if (label >= 0) s.labels.push_back(label);  // as read_corpus: none for unlabelled trees
  }
}

CorpusStream::~CorpusStream() = default;
CorpusStream::CorpusStream(CorpusStream&&) noexcept = default;
CorpusStream& CorpusStream::operator=(CorpusStream&&) noexcept = default;

Index CorpusStream::size() const { return static_cast<Index>(state_->plan.files.size()); }
const std::vector<std::string>& CorpusStream::names() const { return state_->names; }
const std::vector<int>& CorpusStream::labels() const { return state_->labels; }
const std::vector<std::string>& CorpusStream::label_names() const {
  return state_->plan.label_names;
}

void CorpusStream::for_each(const std::function<void(Index, std::string&&)>& sink) const {
  const State& s = *state_;
  // Several documents may share a file only through duplicates, which the plan never has:
  // each tree file is at most one document.
  std::vector<Index> document_of(s.tree.size(), -1);
  for (std::size_t d = 0; d < s.plan.files.size(); ++d) {
    document_of[s.plan.files[d]] = static_cast<Index>(d);
  }
  s.tree.visit_contents(s.plan.files, [&](std::size_t file, std::string&& bytes) {
    const Index d = document_of[file];
    sink(d, detail::prepared_text(detail::decode_document(bytes, s.plan.encoding), s.options));
  });
}

}  // namespace nmfkit::text
