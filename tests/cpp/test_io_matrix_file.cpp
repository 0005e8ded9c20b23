// Dispatch by file name: which names map to which format, and what read_matrix and
// write_matrix do with types, storage and missing files.

#include <gtest/gtest.h>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/matrix_file.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_file;

TEST(IoMatrixFile, FormatFromPath) {
  EXPECT_EQ(format_from_path("a.mtx"), MatrixFormat::MatrixMarket);
  EXPECT_EQ(format_from_path("dir.v2/a.MTX.GZ"), MatrixFormat::MatrixMarket);
  EXPECT_EQ(format_from_path("a.npy"), MatrixFormat::Npy);
  EXPECT_EQ(format_from_path("a.csv"), MatrixFormat::Csv);
  EXPECT_EQ(format_from_path("a.csv.gz"), MatrixFormat::Csv);
  EXPECT_EQ(format_from_path("a.tsv"), MatrixFormat::Tsv);
  EXPECT_EQ(format_from_path("a.txt.gz"), MatrixFormat::Tsv);
}

TEST(IoMatrixFile, UnknownNamesListTheKnownExtensions) {
  expect_error<InvalidArgument>([] { format_from_path("a.dat"); },
                                {"'a.dat'", ".mtx", ".npy", ".csv", ".tsv", ".txt"});
  expect_error<InvalidArgument>([] { format_from_path("a.gz"); }, {"'a.gz'"});
  expect_error<InvalidArgument>([] { format_from_path("mtx"); }, {"'mtx'"});
  expect_error<InvalidArgument>([] { format_from_path("a.npy.gz"); }, {"a.npy.gz", "compressed"});
}

TEST(IoMatrixFile, RoundTripsEveryFormatAndConvertsTypes) {
  TempDir dir;
  DenseMatrix<double> m(2, 3);
  m << 0.1, 0, 3, 4.5, -1, 1e-30;
  for (const char* name : {"m.mtx", "m.mtx.gz", "m.npy", "m.csv", "m.csv.gz", "m.tsv", "m.txt"}) {
    SCOPED_TRACE(name);
    write_matrix(dir.file(name), m);
    const AnyMatrix back = read_matrix(dir.file(name));
    EXPECT_EQ(back.dtype(), DType::Float64);
    EXPECT_TRUE(std::get<DenseMatrix<double>>(back.storage()) == m);
    const AnyMatrix single = read_matrix(dir.file(name), DType::Float32);
    EXPECT_TRUE(std::get<DenseMatrix<float>>(single.storage()) == m.cast<float>());
  }
}

TEST(IoMatrixFile, SparseGoesToMtxOnly) {
  TempDir dir;
  SparseMatrix<float> s(3, 3);
  s.insert(1, 2) = 2.5f;
  write_matrix(dir.file("s.mtx"), s);
  const AnyMatrix back = read_matrix(dir.file("s.mtx"), DType::Float32);
  ASSERT_TRUE(back.is_sparse());
  EXPECT_EQ(std::get<SparseMatrix<float>>(back.storage()).coeff(1, 2), 2.5f);
  for (const char* name : {"s.npy", "s.csv", "s.tsv.gz"}) {
    SCOPED_TRACE(name);
    expect_error<InvalidArgument>([&] { write_matrix(dir.file(name), s); },
                                  {name, "sparse", ".mtx"});
  }
  EXPECT_EQ(dir.entries(), std::set<std::string>{"s.mtx"});
}

TEST(IoMatrixFile, MissingAndUnreadableInputsAreIoErrors) {
  TempDir dir;
  for (const char* name : {"nope.mtx", "nope.npy", "nope.csv", "nope.tsv.gz"}) {
    SCOPED_TRACE(name);
    expect_error<IoError>([&] { read_matrix(dir.file(name)); }, {name, "no such file"});
  }
  std::filesystem::create_directory(dir.path() / "folder.csv");
  expect_error<IoError>([&] { read_matrix(dir.file("folder.csv")); }, {"folder.csv", "directory"});
}

TEST(IoMatrixFile, ReadingByNameUsesTheNamedFormat) {
  TempDir dir;
  // A matrix market file named .csv is read as CSV: its banner is taken as the header,
  // and the size line is the first row that does not fit.
  write_file(dir.file("m.csv"), "%%MatrixMarket matrix array real general\n1 1\n5\n");
  expect_error<FormatError>([&] { read_matrix(dir.file("m.csv")); }, {"m.csv:line 2"});
}

TEST(IoMatrixFile, WritingIntoAMissingDirectoryIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { write_matrix(dir.file("no/m.npy"), DenseMatrix<double>(1, 1)); },
                        {"no/m.npy"});
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace nmfkit::io
