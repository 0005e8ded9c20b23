// Matrix Market: round trips, the variants other writers produce, and every malformed input.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/matrix_market.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

template <class T>
SparseMatrix<T> sparse_sample() {
  SparseMatrix<T> m(4, 5);
  std::vector<Eigen::Triplet<T, std::int64_t>> t = {
      {0, 0, T(0.1)},
      {0, 4, T(1) / T(3)},
      {1, 2, std::numeric_limits<T>::denorm_min()},
      {2, 1, std::numeric_limits<T>::max()},
      {3, 3, T(-2.5)},
      {3, 4, T(123456.789)},
  };
  m.setFromTriplets(t.begin(), t.end());
  return m;
}

template <class T>
DenseMatrix<T> dense_sample() {
  DenseMatrix<T> m(3, 2);
  m << T(0.1), T(1) / T(3), std::numeric_limits<T>::min(), T(0), T(-7), T(1e10);
  return m;
}

template <class T>
void expect_same_sparse(const SparseMatrix<T>& a, const SparseMatrix<T>& b) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.cols(), b.cols());
  ASSERT_EQ(a.nonZeros(), b.nonZeros());
  EXPECT_TRUE(DenseMatrix<T>(a) == DenseMatrix<T>(b));
}

AnyMatrix write_and_read(const std::string& path, const AnyMatrix& m) {
  write_matrix_market(path, m);
  return read_matrix_market(path);
}

// A sparse .mtx given as text, read back.
SparseMatrix<double> read_sparse_text(const std::string& text) {
  TempDir dir;
  write_file(dir.file("m.mtx"), text);
  return std::get<SparseMatrix<double>>(read_matrix_market(dir.file("m.mtx")).storage());
}

template <class T>
class IoMatrixMarketRoundTrip : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(IoMatrixMarketRoundTrip, ElementTypes);

TYPED_TEST(IoMatrixMarketRoundTrip, SparseIsExact) {
  using T = TypeParam;
  TempDir dir;
  for (const char* name : {"m.mtx", "m.mtx.gz"}) {
    SCOPED_TRACE(name);
    AnyMatrix back = write_and_read(dir.file(name), sparse_sample<T>());
    ASSERT_TRUE(back.is_sparse());
    EXPECT_EQ(back.dtype(), DType::Float64);  // values are read as float64
    back.convert(dtype_of<T>());
    expect_same_sparse(std::get<SparseMatrix<T>>(back.storage()), sparse_sample<T>());
  }
}

TYPED_TEST(IoMatrixMarketRoundTrip, DenseIsExact) {
  using T = TypeParam;
  TempDir dir;
  for (const char* name : {"m.mtx", "m.mtx.gz"}) {
    SCOPED_TRACE(name);
    AnyMatrix back = write_and_read(dir.file(name), dense_sample<T>());
    ASSERT_FALSE(back.is_sparse());
    back.convert(dtype_of<T>());
    EXPECT_TRUE(std::get<DenseMatrix<T>>(back.storage()) == dense_sample<T>());
  }
}

TEST(IoMatrixMarket, WritesCoordinateAndArrayLayouts) {
  TempDir dir;
  write_matrix_market(dir.file("s.mtx"), sparse_sample<double>());
  write_matrix_market(dir.file("d.mtx"), dense_sample<double>());
  EXPECT_EQ(
      read_file(dir.file("s.mtx")).rfind("%%MatrixMarket matrix coordinate real general\n", 0), 0U);
  EXPECT_EQ(read_file(dir.file("d.mtx")).rfind("%%MatrixMarket matrix array real general\n", 0),
            0U);
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"d.mtx", "s.mtx"}));
}

TEST(IoMatrixMarket, GzipIsCompressedAndRecognisedByContent) {
  TempDir dir;
  write_matrix_market(dir.file("m.mtx.gz"), sparse_sample<double>());
  const std::string bytes = read_file(dir.file("m.mtx.gz"));
  ASSERT_GE(bytes.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b);
  // A compressed file without the suffix, and a plain one with it, both read.
  write_file(dir.file("compressed.mtx"), bytes);
  write_file(dir.file("plain.mtx.gz"),
             "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 5\n");
  expect_same_sparse(
      std::get<SparseMatrix<double>>(read_matrix_market(dir.file("compressed.mtx")).storage()),
      sparse_sample<double>());
  const auto plain =
      std::get<SparseMatrix<double>>(read_matrix_market(dir.file("plain.mtx.gz")).storage());
  EXPECT_EQ(plain.coeff(0, 0), 5.0);
}

TEST(IoMatrixMarket, EmptyMatricesRoundTrip) {
  TempDir dir;
  const AnyMatrix sparse = write_and_read(dir.file("s.mtx"), SparseMatrix<double>(3, 4));
  EXPECT_EQ(sparse.rows(), 3);
  EXPECT_EQ(sparse.cols(), 4);
  EXPECT_EQ(sparse.stored(), 0);
  const AnyMatrix dense = write_and_read(dir.file("d.mtx"), DenseMatrix<double>(0, 4));
  EXPECT_EQ(dense.rows(), 0);
  EXPECT_EQ(dense.cols(), 4);
}

TEST(IoMatrixMarket, ReadsCommentsBlankLinesCrlfAndNumberForms) {
  const auto m = read_sparse_text(
      "%%MatrixMarket Matrix Coordinate Real General\r\n"
      "% a comment\r\n"
      "\r\n"
      "  2   3   4  \r\n"
      "1 1 +1.5\r\n"
      "% a comment between entries\r\n"
      "1\t3\t-2e-3\r\n"
      "2 2 7\r\n"
      "2 3 .25");  // no final newline
  DenseMatrix<double> expected(2, 3);
  expected << 1.5, 0, -2e-3, 0, 7, 0.25;
  EXPECT_TRUE(DenseMatrix<double>(m) == expected);
}

TEST(IoMatrixMarket, DuplicatesAreSummedAsScipyDoes) {
  const auto m = read_sparse_text(
      "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 4\n1 1 2.5\n");
  EXPECT_EQ(m.nonZeros(), 2);
  EXPECT_EQ(m.coeff(0, 0), 3.5);
  EXPECT_EQ(m.coeff(1, 1), 4.0);
}

// The CSR arrays themselves: rows in order, columns sorted within each row.
void expect_csr(const SparseMatrix<double>& m, const std::vector<std::int64_t>& outer,
                const std::vector<std::int64_t>& inner, const std::vector<double>& values) {
  ASSERT_TRUE(m.isCompressed());
  ASSERT_EQ(m.nonZeros(), static_cast<Index>(inner.size()));
  EXPECT_EQ(std::vector<std::int64_t>(m.outerIndexPtr(), m.outerIndexPtr() + m.rows() + 1), outer);
  EXPECT_EQ(std::vector<std::int64_t>(m.innerIndexPtr(), m.innerIndexPtr() + m.nonZeros()), inner);
  EXPECT_EQ(std::vector<double>(m.valuePtr(), m.valuePtr() + m.nonZeros()), values);
}

TEST(IoMatrixMarket, DuplicatesAreSummedInFileOrder) {
  // 1e16 + 1 rounds to 1e16, so only the file order (1e16 + 1) - 1e16 gives 0.
  const auto m = read_sparse_text(
      "%%MatrixMarket matrix coordinate real general\n2 3 6\n"
      "1 2 1e16\n2 1 5\n1 2 1\n1 1 7\n1 2 -1e16\n2 1 0\n");
  expect_csr(m, {0, 2, 3}, {0, 1, 0}, {7, 0, 5});
}

TEST(IoMatrixMarket, UnsortedEntriesBecomeSortedRows) {
  // Column by column, as R's writeMM and 10x Genomics write.
  const auto m = read_sparse_text(
      "%%MatrixMarket matrix coordinate real general\n3 4 5\n"
      "3 1 1\n1 2 2\n3 2 3\n1 4 4\n2 3 0\n");
  expect_csr(m, {0, 2, 3, 5}, {1, 3, 2, 0, 1}, {2, 4, 0, 1, 3});  // explicit zero kept
}

TEST(IoMatrixMarket, EmptyRowsAnywhere) {
  const auto m =
      read_sparse_text("%%MatrixMarket matrix coordinate real general\n5 2 2\n4 2 1\n2 1 2\n");
  expect_csr(m, {0, 0, 1, 1, 2, 2}, {0, 1}, {2, 1});
  const auto none = read_sparse_text("%%MatrixMarket matrix coordinate real general\n3 2 0\n");
  expect_csr(none, {0, 0, 0, 0}, {}, {});
}

TEST(IoMatrixMarket, UnsortedSymmetricWithDuplicatesIsExpanded) {
  const auto m = read_sparse_text(
      "%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n"
      "3 2 5\n2 2 4\n3 1 2\n1 1 1\n3 2 0.5\n");
  expect_csr(m, {0, 2, 4, 6}, {0, 2, 1, 2, 0, 1}, {1, 2, 4, 5.5, 2, 5.5});
}

TEST(IoMatrixMarket, SymmetricPatternIsExpanded) {
  const auto m =
      read_sparse_text("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n2 1\n2 2\n");
  expect_csr(m, {0, 1, 3}, {1, 0, 1}, {1, 1, 1});
}

TEST(IoMatrixMarket, LyingSizeLinesAreRejectedWithoutReservingMemory) {
  // The entries are counted before anything is allocated, so a size line claiming 10^12
  // entries or values reserves nothing and ends in the usual "found 2".
  TempDir dir;
  write_file(dir.file("entries.mtx"),
             "%%MatrixMarket matrix coordinate real general\n3 3 1000000000000\n1 1 1\n2 2 2\n");
  expect_error<FormatError>([&] { read_matrix_market(dir.file("entries.mtx")); },
                            {"line 5", "expected 1000000000000 entries", "found 2"});
  write_file(dir.file("values.mtx"),
             "%%MatrixMarket matrix array real general\n1000000 1000000\n1\n2\n");
  expect_error<FormatError>([&] { read_matrix_market(dir.file("values.mtx")); },
                            {"line 5", "expected 1000000000000 values", "found 2"});
  // Row pointers are needed for every row; 10^15 of them cannot be allocated.
  write_file(dir.file("rows.mtx"),
             "%%MatrixMarket matrix coordinate real general\n1000000000000000 3 1\n1 1 1\n");
  expect_error<FormatError>([&] { read_matrix_market(dir.file("rows.mtx")); },
                            {"line 2", "does not fit in memory"});
}

TEST(IoMatrixMarket, GzipTakesBothPasses) {
  TempDir dir;
  SparseMatrix<double> big(300, 200);
  for (int i = 0; i < 300; ++i) {
    for (int j = (i * 7) % 200; j < 200; j += 37) big.insert(i, j) = i + 0.25 * j;
  }
  big.makeCompressed();
  const AnyMatrix back = write_and_read(dir.file("m.mtx.gz"), big);
  expect_same_sparse(std::get<SparseMatrix<double>>(back.storage()), big);
}

TEST(IoMatrixMarket, PatternEntriesAreOne) {
  const auto m =
      read_sparse_text("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n");
  DenseMatrix<double> expected(2, 3);
  expected << 0, 0, 1, 1, 0, 0;
  EXPECT_TRUE(DenseMatrix<double>(m) == expected);
}

TEST(IoMatrixMarket, IntegerFieldReads) {
  const auto m =
      read_sparse_text("%%MatrixMarket matrix coordinate integer general\n1 2 1\n1 2 42\n");
  EXPECT_EQ(m.coeff(0, 1), 42.0);
}

TEST(IoMatrixMarket, SymmetricCoordinateIsExpanded) {
  const auto m = read_sparse_text(
      "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n3 1 2\n3 2 5\n");
  DenseMatrix<double> expected(3, 3);
  expected << 1, 0, 2, 0, 0, 5, 2, 5, 0;
  EXPECT_TRUE(DenseMatrix<double>(m) == expected);
  EXPECT_EQ(m.nonZeros(), 5);
}

TEST(IoMatrixMarket, SkewSymmetricCoordinateIsExpandedWithSign) {
  const auto m =
      read_sparse_text("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 3\n");
  DenseMatrix<double> expected(2, 2);
  expected << 0, -3, 3, 0;
  EXPECT_TRUE(DenseMatrix<double>(m) == expected);
}

TEST(IoMatrixMarket, ArrayIsColumnMajor) {
  TempDir dir;
  write_file(dir.file("m.mtx"),
             "%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n");
  const auto m = std::get<DenseMatrix<double>>(read_matrix_market(dir.file("m.mtx")).storage());
  DenseMatrix<double> expected(2, 3);
  expected << 1, 3, 5, 2, 4, 6;
  EXPECT_TRUE(m == expected);
}

TEST(IoMatrixMarket, SymmetricArrayHoldsTheLowerTriangle) {
  TempDir dir;
  write_file(dir.file("m.mtx"),
             "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n");
  const auto m = std::get<DenseMatrix<double>>(read_matrix_market(dir.file("m.mtx")).storage());
  DenseMatrix<double> expected(3, 3);
  expected << 1, 2, 3, 2, 4, 5, 3, 5, 6;
  EXPECT_TRUE(m == expected);
}

TEST(IoMatrixMarket, SkewSymmetricArrayHasNoDiagonal) {
  TempDir dir;
  write_file(dir.file("m.mtx"), "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n");
  const auto m = std::get<DenseMatrix<double>>(read_matrix_market(dir.file("m.mtx")).storage());
  DenseMatrix<double> expected(3, 3);
  expected << 0, -1, -2, 1, 0, -3, 2, 3, 0;
  EXPECT_TRUE(m == expected);
}

TEST(IoMatrixMarket, NanAndInfValuesRead) {
  TempDir dir;
  write_file(
      dir.file("m.mtx"),
      "%%MatrixMarket matrix coordinate real general\n1 3 3\n1 1 nan\n1 2 inf\n1 3 -Infinity\n");
  const auto m = std::get<SparseMatrix<double>>(read_matrix_market(dir.file("m.mtx")).storage());
  EXPECT_TRUE(std::isnan(m.coeff(0, 0)));
  EXPECT_EQ(m.coeff(0, 1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(m.coeff(0, 2), -std::numeric_limits<double>::infinity());
}

// Each malformed file gives a FormatError naming the file, the line and the problem.
struct BadFile {
  const char* name;
  const char* content;
  std::vector<std::string_view> parts;
};

class IoMatrixMarketMalformed : public ::testing::TestWithParam<BadFile> {};

TEST_P(IoMatrixMarketMalformed, IsRejectedWithFileAndLine) {
  const BadFile& bad = GetParam();
  TempDir dir;
  const std::string path = dir.file("bad.mtx");
  write_file(path, bad.content);
  const std::string message = expect_error<FormatError>([&] { read_matrix_market(path); }, {});
  EXPECT_EQ(message.rfind(path + ":", 0), 0U) << message;  // starts with the path
  for (const auto part : bad.parts) {
    EXPECT_NE(message.find(part), std::string::npos)
        << "'" << message << "' lacks '" << part << "'";
  }
}

const BadFile kBadFiles[] = {
    {"Empty", "", {"line 1", "empty", "%%MatrixMarket"}},
    {"BadBanner",
     "%%MatrixMarkt matrix coordinate real general\n1 1 0\n",
     {"line 1", "expected the banner"}},
    {"NoBanner", "1 1 1\n1 1 1\n", {"line 1", "expected the banner", "'1 1 1'"}},
    {"ShortBanner", "%%MatrixMarket matrix coordinate real\n1 1 0\n", {"line 1", "found 4"}},
    {"Vector", "%%MatrixMarket vector coordinate real general\n1 1 0\n", {"line 1", "'vector'"}},
    {"UnknownLayout",
     "%%MatrixMarket matrix sparse real general\n1 1 0\n",
     {"line 1", "'coordinate' or 'array'", "'sparse'"}},
    {"Complex",
     "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 2\n",
     {"line 1", "complex"}},
    {"UnknownField",
     "%%MatrixMarket matrix coordinate quaternion general\n1 1 0\n",
     {"line 1", "'quaternion'"}},
    {"UnknownSymmetry",
     "%%MatrixMarket matrix coordinate real diagonal\n1 1 0\n",
     {"line 1", "'diagonal'"}},
    {"ArrayPattern", "%%MatrixMarket matrix array pattern general\n1 1\n", {"line 1", "pattern"}},
    {"NoSizeLine",
     "%%MatrixMarket matrix coordinate real general\n% only a comment\n",
     {"line 3", "size line"}},
    {"ShortSizeLine",
     "%%MatrixMarket matrix coordinate real general\n2 2\n",
     {"line 2", "expected 3 fields", "found 2"}},
    {"NegativeSize",
     "%%MatrixMarket matrix coordinate real general\n-2 2 0\n",
     {"line 2", "rows", "'-2'"}},
    {"NonNumericSize",
     "%%MatrixMarket matrix coordinate real general\n2 x 0\n",
     {"line 2", "columns", "'x'"}},
    {"Truncated",
     "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 2\n",
     {"line 5", "unexpected end of file", "expected 3 entries", "found 2"}},
    {"TooManyEntries",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1\n2 2 2\n",
     {"line 4", "expected 1 entries", "found more"}},
    {"MissingValue",
     "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n2 2\n",
     {"line 4", "expected 3 fields (row column value), found 2"}},
    {"ExtraField",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1 9\n",
     {"line 3", "expected 3 fields", "found 4"}},
    {"PatternWithValue",
     "%%MatrixMarket matrix coordinate pattern general\n3 3 1\n1 1 1\n",
     {"line 3", "expected 2 fields (row column), found 3"}},
    {"RowZero",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n0 1 1\n",
     {"line 3", "row index between 1 and 3", "'0'"}},
    {"RowTooLarge",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n4 1 1\n",
     {"line 3", "row index between 1 and 3", "'4'"}},
    {"ColumnTooLarge",
     "%%MatrixMarket matrix coordinate real general\n3 2 2\n1 1 1\n1 3 1\n",
     {"line 4", "column index between 1 and 2", "'3'"}},
    {"FractionalIndex",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n1.5 1 1\n",
     {"line 3", "row index", "'1.5'"}},
    {"NonNumericValue",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 abc\n",
     {"line 3", "expected a number for the value", "'abc'"}},
    {"ValueWithJunk",
     "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1.5x\n",
     {"line 3", "'1.5x'"}},
    {"SymmetricNotSquare",
     "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n",
     {"line 2", "square", "2 x 3"}},
    {"SkewDiagonal",
     "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 4\n",
     {"line 3", "diagonal"}},
    {"ArrayTruncated",
     "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n",
     {"line 6", "expected 4 values", "found 3"}},
    {"ArrayTooMany",
     "%%MatrixMarket matrix array real general\n1 2\n1\n2\n3\n",
     {"line 5", "found more"}},
    {"ArrayTwoPerLine",
     "%%MatrixMarket matrix array real general\n2 1\n1 2\n",
     {"line 3", "expected 1 field (value), found 2"}},
    {"ArraySizeWithEntries",
     "%%MatrixMarket matrix array real general\n2 2 4\n",
     {"line 2", "expected 2 fields", "(rows columns)"}},
};

INSTANTIATE_TEST_SUITE_P(Cases, IoMatrixMarketMalformed, ::testing::ValuesIn(kBadFiles),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(IoMatrixMarket, TruncatedGzipIsAFormatError) {
  TempDir dir;
  SparseMatrix<double> big(1000, 1000);
  for (int i = 0; i < 1000; ++i) big.insert(i, (i * 7) % 1000) = i + 0.5;
  write_matrix_market(dir.file("m.mtx.gz"), big);
  std::string bytes = read_file(dir.file("m.mtx.gz"));
  bytes.resize(bytes.size() / 2);
  write_file(dir.file("cut.mtx.gz"), bytes);
  expect_error<FormatError>([&] { read_matrix_market(dir.file("cut.mtx.gz")); },
                            {"cut.mtx.gz:line ", "truncated"});
}

TEST(IoMatrixMarket, MissingFileIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_matrix_market(dir.file("nope.mtx")); },
                        {"nope.mtx", "no such file"});
}

TEST(IoMatrixMarket, DirectoryIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_matrix_market(dir.path().string()); }, {"directory"});
}

TEST(IoMatrixMarket, WritingIntoAMissingDirectoryFailsAndLeavesNothing) {
  TempDir dir;
  expect_error<IoError>([&] { write_matrix_market(dir.file("no/m.mtx"), sparse_sample<double>()); },
                        {"no/m.mtx"});
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace nmfkit::io
