#pragma once
// Internal to the corpus readers: the readers behind read_corpus and what they share.

#include <string>
#include <string_view>
#include <vector>

#include "document_tree.hpp"
#include "nmfkit/text/corpus.hpp"

namespace nmfkit::text::detail {

// Which files of a tree are the corpus's documents, in its order, with their labels (-1
// for none) and the encoding their bytes are decoded with. Throws as read_tree_corpus.
struct TreePlan {
  std::vector<std::size_t> files;  // tree file of each document
  std::vector<int> labels;         // per document
  std::vector<std::string> label_names;
  Encoding encoding = Encoding::Auto;
};
TreePlan plan_tree_corpus(const DocumentTree& tree, const std::string& source,
                          std::string_view wrapper, const CorpusOptions& options);

// A folder tree or an archive: the 20 newsgroups layout or one folder per label. Files
// under `wrapper`/ are read as if it were the root when every file lies there (an archive
// "news.tar.gz" made from a folder "news/"); "" for none.
Corpus read_tree_corpus(DocumentTree tree, const std::string& source, std::string_view wrapper,
                        const CorpusOptions& options);

// One document per line; `tsv` takes the label from options.label_column.
Corpus read_line_corpus(const std::string& path, bool tsv, const CorpusOptions& options);

// The labels kept by options.categories among `known` (sorted, unique): new_index[i] is
// known[i]'s index among the kept names, or -1. Throws InvalidArgument for a category
// that is not known, listing the known ones.
struct CategorySelection {
  std::vector<int> new_index;
  std::vector<std::string> names;
};
CategorySelection select_categories(const std::vector<std::string>& known,
                                    const CorpusOptions& options, const std::string& source);

// prepared_text applies the part and remove_* options to decoded text in scikit-learn's
// order (headers, footers, quotes); add_document appends the prepared text to the corpus,
// with its label unless `label` is negative.
std::string prepared_text(std::string text, const CorpusOptions& options);
void add_document(Corpus& corpus, std::string name, std::string text, int label,
                  const CorpusOptions& options);

}  // namespace nmfkit::text::detail
