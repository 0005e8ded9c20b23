// Every result folder carries result.json: what wrote it, in which format version, and the
// files of that run; a damaged or newer manifest is refused with a line naming it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/result_folder.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

TEST(IoResultFolder, CommitWritesAManifestListingTheStagedFiles) {
  TempDir dir;
  const fs::path out = dir.file("out");
  {
    ResultFolder folder(out, "select-k");
    write_file(folder.file("b.tsv").string(), "b");
    write_file(folder.file("a.json").string(), "a");
    fs::create_directory(folder.file("rna"));
    write_file(folder.file("rna/H.npy").string(), "h");
    folder.commit();
  }
  const auto manifest = read_result_manifest(out);
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->kind, "select-k");
  EXPECT_EQ(manifest->format_version, kResultFormatVersion);
  EXPECT_FALSE(manifest->nmfkit_version.empty());
  EXPECT_EQ(manifest->files, (std::vector<std::string>{"a.json", "b.tsv", "rna/H.npy"}));
}

TEST(IoResultFolder, WithoutCommitNothingIsWritten) {
  TempDir dir;
  {
    ResultFolder folder(dir.file("out"), "fit");
    write_file(folder.file("W.npy").string(), "w");
  }
  EXPECT_EQ(dir.entries(), std::set<std::string>{});
}

TEST(IoResultFolder, AFolderWithoutManifestHasNone) {
  TempDir dir;
  write_file(dir.file("model.json"), "{}");
  EXPECT_FALSE(read_result_manifest(dir.path()).has_value());
}

TEST(IoResultFolder, ANewerOrDamagedManifestIsRefused) {
  TempDir dir;
  nlohmann::json manifest = {{"format", "nmfkit-result"}, {"format_version", 99},
                             {"kind", "fit"}, {"nmfkit_version", "9.0"},
                             {"files", nlohmann::json::array()}};
  write_file(dir.file("result.json"), manifest.dump());
  expect_error<FormatError>([&] { read_result_manifest(dir.path()); },
                            {"result.json", "format_version 99", "newer nmfkit"});
  write_file(dir.file("result.json"), "{\"format\": \"nmfkit-result\", \"format_ver");
  expect_error<FormatError>([&] { read_result_manifest(dir.path()); },
                            {"result.json", "invalid JSON"});
  write_file(dir.file("result.json"), "{\"format_version\": 88e888}");  // found by fuzz_model
  expect_error<FormatError>([&] { read_result_manifest(dir.path()); },
                            {"result.json", "invalid JSON"});
  write_file(dir.file("result.json"), "{\"format\": \"other\"}");
  expect_error<FormatError>([&] { read_result_manifest(dir.path()); },
                            {"result.json", "nmfkit-result"});
  manifest["format_version"] = 1;
  manifest.erase("kind");
  write_file(dir.file("result.json"), manifest.dump());
  expect_error<FormatError>([&] { read_result_manifest(dir.path()); },
                            {"result.json", "missing or of the wrong type"});
}

// fuzz_model's finding: a number beyond a double's range is nlohmann's out_of_range, not a
// parse_error; it must still be one FormatError line.
TEST(IoResultFolder, AModelJsonWithAnOverflowingNumberIsAFormatError) {
  TempDir dir;
  write_file(dir.file("model.json"), "{\"n_components\": 88e888}");
  expect_error<FormatError>([&] { load_nmf_model(dir.path()); }, {"model.json", "invalid JSON"});
}

TEST(IoResultFolder, NotAFolderIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_result_manifest(dir.file("missing")); },
                        {"missing", "does not exist"});
}

}  // namespace
}  // namespace nmfkit::io
