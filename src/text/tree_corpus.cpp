// Folder trees and tar archives: the 20 newsgroups layout, read in the order
// fetch_20newsgroups gives, and plain trees with one folder per label.

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>

#include "corpus_readers.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "text_decoding.hpp"

namespace nmfkit::text::detail {

namespace {

// load_files' default random_state and fetch_20newsgroups' default random_state.
constexpr std::uint32_t kLoadFilesSeed = 0;
constexpr std::uint32_t kFetchSeed = 42;

// A file of the tree: its label folder (or part and group folders) and the path below it.
struct TreeFile {
  std::size_t file = 0;
  int part = 0;  // 0 train, 1 test; 0 outside the newsgroups layout
  std::string_view label;
  std::string_view rest;
  int label_index = -1;
};

// Splits "a/b/c" into "a" and "b/c"; false when there is no '/'.
bool split_first(std::string_view path, std::string_view& first, std::string_view& rest) {
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return false;
  first = path.substr(0, slash);
  rest = path.substr(slash + 1);
  return true;
}

// new[i] = old[order[i]], as NumPy's fancy indexing.
template <class T>
std::vector<T> reordered(const std::vector<T>& items, const std::vector<Index>& order) {
  std::vector<T> out;
  out.reserve(items.size());
  for (const Index i : order) out.push_back(items[static_cast<std::size_t>(i)]);
  return out;
}

std::vector<std::string> sorted_label_names(const std::vector<TreeFile>& files) {
  std::set<std::string_view> names;
  for (const auto& f : files) names.insert(f.label);
  return {names.begin(), names.end()};
}

// Keeps the files of the selected labels, in their order, with their new label index.
std::vector<TreeFile> keep_categories(const std::vector<TreeFile>& files,
                                      const std::vector<std::string>& known,
                                      const CategorySelection& selection) {
  std::vector<TreeFile> kept;
  kept.reserve(files.size());
  for (const auto& f : files) {
    const auto position = std::lower_bound(known.begin(), known.end(), f.label) - known.begin();
    const int label = selection.new_index[static_cast<std::size_t>(position)];
    if (label < 0) continue;
    kept.push_back(f);
    kept.back().label_index = label;
  }
  return kept;
}

bool by_label_then_path(const TreeFile& a, const TreeFile& b) {
  return std::tie(a.label, a.rest) < std::tie(b.label, b.rest);
}

// The "<name>-train" and "<name>-test" folders when they are the only top-level folders.
bool newsgroups_parts(const std::set<std::string_view>& top_folders, std::string& train,
                      std::string& test) {
  if (top_folders.size() != 2) return false;
  const std::string_view first = *top_folders.begin();  // "-test" sorts before "-train"
  const std::string_view second = *top_folders.rbegin();
  if (!first.ends_with("-test") || !second.ends_with("-train")) return false;
  if (first.substr(0, first.size() - 5) != second.substr(0, second.size() - 6)) return false;
  train = second;
  test = first;
  return true;
}

// fetch_20newsgroups: load_files sorts each part by group and file name and shuffles it
// with its own seed; subset "all" puts train before test; categories filter that order;
// a last shuffle with random_state=42 gives the final order.
std::vector<TreeFile> newsgroups_order(std::vector<TreeFile> files, const CorpusOptions& options,
                                       const std::vector<std::string>& known,
                                       const CategorySelection& selection) {
  std::vector<TreeFile> loaded;
  for (int part = 0; part < 2; ++part) {
    std::vector<TreeFile> in_part;
    for (const auto& f : files) {
      if (f.part == part) in_part.push_back(f);
    }
    std::sort(in_part.begin(), in_part.end(), by_label_then_path);
    if (options.sklearn_order) {
      in_part = reordered(in_part, RandomState(kLoadFilesSeed).permutation(
                                       static_cast<Index>(in_part.size())));
    }
    loaded.insert(loaded.end(), in_part.begin(), in_part.end());
  }
  std::vector<TreeFile> kept = keep_categories(loaded, known, selection);
  if (options.sklearn_order) {
    return reordered(kept, RandomState(kFetchSeed).permutation(static_cast<Index>(kept.size())));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const TreeFile& a, const TreeFile& b) {
    return std::tie(a.label_index, a.part, a.rest) < std::tie(b.label_index, b.part, b.rest);
  });
  return kept;
}

}  // namespace

TreePlan plan_tree_corpus(const DocumentTree& tree, const std::string& source,
                          std::string_view wrapper, const CorpusOptions& options) {
  // Paths below the root, with the wrapper folder taken off when everything is inside it.
  std::vector<std::string_view> relative(tree.size());
  for (std::size_t i = 0; i < tree.size(); ++i) relative[i] = tree.path(i);
  if (!wrapper.empty() && !relative.empty()) {
    const bool all_inside = std::all_of(relative.begin(), relative.end(), [&](std::string_view p) {
      return p.size() > wrapper.size() + 1 && p.starts_with(wrapper) && p[wrapper.size()] == '/';
    });
    if (all_inside) {
      for (auto& p : relative) p.remove_prefix(wrapper.size() + 1);
    }
  }

  std::set<std::string_view> top_folders;
  for (const auto p : relative) {
    std::string_view top;
    std::string_view rest;
    if (split_first(p, top, rest)) top_folders.insert(top);
  }

  std::vector<TreeFile> files;
  std::string train_name;
  std::string test_name;
  const bool newsgroups = newsgroups_parts(top_folders, train_name, test_name);
  if (newsgroups) {
    // Files directly in a part folder belong to no group; load_files skips them too.
    for (std::size_t i = 0; i < relative.size(); ++i) {
      TreeFile f;
      f.file = i;
      std::string_view part;
      std::string_view below;
      if (!split_first(relative[i], part, below) || !split_first(below, f.label, f.rest)) continue;
      f.part = part == train_name ? 0 : 1;
      const bool wanted = options.subset == Subset::All ||
                          (options.subset == Subset::Train) == (f.part == 0);
      if (wanted) files.push_back(f);
    }
  } else if (!top_folders.empty()) {
    // One folder per label; files beside the label folders are not documents.
    for (std::size_t i = 0; i < relative.size(); ++i) {
      TreeFile f;
      f.file = i;
      if (split_first(relative[i], f.label, f.rest)) files.push_back(f);
    }
  } else {
    // A flat folder: unlabelled documents.
    for (std::size_t i = 0; i < relative.size(); ++i) {
      TreeFile f;
      f.file = i;
      f.rest = relative[i];
      files.push_back(f);
    }
  }
  if (files.empty()) {
    const std::string part = !newsgroups               ? ""
                             : options.subset == Subset::Test ? " in its test part"
                             : options.subset == Subset::Train ? " in its train part"
                                                              : "";
    throw InvalidArgument("the corpus '" + source + "' holds no documents" + part +
                          " (expected one folder per label with one file per document)");
  }

  const bool labelled = !top_folders.empty();
  const std::vector<std::string> known =
      labelled ? sorted_label_names(files) : std::vector<std::string>{};
  const CategorySelection selection = select_categories(known, options, source);
  std::vector<TreeFile> ordered;
  if (newsgroups) {
    ordered = newsgroups_order(std::move(files), options, known, selection);
  } else {
    std::sort(files.begin(), files.end(), by_label_then_path);
    ordered = labelled ? keep_categories(files, known, selection) : files;
  }

  TreePlan plan;
  // The newsgroups posts are Latin-1, which is how scikit-learn decodes them.
  plan.encoding =
      newsgroups && options.encoding == Encoding::Auto ? Encoding::Latin1 : options.encoding;
  plan.label_names = selection.names;
  plan.files.reserve(ordered.size());
  plan.labels.reserve(ordered.size());
  for (const auto& f : ordered) {
    plan.files.push_back(f.file);
    plan.labels.push_back(f.label_index);
  }
  return plan;
}

Corpus read_tree_corpus(DocumentTree tree, const std::string& source, std::string_view wrapper,
                        const CorpusOptions& options) {
  const TreePlan plan = plan_tree_corpus(tree, source, wrapper, options);
  Corpus corpus;
  corpus.label_names = plan.label_names;
  corpus.documents.reserve(plan.files.size());
  corpus.names.reserve(plan.files.size());
  for (std::size_t d = 0; d < plan.files.size(); ++d) {
    const std::string bytes = tree.take_contents(plan.files[d]);
    add_document(corpus, tree.path(plan.files[d]), decode_document(bytes, plan.encoding),
                 plan.labels[d], options);
  }
  return corpus;
}

}  // namespace nmfkit::text::detail
