// CSV and TSV: round trips, headers, the looseness real files need, and malformed rows.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/delimited.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

DenseMatrix<double> dense(const DelimitedTable& table) {
  return std::get<DenseMatrix<double>>(table.matrix.storage());
}

template <class T>
DenseMatrix<T> sample() {
  using Limits = std::numeric_limits<T>;
  DenseMatrix<T> m(3, 4);
  m << T(0.1), T(1) / T(3), Limits::denorm_min(), Limits::max(), T(0), T(-5), Limits::min(),
      T(1e-20), T(7), T(123456.789), T(-0.5), T(9);
  return m;
}

template <class T>
class IoDelimitedRoundTrip : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(IoDelimitedRoundTrip, ElementTypes);

TYPED_TEST(IoDelimitedRoundTrip, ValuesAreExact) {
  using T = TypeParam;
  TempDir dir;
  for (const auto& [name, delimiter] : {std::pair{"m.csv", ','}, std::pair{"m.tsv", '\t'},
                                        std::pair{"m.csv.gz", ','}, std::pair{"m.tsv.gz", '\t'}}) {
    SCOPED_TRACE(name);
    write_delimited(dir.file(name), sample<T>(), delimiter);
    DelimitedTable table = read_delimited(dir.file(name), delimiter);
    EXPECT_TRUE(table.column_names.empty());
    table.matrix.convert(dtype_of<T>());
    EXPECT_TRUE(std::get<DenseMatrix<T>>(table.matrix.storage()) == sample<T>());
  }
  EXPECT_EQ(dir.entries().size(), 4U);  // no temporary files left
}

TEST(IoDelimited, GzipOutputIsCompressed) {
  TempDir dir;
  write_delimited(dir.file("m.csv.gz"), sample<double>(), ',');
  const std::string bytes = read_file(dir.file("m.csv.gz"));
  ASSERT_GE(bytes.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b);
}

TEST(IoDelimited, HeaderRoundTrips) {
  TempDir dir;
  DenseMatrix<double> m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  write_delimited(dir.file("m.tsv"), m, '\t', {"alpha", "beta gamma", "x,y"});
  EXPECT_EQ(read_file(dir.file("m.tsv")), "alpha\tbeta gamma\tx,y\n1\t2\t3\n4\t5\t6\n");
  const DelimitedTable table = read_delimited(dir.file("m.tsv"), '\t');
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"alpha", "beta gamma", "x,y"}));
  EXPECT_TRUE(dense(table) == m);
}

TEST(IoDelimited, HeaderIsAFirstLineWithAnyNonNumericField) {
  TempDir dir;
  write_file(dir.file("m.csv"), "\"id\",2,score\n1,2,3\n");
  const DelimitedTable table = read_delimited(dir.file("m.csv"), ',');
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"id", "2", "score"}));
  EXPECT_EQ(table.matrix.rows(), 1);
}

TEST(IoDelimited, HeaderOnlyGivesZeroRows) {
  TempDir dir;
  write_file(dir.file("m.csv"), "a,b,c\n");
  const DelimitedTable table = read_delimited(dir.file("m.csv"), ',');
  EXPECT_EQ(table.matrix.rows(), 0);
  EXPECT_EQ(table.matrix.cols(), 3);
}

TEST(IoDelimited, EmptyFileGivesAnEmptyMatrix) {
  TempDir dir;
  write_file(dir.file("m.csv"), "");
  const DelimitedTable table = read_delimited(dir.file("m.csv"), ',');
  EXPECT_EQ(table.matrix.rows(), 0);
  EXPECT_EQ(table.matrix.cols(), 0);
}

TEST(IoDelimited, AcceptsCrlfBlankLinesCommentsSpacesBomAndSpecialValues) {
  TempDir dir;
  write_file(dir.file("m.csv"),
             "\xEF\xBB\xBF# written by hand\r\n"
             "1, 2 ,+3\r\n"
             "\r\n"
             "nan,inf,-inf\r\n"
             "1e-3,.5,NaN\r\n"
             "\r\n"
             "\r\n");
  const auto m = dense(read_delimited(dir.file("m.csv"), ','));
  ASSERT_EQ(m.rows(), 3);
  ASSERT_EQ(m.cols(), 3);
  EXPECT_EQ(m(0, 0), 1);
  EXPECT_EQ(m(0, 1), 2);
  EXPECT_EQ(m(0, 2), 3);
  EXPECT_TRUE(std::isnan(m(1, 0)));
  EXPECT_EQ(m(1, 1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(m(1, 2), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(m(2, 0), 1e-3);
  EXPECT_EQ(m(2, 1), 0.5);
  EXPECT_TRUE(std::isnan(m(2, 2)));
}

TEST(IoDelimited, BomBeforeNumbersIsNotAHeader) {
  TempDir dir;
  write_file(dir.file("m.csv"),
             "\xEF\xBB\xBF"
             "1,2\n3,4\n");
  const DelimitedTable table = read_delimited(dir.file("m.csv"), ',');
  EXPECT_TRUE(table.column_names.empty());
  EXPECT_EQ(table.matrix.rows(), 2);
}

TEST(IoDelimited, OutOfRangeNumbersSaturateAsStrtodDoes) {
  TempDir dir;
  write_file(dir.file("m.csv"), "1e400,-1e400,1e-400\n");
  const auto m = dense(read_delimited(dir.file("m.csv"), ','));
  EXPECT_EQ(m(0, 0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(m(0, 1), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(m(0, 2), 0.0);
}

TEST(IoDelimited, LongLinesAcrossBufferBoundariesRead) {
  TempDir dir;
  DenseMatrix<double> m(3, 200000);  // lines of several MB: longer than the read buffer
  for (Index i = 0; i < m.rows(); ++i) {
    for (Index j = 0; j < m.cols(); ++j) m(i, j) = static_cast<double>(i * m.cols() + j) / 7.0;
  }
  write_delimited(dir.file("m.csv"), m, ',');
  EXPECT_TRUE(dense(read_delimited(dir.file("m.csv"), ',')) == m);
}

struct BadText {
  const char* name;
  char delimiter;
  const char* content;
  std::vector<std::string_view> parts;
};

class IoDelimitedMalformed : public ::testing::TestWithParam<BadText> {};

TEST_P(IoDelimitedMalformed, IsRejectedWithFileAndLine) {
  const BadText& bad = GetParam();
  TempDir dir;
  const std::string path = dir.file(bad.delimiter == ',' ? "bad.csv" : "bad.tsv");
  write_file(path, bad.content);
  const std::string message =
      expect_error<FormatError>([&] { read_delimited(path, bad.delimiter); }, {});
  EXPECT_EQ(message.rfind(path + ":line ", 0), 0U) << message;
  for (const auto part : bad.parts) {
    EXPECT_NE(message.find(part), std::string::npos)
        << "'" << message << "' lacks '" << part << "'";
  }
}

const BadText kBadTexts[] = {
    {"RaggedShort", ',', "1,2,3\n4,5,6\n7,8\n", {"line 3", "expected 3 fields, found 2"}},
    {"RaggedLong",
     ',',
     "a,b\n1,2\n3,4,5\n",
     {"line 3", "expected 2 fields, found 3", "line 1 has 2"}},
    {"NonNumeric", ',', "1,2,3\n4,five,6\n", {"line 2", "field 2", "expected a number", "'five'"}},
    {"EmptyField", ',', "1,2,3\n4,,6\n", {"line 2", "field 2", "empty field"}},
    {"TrailingDelimiter", ',', "1,2,3\n4,5,6,\n", {"line 2", "expected 3 fields, found 4"}},
    {"JunkAfterNumber", '\t', "1\t2\n3\t4kg\n", {"line 2", "field 2", "'4kg'"}},
    {"SpacesInTsv", '\t', "1\t2\n3 4\n", {"line 2", "found 1", "separated by tabs", "spaces"}},
    {"SemicolonsInCsv",
     ',',
     "1;2\n3;4\n",
     {"line 2", "field 1", "separated by commas", "semicolons"}},
};

INSTANTIATE_TEST_SUITE_P(Cases, IoDelimitedMalformed, ::testing::ValuesIn(kBadTexts),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(IoDelimited, MissingFileIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_delimited(dir.file("nope.csv"), ','); },
                        {"nope.csv", "no such file"});
}

TEST(IoDelimited, WriterRejectsSparseAndBadNamesWritingNothing) {
  TempDir dir;
  expect_error<InvalidArgument>(
      [&] { write_delimited(dir.file("m.csv"), SparseMatrix<double>(2, 2), ','); },
      {"m.csv", "sparse"});
  expect_error<InvalidArgument>(
      [&] {
        write_delimited(dir.file("m.csv"), sample<double>(), ',', {"a", "b"});
      },
      {"2 column names for 4 columns"});
  expect_error<InvalidArgument>(
      [&] {
        write_delimited(dir.file("m.csv"), sample<double>(), ',', {"a", "b,c", "d", "e"});
      },
      {"'b,c'", "delimiter"});
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace nmfkit::io
