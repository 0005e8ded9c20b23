#include "nmfkit/io/directory_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io {

namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::string message_of(int error) { return std::error_code(error, std::generic_category()).message(); }

}  // namespace

// The lock file is removed by its holder when done; one that was removed between another
// run's open and its lock is not the current lock, so that run opens the name again.
DirectoryLock::DirectoryLock(const fs::path& directory)
    : path_(directory.parent_path() / ("." + directory.filename().string() + ".lock")) {
  while (true) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int saved = errno;
      const auto parent = directory.parent_path();
      if (saved == ENOENT && !parent.empty() && !fs::is_directory(parent)) {
        throw IoError("cannot create the directory " + quoted(directory) + ": " + quoted(parent) +
                      " does not exist");
      }
      throw IoError("cannot write the directory " + quoted(directory) + ": " + message_of(saved));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int saved = errno;
      ::close(fd);
      if (saved == EWOULDBLOCK) {
        throw IoError("cannot write the directory " + quoted(directory) +
                      ": another nmfkit run is writing it now (lock " + quoted(path_) +
                      "); wait for it or choose another directory");
      }
      throw IoError("cannot lock " + quoted(path_) + ": " + message_of(saved));
    }
    struct stat opened{};
    struct stat named{};
    if (::fstat(fd, &opened) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        opened.st_ino == named.st_ino && opened.st_dev == named.st_dev) {
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
}

DirectoryLock::~DirectoryLock() {
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace nmfkit::io
