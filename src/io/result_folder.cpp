#include "nmfkit/io/result_folder.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"
#include "nmfkit/version.hpp"
#include "json_file.hpp"

namespace nmfkit::io {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormatName = "nmfkit-result";

std::vector<std::string> files_below(const fs::path& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ResultFolder::ResultFolder(fs::path target, std::string kind)
    : StagedDirectory(std::move(target)), kind_(std::move(kind)) {}

void ResultFolder::commit() {
  const fs::path manifest = file(kResultManifestName);
  std::vector<std::string> files = files_below(manifest.parent_path());
  files.erase(std::remove(files.begin(), files.end(), kResultManifestName), files.end());
  const json j = {{"format", kFormatName},
                  {"format_version", kResultFormatVersion},
                  {"kind", kind_},
                  {"nmfkit_version", kVersion},
                  {"files", files}};
  std::ofstream out(manifest);
  out << j.dump(2) << '\n';
  out.close();
  if (!out) throw IoError("cannot write " + manifest.string());
  StagedDirectory::commit();
}

std::optional<ResultManifest> read_result_manifest(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw IoError(dir.string() + " is not a folder" +
                  (fs::exists(dir, error) ? "" : " (it does not exist)"));
  }
  const fs::path path = dir / kResultManifestName;
  if (!fs::exists(path, error)) return std::nullopt;
  const json j = detail::read_json_file(path.string(), "manifest");
  const auto fail = [&](const std::string& what) {
    return FormatError(path.string(), "manifest", what);
  };
  if (!j.is_object() || j.value("format", std::string()) != kFormatName) {
    throw fail("expected \"format\": \"" + std::string(kFormatName) + "\"");
  }
  ResultManifest manifest;
  try {
    manifest.format_version = detail::integer_field<int>(j, "format_version");
    if (manifest.format_version < 1 || manifest.format_version > kResultFormatVersion) {
      throw fail("format_version " + std::to_string(manifest.format_version) +
                 " is not supported (this nmfkit reads 1 to " +
                 std::to_string(kResultFormatVersion) + "); a newer nmfkit wrote this folder");
    }
    manifest.kind = j.at("kind").get<std::string>();
    manifest.nmfkit_version = j.at("nmfkit_version").get<std::string>();
    manifest.files = j.at("files").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw fail(std::string("a field is missing or of the wrong type: ") + e.what());
  } catch (const InvalidArgument& e) {
    throw fail(e.what());
  }
  return manifest;
}

}  // namespace nmfkit::io
