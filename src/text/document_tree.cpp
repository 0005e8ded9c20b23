#include "document_tree.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "archive_reader.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::text::detail {

namespace fs = std::filesystem;

namespace {

bool is_hidden(std::string_view name) {
  return name.starts_with('.');
}

// "./a//b" → "a/b"; empty when a component is hidden (".." included) or nothing is left.
std::string normalised_member_path(std::string_view raw) {
  std::string out;
  while (!raw.empty()) {
    const auto slash = raw.find('/');
    const std::string_view component = raw.substr(0, slash);
    raw = slash == std::string_view::npos ? std::string_view() : raw.substr(slash + 1);
    if (component.empty() || component == ".") continue;
    if (is_hidden(component)) return {};
    if (!out.empty()) out.push_back('/');
    out.append(component);
  }
  return out;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

std::string read_whole_file(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
  std::string contents;
  std::error_code ignored;
  const auto size = fs::file_size(path, ignored);
  if (!ignored) contents.reserve(static_cast<std::size_t>(size));
  char block[1 << 16];
  while (true) {
    const std::size_t got = std::fread(block, 1, sizeof block, file.get());
    contents.append(block, got);
    if (got < sizeof block) break;
  }
  if (std::ferror(file.get())) {
    throw IoError("cannot read '" + path + "': " + std::strerror(errno));
  }
  return contents;
}

DocumentTree DocumentTree::from_folder(const std::string& root) {
  DocumentTree tree;
  tree.root_ = root;
  const fs::path root_path(root);
  std::error_code ec;
  fs::recursive_directory_iterator it(root_path, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (is_hidden(entry.path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code type_error;
    if (!entry.is_regular_file(type_error)) continue;  // folders, broken links, devices
    tree.paths_.push_back(entry.path().lexically_relative(root_path).generic_string());
  }
  if (ec) throw IoError("cannot list folder '" + root + "': " + ec.message());
  return tree;
}

DocumentTree DocumentTree::from_archive(const std::string& path) {
  DocumentTree tree;
  tree.root_ = path;
  tree.in_memory_ = true;
  // A member stored twice (appended to the archive later) is its last version, as tar
  // extracts it.
  std::unordered_map<std::string, std::size_t> seen;
  for (auto& member : read_archive(path)) {
    std::string normalised = normalised_member_path(member.path);
    if (normalised.empty()) continue;
    const auto [where, added] = seen.emplace(normalised, tree.paths_.size());
    if (!added) {
      tree.contents_[where->second] = std::move(member.contents);
      continue;
    }
    tree.paths_.push_back(std::move(normalised));
    tree.contents_.push_back(std::move(member.contents));
  }
  return tree;
}

std::string DocumentTree::take_contents(std::size_t i) {
  if (in_memory_) return std::move(contents_[i]);
  return read_whole_file((fs::path(root_) / paths_[i]).string());
}

}  // namespace nmfkit::text::detail
