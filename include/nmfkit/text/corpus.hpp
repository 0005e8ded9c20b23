#pragma once
// Reading a corpus of documents: a folder tree or a tar archive with one document per file
// and one folder per label (the 20 newsgroups layout), or a text file with one document per
// line (plain, or TSV with a label column).

#include <string>
#include <vector>

namespace nmfkit::text {

enum class Encoding {
  Auto,    // Latin-1 for the 20 newsgroups layout (as scikit-learn's loader), else UTF-8
           // with a per-document Latin-1 fallback
  Utf8,    // UTF-8; invalid sequences become U+FFFD, never an error
  Latin1,  // every byte is one character
};

enum class Subset { Train, Test, All };

// Which part of an e-mail or newsgroup post becomes the document: the two parts are two
// modalities of the same posts (see multimodal/).
enum class PostPart {
  Whole,    // the post as it is
  Subject,  // the value of its "Subject:" header line, without "Re:" prefixes
  Body,     // everything after the header block (scikit-learn's header stripping)
};

struct CorpusOptions {
  Encoding encoding = Encoding::Auto;  // how bytes become text
  // The 20 newsgroups layout: a top folder holding "<name>-train" and "<name>-test", each
  // with one folder per group. Other folder trees ignore these three.
  Subset subset = Subset::Train;        // which part of a train/test layout
  std::vector<std::string> categories;  // labels to keep; empty keeps all; unknown ones are errors
  bool sklearn_order = true;  // fetch_20newsgroups' document order (its two seeded shuffles);
                              // false: sorted by label, then by file name
  // scikit-learn's strip_newsgroup_header / _footer / _quoting.
  bool remove_headers = false;
  bool remove_footers = false;
  bool remove_quotes = false;
  PostPart part = PostPart::Whole;  // applied before the remove_* rules
  // Line-based files: in a .tsv, the 0-based column holding the label (the text is the
  // rest of the line); -1 for no label column.
  int label_column = 0;

  void validate() const;  // throws InvalidArgument
};

struct Corpus {
  std::vector<std::string> documents;    // UTF-8 text
  std::vector<std::string> names;        // path inside the corpus, or "line N"
  std::vector<int> labels;               // index into label_names per document; empty if unlabelled
  std::vector<std::string> label_names;  // sorted
};

// Reads a folder, a .tar/.tar.gz/.tgz/.tar.bz2/.tar.xz archive (read directly, never
// unpacked), a .txt (one document per line) or a .tsv (label column + text per line).
// Throws IoError (unreadable), FormatError (corrupt archive, malformed line) or
// InvalidArgument (empty corpus, unknown category, bad options).
Corpus read_corpus(const std::string& path, const CorpusOptions& options = {});

// scikit-learn's rules for removing parts of a newsgroup post.
std::string strip_newsgroup_header(const std::string& text);
std::string strip_newsgroup_footer(const std::string& text);
std::string strip_newsgroup_quoting(const std::string& text);
// The subject of a post: its first "Subject:" line in the header block (the text before
// the first blank line), "Re:" prefixes removed; empty when it has none.
std::string newsgroup_subject(const std::string& text);

}  // namespace nmfkit::text
