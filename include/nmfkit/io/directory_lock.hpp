#pragma once
// Two runs writing one directory would mix their files, so a run holds a lock on it: an
// flock on the hidden file ".NAME.lock" beside the directory, from construction to
// destruction. The system ends the lock with the process, however it ends. A second run's
// lock throws IoError saying another run is writing there.

#include <filesystem>

namespace nmfkit::io {

class DirectoryLock {
 public:
  explicit DirectoryLock(const std::filesystem::path& directory);
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace nmfkit::io
