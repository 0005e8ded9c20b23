#pragma once
// Internal to the corpus readers: the files of a folder tree or of a tar archive, named
// by their '/'-separated path below the root, with their contents read on demand.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace nmfkit::text::detail {

// A file's bytes; IoError naming it when it cannot be read.
std::string read_whole_file(const std::string& path);

class DocumentTree {
 public:
  // Regular files below `root` (symbolic links to files count, links to folders are not
  // followed). Hidden files and folders, whose names start with '.', are left out.
  static DocumentTree from_folder(const std::string& root);
  // Regular files of a tar archive, with the same rule for hidden names; "./" and
  // leading "/" in member names are dropped.
  static DocumentTree from_archive(const std::string& path);
  // The same files as from_archive, listed without their contents (for visit_contents).
  static DocumentTree list_archive(const std::string& path);

  std::size_t size() const { return paths_.size(); }
  const std::string& path(std::size_t i) const { return paths_[i]; }
  // The file's bytes; each file is taken at most once (archive contents are moved out).
  std::string take_contents(std::size_t i);
  // Calls sink(i, bytes) once for each file i in `files`, holding one file's bytes at a time:
  // a folder's files in the order given, a listed archive's in archive order (one pass).
  void visit_contents(const std::vector<std::size_t>& files,
                      const std::function<void(std::size_t, std::string&&)>& sink) const;

 private:
  std::string root_;
  bool in_memory_ = false;
  std::vector<std::string> paths_;
  std::vector<std::string> contents_;  // archives read whole only
  // Listed archives: for each file, the 0-based position among the archive's regular
  // files of the member that supplies it (the last one stored under its name).
  bool listed_ = false;
  std::vector<std::size_t> member_;
  std::vector<std::string> link_targets_;  // names that hard links stored without data point to
};

}  // namespace nmfkit::text::detail
