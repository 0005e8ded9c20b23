#include "nmfkit/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <random>
#include <string>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io {

namespace fs = std::filesystem;

namespace {

// A hidden name next to `target` that no other writer (thread or process) will pick.
fs::path sibling_name(const fs::path& target, const char* kind) {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".%s-%ld-%08x-%u", kind, static_cast<long>(::getpid()), salt,
                counter.fetch_add(1));
  // Appended piece by piece: `"." + string` trips GCC 12's false -Wrestrict (PR 105651).
  std::string name = ".";
  name += target.filename().string();
  name += suffix;
  return target.parent_path() / name;
}

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

// Data must reach the disk before the rename publishes it, or a crash could leave a
// complete-looking but empty file.
void sync_file(const fs::path& path, const fs::path& target) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError("cannot write " + quoted(target) + ": " +
                  std::error_code(errno, std::generic_category()).message());
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0 && saved != EINVAL) {  // EINVAL: the file system cannot sync; nothing to do
    throw IoError("cannot write " + quoted(target) + ": " +
                  std::error_code(saved, std::generic_category()).message());
  }
}

}  // namespace

AtomicFile::AtomicFile(fs::path target)
    : target_(std::move(target)), temp_(sibling_name(target_, "tmp")) {
  if (target_.filename().empty()) {
    throw InvalidArgument("output path " + quoted(target_) + " does not name a file");
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
}

void AtomicFile::commit() {
  sync_file(temp_, target_);
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) throw IoError("cannot write " + quoted(target_) + ": " + ec.message());
  committed_ = true;
}

StagedDirectory::StagedDirectory(fs::path target) : target_(std::move(target)) {
  // "out/" names the directory "out"; without this the staging name would be "./.-..."
  if (target_.filename().empty()) target_ = target_.parent_path();
  if (target_.empty()) throw InvalidArgument("output directory path is empty");
  std::error_code ec;
  if (fs::exists(target_, ec) && !fs::is_directory(target_, ec)) {
    throw IoError("cannot write the directory " + quoted(target_) + ": a file of that name exists");
  }
  lock_.emplace(target_);
  staging_ = sibling_name(target_, "staging");
  if (!fs::create_directory(staging_, ec) || ec) {
    lock_.reset();
    const auto parent = target_.parent_path();
    if (!parent.empty() && !fs::is_directory(parent)) {
      throw IoError("cannot create the directory " + quoted(target_) + ": " + quoted(parent) +
                    " does not exist");
    }
    throw IoError("cannot create the directory " + quoted(target_) + ": " +
                  (ec ? ec.message() : std::string("staging directory exists")));
  }
}

StagedDirectory::~StagedDirectory() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

void StagedDirectory::commit() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(staging_)) {
    if (entry.is_regular_file()) sync_file(entry.path(), target_ / entry.path().filename());
  }
  if (!fs::exists(target_)) {
    fs::rename(staging_, target_, ec);
    if (!ec) {
      committed_ = true;
      return;
    }
    // Someone created the target meanwhile: fall through and move the files in.
    if (!fs::is_directory(target_)) {
      throw IoError("cannot write the directory " + quoted(target_) + ": " + ec.message());
    }
  } else if (!fs::is_directory(target_)) {
    throw IoError("cannot write the directory " + quoted(target_) + ": a file of that name exists");
  }
  // An existing directory: replace the files one by one (each rename is atomic, the set
  // is not), leaving files of earlier runs that this one did not write.
  for (const auto& entry : fs::directory_iterator(staging_)) {
    const auto destination = target_ / entry.path().filename();
    fs::rename(entry.path(), destination, ec);
    if (ec) throw IoError("cannot write " + quoted(destination) + ": " + ec.message());
  }
  fs::remove(staging_, ec);
  committed_ = true;
}

}  // namespace nmfkit::io
