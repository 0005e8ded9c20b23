#pragma once
// The folder an nmfkit command writes to --out. Besides its results, every folder holds
// result.json, a small manifest: the format name and version, the kind of result (the
// command that wrote it), nmfkit's version and the files this run wrote. Readers (the
// report, `transform`, `update`, Python) tell what a folder holds from it, refuse a newer
// format with one line, and know which files are this run's when an existing folder was
// written into (earlier runs' other files stay there).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/io/atomic_file.hpp"

namespace nmfkit::io {

inline constexpr int kResultFormatVersion = 1;
inline constexpr const char* kResultManifestName = "result.json";

struct ResultManifest {
  std::string kind;  // the command: "fit", "topics", "select-k", "cluster", "multimodal fit", ...
  int format_version = kResultFormatVersion;
  std::string nmfkit_version;
  std::vector<std::string> files;  // relative paths, sorted; result.json itself not listed
};

// A StagedDirectory whose commit() first writes result.json listing the staged files, so the
// manifest lands with the results, atomically as they do.
class ResultFolder : public StagedDirectory {
 public:
  ResultFolder(std::filesystem::path target, std::string kind);
  void commit() override;

 private:
  std::string kind_;
};

// The manifest of a result folder, or nothing when the folder has no result.json (written by
// an nmfkit before manifests). Throws FormatError naming result.json when it is damaged, of
// another format or of a newer format version; IoError when `dir` is not a readable folder.
std::optional<ResultManifest> read_result_manifest(const std::filesystem::path& dir);

}  // namespace nmfkit::io
