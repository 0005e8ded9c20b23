#pragma once
// A checkpoint on disk: a directory with one record file per unit (UNIT.ckpt, see
// checkpoint_file.hpp) and fingerprint.txt, which describes the run that writes it (its
// inputs and the options that change its results, one "key: value" line each). A run
// resumes from a directory only if its own fingerprint is the same: a checkpoint from other
// inputs or options is refused with the first line that differs.

#include <filesystem>
#include <mutex>
#include <string>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/io/directory_lock.hpp"

namespace nmfkit::io {

class CheckpointDirectory : public CheckpointStore {
 public:
  // Opens `path` (created with the first save) for the run `fingerprint` describes; throws
  // InvalidArgument when it holds a checkpoint of another run, IoError when it cannot be
  // created or is in use by another run. `flag` names it in messages ("--checkpoint").
  CheckpointDirectory(std::filesystem::path path, const std::string& fingerprint,
                      const std::string& flag = "--checkpoint");

  std::optional<CheckpointRecord> load(const std::string& unit) const override;
  void save(const std::string& unit, const CheckpointRecord& record) const override;

  const std::filesystem::path& path() const { return path_; }
  // Whether it held saved units when opened (this run resumes).
  bool resumed() const { return resumed_; }
  // Deletes the directory: after the run's results are written.
  void remove() const;

 private:
  void create() const;

  std::filesystem::path path_;
  DirectoryLock lock_;
  bool resumed_ = false;
  mutable std::string fingerprint_;  // still to be written (the directory is not made yet)
  mutable std::mutex mutex_;
};

// What the fingerprint records of an input: "size N, fnv1a-64 HEX" over all the bytes of a
// file, and that of every file, by name, of a folder.
std::string input_digest(const std::filesystem::path& path);

}  // namespace nmfkit::io
