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

DocumentTree DocumentTree::list_archive(const std::string& path) {
  DocumentTree tree;
  tree.root_ = path;
  tree.listed_ = true;
  std::unordered_map<std::string, std::size_t> seen;
  std::size_t position = 0;
  visit_archive(
      path, [](const std::string&) { return false; },
      [&](ArchiveEntry&& member) {
        const std::size_t here = position++;
        if (!member.link_target.empty()) tree.link_targets_.push_back(member.link_target);
        std::string normalised = normalised_member_path(member.path);
        if (normalised.empty()) return;
        const auto [where, added] = seen.emplace(normalised, tree.paths_.size());
        if (!added) {
          tree.member_[where->second] = here;
          return;
        }
        tree.paths_.push_back(std::move(normalised));
        tree.member_.push_back(here);
      });
  return tree;
}

void DocumentTree::visit_contents(
    const std::vector<std::size_t>& files,
    const std::function<void(std::size_t, std::string&&)>& sink) const {
  if (!listed_) {
    for (const std::size_t i : files) {
      sink(i, in_memory_ ? std::string(contents_[i])
                         : read_whole_file((fs::path(root_) / paths_[i]).string()));
    }
    return;
  }
  // Which file each wanted member supplies; hard links stored without data take their
  // target's contents as read_archive gives them (the latest member stored under the
  // target's name before the link), so those targets are kept while the archive streams.
  std::unordered_map<std::size_t, std::size_t> file_of_member;
  for (const std::size_t i : files) file_of_member.emplace(member_[i], i);
  std::unordered_map<std::string, std::string> targets;  // name → contents, for the links
  for (const std::string& name : link_targets_) targets.emplace(name, std::string());
  std::size_t position = 0;
  visit_archive(
      root_,
      [&](const std::string& name) {
        return file_of_member.contains(position) || targets.contains(name);
      },
      [&](ArchiveEntry&& member) {
        const std::size_t here = position++;
        if (!member.link_target.empty()) {
          const auto target = targets.find(member.link_target);
          member.contents = target != targets.end() ? target->second : std::string();
        }
        if (const auto kept = targets.find(member.path); kept != targets.end()) {
          kept->second = member.contents;
        }
        if (const auto file = file_of_member.find(here); file != file_of_member.end()) {
          sink(file->second, std::move(member.contents));
        }
      });
}

std::string DocumentTree::take_contents(std::size_t i) {
  if (in_memory_) return std::move(contents_[i]);
  return read_whole_file((fs::path(root_) / paths_[i]).string());
}

}  // namespace nmfkit::text::detail
