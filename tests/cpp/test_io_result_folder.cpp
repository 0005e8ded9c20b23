// Every result folder carries result.json: what wrote it, in which format version, and the
// files of that run; a damaged or newer manifest is refused with a line naming it.

#include <gtest/gtest.h>

#include <fstream>
#include <utility>
#include <vector>

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

// fuzz_model's finding: "n_iter": 4.4e98 was cast to int (undefined behaviour). Integer
// fields out of their type's range, or given as non-integers, are FormatErrors naming them.
TEST(IoResultFolder, AModelJsonWithAnIntegerOutOfRangeIsAFormatError) {
  TempDir dir;
  NmfModel model;
  model.options.n_components = 2;
  model.W = AnyMatrix(DenseMatrix<double>(DenseMatrix<double>::Ones(3, 2)));
  model.H = AnyMatrix(DenseMatrix<double>(DenseMatrix<double>::Ones(2, 4)));
  const std::string folder = dir.file("model");
  save_nmf_model(folder, model);
  const std::string path = folder + "/model.json";
  std::ifstream in(path);
  const nlohmann::json saved = nlohmann::json::parse(in);
  in.close();
  const auto with = [&](const nlohmann::json::json_pointer& where, const nlohmann::json& value) {
    nlohmann::json j = saved;
    j[where] = value;
    write_file(path, j.dump());
  };
  using pointer = nlohmann::json::json_pointer;
  for (const auto& [where, value] :
       std::vector<std::pair<pointer, nlohmann::json>>{{pointer("/n_iter"), 4.4e98},
                                                       {pointer("/n_iter"), 1LL << 40},
                                                       {pointer("/options/max_iter"), -1e300},
                                                       {pointer("/options/random_state"), -1},
                                                       {pointer("/n_features"), 2.5}}) {
    with(where, value);
    expect_error<FormatError>([&] { load_nmf_model(folder); },
                              {"model.json", where.back(), "not an integer in range"});
  }
  with(pointer("/format_version"), 1e99);
  expect_error<FormatError>([&] { load_nmf_model(folder); }, {"model.json", "format_version"});
  with(pointer("/n_iter"), 7);
  EXPECT_EQ(load_nmf_model(folder).n_iter, 7);
}

TEST(IoResultFolder, NotAFolderIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_result_manifest(dir.file("missing")); },
                        {"missing", "does not exist"});
}

}  // namespace
}  // namespace nmfkit::io
