// Outputs appear complete or not at all: AtomicFile and StagedDirectory.

#include <gtest/gtest.h>

#include <stdexcept>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::read_file;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

TEST(IoAtomicFile, CommitRenamesAndLeavesNoTemporaryFile) {
  TempDir dir;
  const auto target = dir.file("out.txt");
  {
    AtomicFile file(target);
    EXPECT_EQ(file.temp_path().parent_path(), dir.path());
    EXPECT_EQ(file.temp_path().filename().string().front(), '.');
    write_file(file.temp_path().string(), "hello");
    EXPECT_FALSE(fs::exists(target));
    file.commit();
  }
  EXPECT_EQ(read_file(target), "hello");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"out.txt"});
}

TEST(IoAtomicFile, CommitReplacesAnExistingFile) {
  TempDir dir;
  const auto target = dir.file("out.txt");
  write_file(target, "old");
  AtomicFile file(target);
  write_file(file.temp_path().string(), "new");
  file.commit();
  EXPECT_EQ(read_file(target), "new");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"out.txt"});
}

TEST(IoAtomicFile, WithoutCommitTheTemporaryFileIsRemoved) {
  TempDir dir;
  const auto target = dir.file("out.txt");
  write_file(target, "old");
  try {
    AtomicFile file(target);
    write_file(file.temp_path().string(), "half");
    throw std::runtime_error("failure while writing");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file(target), "old");  // untouched
  EXPECT_EQ(dir.entries(), std::set<std::string>{"out.txt"});
}

TEST(IoAtomicFile, TwoWritersGetDifferentTemporaryNames) {
  TempDir dir;
  AtomicFile a(dir.file("x"));
  AtomicFile b(dir.file("x"));
  EXPECT_NE(a.temp_path(), b.temp_path());
}

TEST(IoAtomicFile, CommitIntoAMissingDirectoryFailsNamingTheTarget) {
  TempDir dir;
  const auto target = dir.file("missing/out.txt");
  AtomicFile file(target);
  expect_error<IoError>([&] { file.commit(); }, {"missing/out.txt"});
}

TEST(IoStagedDirectory, CommitCreatesANewDirectory) {
  TempDir dir;
  const auto target = dir.path() / "result";
  {
    StagedDirectory staged(target);
    EXPECT_EQ(staged.file("a.txt").parent_path().parent_path(), dir.path());
    write_file(staged.file("a.txt").string(), "A");
    write_file(staged.file("b.txt").string(), "B");
    EXPECT_FALSE(fs::exists(target));
    staged.commit();
  }
  EXPECT_EQ(read_file((target / "a.txt").string()), "A");
  EXPECT_EQ(read_file((target / "b.txt").string()), "B");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"result"});  // no staging left
}

TEST(IoStagedDirectory, CommitIntoAnExistingDirectoryReplacesFilesAndKeepsOthers) {
  TempDir dir;
  const auto target = dir.path() / "result";
  fs::create_directory(target);
  write_file((target / "a.txt").string(), "old A");
  write_file((target / "keep.txt").string(), "K");
  {
    StagedDirectory staged(target);
    write_file(staged.file("a.txt").string(), "new A");
    write_file(staged.file("b.txt").string(), "B");
    staged.commit();
  }
  EXPECT_EQ(read_file((target / "a.txt").string()), "new A");
  EXPECT_EQ(read_file((target / "b.txt").string()), "B");
  EXPECT_EQ(read_file((target / "keep.txt").string()), "K");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"result"});
}

TEST(IoStagedDirectory, WithoutCommitNothingIsLeft) {
  TempDir dir;
  const auto target = dir.path() / "result";
  try {
    StagedDirectory staged(target);
    write_file(staged.file("a.txt").string(), "A");
    throw std::runtime_error("failure while writing");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IoStagedDirectory, WithoutCommitAnExistingDirectoryIsUntouched) {
  TempDir dir;
  const auto target = dir.path() / "result";
  fs::create_directory(target);
  write_file((target / "a.txt").string(), "old");
  {
    StagedDirectory staged(target);
    write_file(staged.file("a.txt").string(), "new");
  }
  EXPECT_EQ(read_file((target / "a.txt").string()), "old");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"result"});
}

TEST(IoStagedDirectory, TrailingSlashNamesTheDirectory) {
  TempDir dir;
  {
    StagedDirectory staged(dir.path() / "result" / "");
    write_file(staged.file("a.txt").string(), "A");
    staged.commit();
  }
  EXPECT_EQ(read_file(dir.file("result/a.txt")), "A");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"result"});
}

TEST(IoStagedDirectory, ATargetThatIsAFileIsRefused) {
  TempDir dir;
  write_file(dir.file("result"), "I am a file");
  expect_error<IoError>([&] { StagedDirectory staged(dir.path() / "result"); },
                        {"result", "a file of that name exists"});
  EXPECT_EQ(dir.entries(), std::set<std::string>{"result"});
}

TEST(IoStagedDirectory, AMissingParentIsReported) {
  TempDir dir;
  expect_error<IoError>([&] { StagedDirectory staged(dir.path() / "no" / "result"); },
                        {"does not exist"});
  EXPECT_TRUE(dir.entries().empty());
}

// Two writers of one directory at once would mix their files: the second is refused
// while the first holds it, and may write once the first is done.
TEST(IoStagedDirectory, ASecondWriterOfTheSameTargetIsRefused) {
  TempDir dir;
  const fs::path target = dir.path() / "result";
  {
    StagedDirectory first(target);
    write_file(first.file("a.txt").string(), "first");
    expect_error<IoError>([&] { StagedDirectory second(target); },
                          {"result", "another nmfkit run is writing it"});
    expect_error<IoError>([&] { StagedDirectory second(dir.path() / "result" / ""); },
                          {"another nmfkit run"});
    first.commit();
  }
  {
    StagedDirectory again(target);
    write_file(again.file("a.txt").string(), "again");
    again.commit();
  }
  EXPECT_EQ(read_file((target / "a.txt").string()), "again");
  EXPECT_EQ(dir.entries(), std::set<std::string>{"result"});  // no lock file left
}

}  // namespace
}  // namespace nmfkit::io
