#pragma once
// Results are never half-written: files are written under a temporary name in the
// target's directory and renamed into place only once complete.

#include <filesystem>
#include <optional>

#include "nmfkit/io/directory_lock.hpp"

namespace nmfkit::io {

// One output file. Write to temp_path(), then commit(); if commit() is never
// reached (an exception), the destructor removes the temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();  // renames the temporary file onto the target (atomic on POSIX)

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// An output directory of several files. Files are written inside a hidden staging
// directory next to the target; commit() renames the staging directory to the target
// when the target does not exist, and otherwise moves each file in by rename.
// Without commit() (an exception), the staging directory is removed.
// A writer holds the target's DirectoryLock from construction to destruction; a second
// one throws IoError saying another run is writing there.
class StagedDirectory {
 public:
  explicit StagedDirectory(std::filesystem::path target);
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;
  virtual ~StagedDirectory();

  // Where to write the file `name` before commit().
  std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  const std::filesystem::path& target() const { return target_; }
  virtual void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::optional<DirectoryLock> lock_;  // released after the staging directory is gone
  bool committed_ = false;
};

}  // namespace nmfkit::io
