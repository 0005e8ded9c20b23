#pragma once
// A corpus read one document at a time (out-of-core topic models): the documents of a
// folder tree or a tar archive, as read_corpus gives them, handed to a callback so that
// memory holds one document rather than the corpus. Only the names and labels of the
// documents are kept. An archive is listed once (its members' names, without their data)
// and streamed again on every pass.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/text/corpus.hpp"

namespace nmfkit::text {

// True for a folder or a .tar/.tar.gz/.tgz/.tar.bz2/.tar.xz name: what CorpusStream reads.
bool is_streamable_corpus(const std::string& path);

class CorpusStream {
 public:
  // Lists the corpus: which documents it has, in read_corpus's order. Throws as
  // read_corpus (IoError, FormatError for a corrupt archive, InvalidArgument for an empty
  // corpus or an unknown category), and InvalidArgument for a path that is not a folder or
  // an archive (a .txt or .tsv corpus is read whole by read_corpus).
  explicit CorpusStream(const std::string& path, const CorpusOptions& options = {});
  ~CorpusStream();
  CorpusStream(CorpusStream&&) noexcept;
  CorpusStream& operator=(CorpusStream&&) noexcept;

  Index size() const;                                 // documents
  const std::vector<std::string>& names() const;      // as Corpus::names
  const std::vector<int>& labels() const;             // as Corpus::labels (empty if unlabelled)
  const std::vector<std::string>& label_names() const;

  // Reads every document once and calls sink(d, text) with its index d in the order above
  // and its text exactly as read_corpus's documents[d]. A folder's documents come in that
  // order; an archive's in the order of its members (one pass over the archive).
  void for_each(const std::function<void(Index, std::string&&)>& sink) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nmfkit::text
