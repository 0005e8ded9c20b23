// NumPy .npy: round trips, every dtype and layout numpy writes that we accept, and the
// files we must reject. Fixtures are built byte by byte (pytest checks numpy's own files).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/npy.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

// A .npy file with the given header dict and raw data, padded as numpy pads it.
std::string npy_file(std::string_view dict, std::string_view data, int major = 1) {
  const std::size_t length_size = major == 1 ? 2 : 4;
  std::string header(dict);
  const std::size_t unpadded = 8 + length_size + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < length_size; ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + std::string(data);
}

// The bytes of `values`, little-endian unless `big_endian`.
template <class T>
std::string raw(std::initializer_list<T> values, bool big_endian = false) {
  std::string out;
  for (T v : values) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    if (big_endian) std::reverse(bytes, bytes + sizeof(T));
    out.append(bytes, sizeof(T));
  }
  return out;
}

DenseMatrix<double> read_as_double(const std::string& path) {
  AnyMatrix m = read_npy(path);
  EXPECT_EQ(m.dtype(), DType::Float64);
  return std::get<DenseMatrix<double>>(m.storage());
}

DenseMatrix<double> matrix_2x3(double a, double b, double c, double d, double e, double f) {
  DenseMatrix<double> m(2, 3);
  m << a, b, c, d, e, f;
  return m;
}

template <class T>
class IoNpyRoundTrip : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(IoNpyRoundTrip, ElementTypes);

TYPED_TEST(IoNpyRoundTrip, KeepsTypeAndValuesExactly) {
  using T = TypeParam;
  using Limits = std::numeric_limits<T>;
  TempDir dir;
  DenseMatrix<T> m(3, 4);
  m << T(0.1), T(1) / T(3), Limits::denorm_min(), Limits::max(), T(-0.0), T(-5), Limits::infinity(),
      Limits::quiet_NaN(), T(1e-20), T(7), T(8), T(9);
  write_npy(dir.file("m.npy"), m);
  const AnyMatrix back = read_npy(dir.file("m.npy"));
  ASSERT_EQ(back.dtype(), dtype_of<T>());
  const auto& b = std::get<DenseMatrix<T>>(back.storage());
  ASSERT_EQ(b.rows(), 3);
  ASSERT_EQ(b.cols(), 4);
  EXPECT_EQ(std::memcmp(b.data(), m.data(), sizeof(T) * 12), 0);  // bitwise, NaN and -0 too
  EXPECT_EQ(dir.entries(), std::set<std::string>{"m.npy"});
}

TYPED_TEST(IoNpyRoundTrip, EmptyShapes) {
  using T = TypeParam;
  TempDir dir;
  write_npy(dir.file("m.npy"), DenseMatrix<T>(0, 5));
  const AnyMatrix back = read_npy(dir.file("m.npy"));
  EXPECT_EQ(back.rows(), 0);
  EXPECT_EQ(back.cols(), 5);
}

TEST(IoNpy, WrittenHeaderIsVersion1AlignedTo64Bytes) {
  TempDir dir;
  write_npy(dir.file("m.npy"), DenseMatrix<double>(DenseMatrix<double>::Zero(2, 3)));
  const std::string bytes = read_file(dir.file("m.npy"));
  ASSERT_GE(bytes.size(), 10U);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_length =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_length) % 64, 0U);
  EXPECT_EQ(bytes[10 + header_length - 1], '\n');
  EXPECT_NE(bytes.find("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)"),
            std::string::npos);
  EXPECT_EQ(bytes.size(), 10 + header_length + 6 * sizeof(double));
}

TEST(IoNpy, SparseCannotBeWritten) {
  TempDir dir;
  expect_error<InvalidArgument>([&] { write_npy(dir.file("m.npy"), SparseMatrix<double>(2, 2)); },
                                {"m.npy", "sparse"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IoNpy, IntegerAndBoolTypesBecomeFloat64) {
  TempDir dir;
  const auto shape = "'fortran_order': False, 'shape': (2, 3), }";
  write_file(dir.file("i4.npy"), npy_file(std::string("{'descr': '<i4', ") + shape,
                                          raw<std::int32_t>({1, -2, 3, 2147483647, 0, -5})));
  write_file(dir.file("i8.npy"), npy_file(std::string("{'descr': '<i8', ") + shape,
                                          raw<std::int64_t>({1, -2, 3, 1LL << 40, 0, -5})));
  write_file(dir.file("u1.npy"), npy_file(std::string("{'descr': '|u1', ") + shape,
                                          raw<std::uint8_t>({0, 1, 255, 7, 8, 9})));
  write_file(dir.file("u2.npy"), npy_file(std::string("{'descr': '<u2', ") + shape,
                                          raw<std::uint16_t>({0, 1, 65535, 7, 8, 9})));
  write_file(dir.file("i1.npy"), npy_file(std::string("{'descr': '|i1', ") + shape,
                                          raw<std::int8_t>({-128, 1, 127, 7, 8, 9})));
  write_file(dir.file("b1.npy"), npy_file(std::string("{'descr': '|b1', ") + shape,
                                          raw<std::uint8_t>({1, 0, 1, 0, 0, 1})));
  EXPECT_TRUE(read_as_double(dir.file("i4.npy")) == matrix_2x3(1, -2, 3, 2147483647, 0, -5));
  EXPECT_TRUE(read_as_double(dir.file("i8.npy")) == matrix_2x3(1, -2, 3, 1099511627776.0, 0, -5));
  EXPECT_TRUE(read_as_double(dir.file("u1.npy")) == matrix_2x3(0, 1, 255, 7, 8, 9));
  EXPECT_TRUE(read_as_double(dir.file("u2.npy")) == matrix_2x3(0, 1, 65535, 7, 8, 9));
  EXPECT_TRUE(read_as_double(dir.file("i1.npy")) == matrix_2x3(-128, 1, 127, 7, 8, 9));
  EXPECT_TRUE(read_as_double(dir.file("b1.npy")) == matrix_2x3(1, 0, 1, 0, 0, 1));
}

TEST(IoNpy, Float16BecomesFloat64) {
  TempDir dir;
  // 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), +inf, 0.333251953125
  write_file(dir.file("f2.npy"),
             npy_file("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }",
                      raw<std::uint16_t>({0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3555})));
  const auto m = read_as_double(dir.file("f2.npy"));
  EXPECT_TRUE(m == matrix_2x3(1, -2, 65504, std::ldexp(1.0, -24),
                              std::numeric_limits<double>::infinity(), 0.333251953125));
}

TEST(IoNpy, BigEndianIsSwapped) {
  TempDir dir;
  write_file(dir.file("f8.npy"),
             npy_file("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }",
                      raw<double>({1.5, -2, 3, 4, 5, 0.1}, true)));
  write_file(dir.file("f4.npy"),
             npy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }",
                      raw<float>({1.5f, -2, 3, 4, 5, 0.25f}, true)));
  write_file(dir.file("i2.npy"),
             npy_file("{'descr': '>i2', 'fortran_order': False, 'shape': (2, 3), }",
                      raw<std::int16_t>({1, -2, 3, 4, 5, 300}, true)));
  EXPECT_TRUE(read_as_double(dir.file("f8.npy")) == matrix_2x3(1.5, -2, 3, 4, 5, 0.1));
  const AnyMatrix f4 = read_npy(dir.file("f4.npy"));
  ASSERT_EQ(f4.dtype(), DType::Float32);
  DenseMatrix<float> expected(2, 3);
  expected << 1.5f, -2, 3, 4, 5, 0.25f;
  EXPECT_TRUE(std::get<DenseMatrix<float>>(f4.storage()) == expected);
  EXPECT_TRUE(read_as_double(dir.file("i2.npy")) == matrix_2x3(1, -2, 3, 4, 5, 300));
}

TEST(IoNpy, FortranOrderIsTransposedIntoPlace) {
  TempDir dir;
  // Column-major data of [[1, 2, 3], [4, 5, 6]].
  write_file(dir.file("f8.npy"),
             npy_file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                      raw<double>({1, 4, 2, 5, 3, 6})));
  write_file(dir.file("i2.npy"),
             npy_file("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }",
                      raw<std::int16_t>({1, 4, 2, 5, 3, 6})));
  write_file(dir.file("be.npy"),
             npy_file("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }",
                      raw<double>({1, 4, 2, 5, 3, 6}, true)));
  const auto expected = matrix_2x3(1, 2, 3, 4, 5, 6);
  EXPECT_TRUE(read_as_double(dir.file("f8.npy")) == expected);
  EXPECT_TRUE(read_as_double(dir.file("i2.npy")) == expected);
  EXPECT_TRUE(read_as_double(dir.file("be.npy")) == expected);
}

// fuzz_npy's finding: an empty array with a huge other dimension in Fortran order was
// rearranged one empty row at a time (hours). Every element type and order: at once.
TEST(IoNpy, EmptyArraysWithAHugeDimensionReadAtOnce) {
  TempDir dir;
  for (const char* descr : {"<f4", "<f8", "<i2"}) {
    for (const char* order : {"True", "False"}) {
      for (const char* shape : {"(344444444444444, 0)", "(0, 344444444444444)"}) {
        write_file(dir.file("e.npy"), npy_file(std::string("{'descr': '") + descr +
                                                   "', 'fortran_order': " + order +
                                                   ", 'shape': " + shape + ", }",
                                               ""));
        const AnyMatrix m = read_npy(dir.file("e.npy"));
        EXPECT_EQ(m.rows() * m.cols(), 0) << descr << " " << order << " " << shape;
        EXPECT_EQ(m.rows() + m.cols(), 344444444444444) << descr << " " << order << " " << shape;
      }
    }
  }
}

TEST(IoNpy, HeaderVariantsParse) {
  TempDir dir;
  const std::string data = raw<double>({1, 2, 3, 4, 5, 6});
  const auto expected = matrix_2x3(1, 2, 3, 4, 5, 6);
  // Version 2 and 3 headers, other key order, double quotes, no trailing comma, and
  // Python 2 long literals.
  write_file(dir.file("v2.npy"),
             npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data, 2));
  write_file(dir.file("v3.npy"),
             npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data, 3));
  write_file(dir.file("order.npy"),
             npy_file("{\"shape\": (2,3), \"fortran_order\": False, \"descr\": \"<f8\"}", data));
  write_file(dir.file("long.npy"),
             npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", data));
  for (const char* name : {"v2.npy", "v3.npy", "order.npy", "long.npy"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(read_as_double(dir.file(name)) == expected);
  }
}

struct BadNpy {
  const char* name;
  std::string content;
  std::vector<std::string_view> parts;
};

std::vector<BadNpy> bad_npy_files() {
  const std::string six = raw<double>({1, 2, 3, 4, 5, 6});
  auto with_descr = [&](const char* descr) {
    return npy_file(
        std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (2, 3), }",
        std::string(96, '\0'));
  };
  std::string truncated =
      npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", six);
  truncated.resize(truncated.size() - 5);
  return {
      {"Empty", "", {"byte 0", "magic", "empty file"}},
      {"BadMagic", "PK\x03\x04 this is a zip", {"byte 0", "magic", "'PK"}},
      {"TextFile", "1,2,3\n4,5,6\n", {"byte 0", "magic"}},
      {"NoVersion", std::string("\x93NUMPY", 6), {"byte 6", "version"}},
      {"FutureVersion",
       std::string("\x93NUMPY\x09\x00\x10\x00", 10) + std::string(16, ' '),
       {"byte 6", "version 9.0"}},
      {"Complex", with_descr("<c16"), {"byte 10", "'<c16'", "complex"}},
      {"Object", with_descr("|O"), {"byte 10", "'|O'", "objects"}},
      {"Unicode", with_descr("<U5"), {"byte 10", "'<U5'", "strings"}},
      {"Bytes", with_descr("|S3"), {"byte 10", "'|S3'", "strings"}},
      {"Datetime", with_descr("<M8[ns]"), {"byte 10", "'<M8[ns]'", "dates"}},
      {"LongDouble", with_descr("<f16"), {"byte 10", "'<f16'", "long double"}},
      {"Structured",
       npy_file("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }",
                ""),
       {"byte ", "structured"}},
      {"ThreeD",
       npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }", ""),
       {"byte 10", "2-D", "(2, 3, 4)"}},
      {"OneD",
       npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", six),
       {"byte 10", "2-D", "(6,)"}},
      {"Scalar",
       npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", six),
       {"byte 10", "2-D", "()"}},
      {"TruncatedData", truncated, {"byte 171", "unexpected end of file", "48 bytes", "found 43"}},
      {"TruncatedHeader",
       npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "").substr(0, 30),
       {"byte 30", "unexpected end of file", "header"}},
      {"MissingShape",
       npy_file("{'descr': '<f8', 'fortran_order': False}", six),
       {"byte ", "'shape'"}},
      {"BadShape",
       npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }", six),
       {"byte ", "dimension"}},
      {"NotADict", npy_file("hello", six), {"byte 10", "malformed header", "'{'"}},
  };
}

TEST(IoNpy, MalformedFilesAreRejectedWithFileAndByte) {
  TempDir dir;
  for (const auto& bad : bad_npy_files()) {
    SCOPED_TRACE(bad.name);
    const std::string path = dir.file(std::string(bad.name) + ".npy");
    write_file(path, bad.content);
    const std::string message = expect_error<FormatError>([&] { read_npy(path); }, {});
    EXPECT_EQ(message.rfind(path + ":byte ", 0), 0U) << message;
    for (const auto part : bad.parts) {
      EXPECT_NE(message.find(part), std::string::npos)
          << "'" << message << "' lacks '" << part << "'";
    }
  }
}

TEST(IoNpy, MissingFileIsAnIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_npy(dir.file("nope.npy")); }, {"nope.npy", "no such file"});
}

}  // namespace
}  // namespace nmfkit::io
