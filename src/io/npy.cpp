#include "nmfkit/io/npy.hpp"

#include <bit>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "input_file.hpp"
#include "npy_layout.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "output_file.hpp"
#include "text_fields.hpp"

namespace nmfkit::io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;

enum class Kind { Float, Int, UInt, Bool };

struct ElementType {
  Kind kind = Kind::Float;
  std::size_t size = 8;
  bool swap = false;  // stored in the other byte order than this machine's
};

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

// The header is a Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
// numpy writes it, but hand-made and older files vary in spacing, quotes and trailing
// commas, so it is parsed rather than matched.
class HeaderParser {
 public:
  HeaderParser(const std::string& path, std::int64_t offset, std::string_view text)
      : path_(path), offset_(offset), text_(text) {}

  Header parse() {
    Header header;
    bool has_descr = false;
    bool has_order = false;
    bool has_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        skip_space();
        if (peek() == '[') {
          fail("structured dtypes (records with named fields) are not supported");
        }
        header.descr = string_literal();
        has_descr = true;
      } else if (key == "fortran_order") {
        header.fortran_order = boolean();
        has_order = true;
      } else if (key == "shape") {
        header.shape = tuple();
        has_shape = true;
      } else {
        fail("unexpected key " + detail::quote(key) + " in the header");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail_expected("',' or '}'");
    }
    if (!has_descr || !has_order || !has_shape) {
      fail("the header lacks one of 'descr', 'fortran_order' and 'shape'");
    }
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError::at_byte(path_, offset_ + static_cast<std::int64_t>(pos_), what);
  }
  [[noreturn]] void fail_expected(const std::string& what) const {
    const std::string found =
        pos_ < text_.size() ? detail::quote(text_.substr(pos_, 10)) : "the end of the header";
    fail("malformed header: expected " + what + ", found " + found);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail_expected(std::string("'") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail_expected("a quoted string");
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail_expected("a closing quote");
    std::string value(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return value;
  }
  bool boolean() {
    skip_space();
    if (text_.substr(pos_).starts_with("True")) {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_).starts_with("False")) {
      pos_ += 5;
      return false;
    }
    fail_expected("True or False");
  }
  std::vector<std::int64_t> tuple() {
    std::vector<std::int64_t> values;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      std::int64_t value = 0;
      if (!detail::parse_int64(text_.substr(start, pos_ - start), value)) {
        pos_ = start;
        fail_expected("a dimension (non-negative integer)");
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literals, in old files
      values.push_back(value);
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        fail_expected("',' or ')'");
      }
    }
    ++pos_;
    return values;
  }

  const std::string& path_;
  std::int64_t offset_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

ElementType parse_descr(const std::string& path, std::int64_t offset, const std::string& descr) {
  auto unsupported = [&](const std::string& why) -> FormatError {
    return FormatError::at_byte(path, offset,
                                "unsupported dtype " + detail::quote(descr) + " (" + why +
                                    "); expected a float, integer or bool array");
  };
  std::string_view text = descr;
  bool big_endian = std::endian::native == std::endian::big;
  if (!text.empty() && (text[0] == '<' || text[0] == '>' || text[0] == '|' || text[0] == '=')) {
    if (text[0] == '<') big_endian = false;
    if (text[0] == '>') big_endian = true;
    text.remove_prefix(1);
  }
  if (text.empty()) throw unsupported("empty type code");
  const char code = text[0];
  switch (code) {
    case 'c':
      throw unsupported("complex");
    case 'O':
      throw unsupported("Python objects");
    case 'U':
    case 'S':
    case 'a':
      throw unsupported("strings");
    case 'V':
      throw unsupported("raw or structured records");
    case 'M':
    case 'm':
      throw unsupported("dates or time spans");
    default:
      break;
  }
  std::int64_t size = 1;  // "?" alone is bool
  if (!(code == '?' && text.size() == 1) && !detail::parse_int64(text.substr(1), size)) {
    throw unsupported("unknown type code");
  }
  ElementType type;
  type.size = static_cast<std::size_t>(size);
  if (code == 'f') {
    if (size != 2 && size != 4 && size != 8)
      throw unsupported(size > 8 ? "long double" : "float size");
    type.kind = Kind::Float;
  } else if (code == 'i' || code == 'u') {
    if (size != 1 && size != 2 && size != 4 && size != 8) throw unsupported("integer size");
    type.kind = code == 'i' ? Kind::Int : Kind::UInt;
  } else if (code == 'b' || code == '?') {
    if (size != 1) throw unsupported("bool size");
    type.kind = Kind::Bool;
  } else {
    throw unsupported("unknown type code");
  }
  type.swap = type.size > 1 && big_endian != (std::endian::native == std::endian::big);
  return type;
}

template <class U>
U byteswap(U value) {
  if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(value));
  if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(value));
  if constexpr (sizeof(U) == 8) return static_cast<U>(__builtin_bswap64(value));
  return value;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000U) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1fU;
  std::uint32_t mantissa = h & 0x3ffU;
  std::uint32_t bits = 0;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000U | (mantissa << 13);  // inf or nan
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {
    // Subnormal half: normalise it, since every such value is normal as a float.
    exponent = 113;
    while ((mantissa & 0x400U) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffU) << 13);
  } else {
    bits = sign;
  }
  return std::bit_cast<float>(bits);
}

// One element of raw file bytes as a double.
template <class Raw>
double element(const unsigned char* bytes, bool swap) {
  Raw value;
  std::memcpy(&value, bytes, sizeof(Raw));
  if constexpr (sizeof(Raw) > 1) {
    if (swap) {
      using Bits =
          std::conditional_t<sizeof(Raw) == 2, std::uint16_t,
                             std::conditional_t<sizeof(Raw) == 4, std::uint32_t, std::uint64_t>>;
      value = std::bit_cast<Raw>(byteswap(std::bit_cast<Bits>(value)));
    }
  }
  return static_cast<double>(value);
}

using Converter = double (*)(const unsigned char*, bool);

Converter converter_for(const ElementType& type) {
  switch (type.kind) {
    case Kind::Float:
      if (type.size == 2) {
        return [](const unsigned char* b, bool swap) {
          std::uint16_t bits;
          std::memcpy(&bits, b, 2);
          return static_cast<double>(half_to_float(swap ? byteswap(bits) : bits));
        };
      }
      return type.size == 4 ? &element<float> : &element<double>;
    case Kind::Int:
      switch (type.size) {
        case 1:
          return &element<std::int8_t>;
        case 2:
          return &element<std::int16_t>;
        case 4:
          return &element<std::int32_t>;
        default:
          return &element<std::int64_t>;
      }
    case Kind::UInt:
      switch (type.size) {
        case 1:
          return &element<std::uint8_t>;
        case 2:
          return &element<std::uint16_t>;
        case 4:
          return &element<std::uint32_t>;
        default:
          return &element<std::uint64_t>;
      }
    case Kind::Bool:
      return [](const unsigned char* b, bool) { return *b != 0 ? 1.0 : 0.0; };
  }
  return nullptr;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

class NpyInput {
 public:
  explicit NpyInput(const std::string& path) : path_(path) {
    detail::require_input_file(path);
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) throw IoError("cannot open '" + path + "': " + detail::system_message(errno));
  }
  // Reads exactly `size` bytes or throws, naming what was being read.
  void read(void* data, std::size_t size, const std::string& what) {
    const std::size_t got = std::fread(data, 1, size, file_.get());
    if (got != size) {
      if (std::ferror(file_.get())) {
        throw IoError("cannot read '" + path_ + "': " + detail::system_message(errno));
      }
      throw FormatError::at_byte(path_, static_cast<std::int64_t>(offset_ + got),
                                 "unexpected end of file: expected " + what);
    }
    offset_ += size;
  }
  // Reads up to `size` bytes and says how many came.
  std::size_t read_some(void* data, std::size_t size) {
    const std::size_t got = std::fread(data, 1, size, file_.get());
    if (got != size && std::ferror(file_.get())) {
      throw IoError("cannot read '" + path_ + "': " + detail::system_message(errno));
    }
    offset_ += got;
    return got;
  }
  std::int64_t offset() const { return static_cast<std::int64_t>(offset_); }

 private:
  const std::string& path_;
  File file_;
  std::size_t offset_ = 0;
};

template <class T>
void swap_all(T* data, std::size_t count) {
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  for (std::size_t i = 0; i < count; ++i) {
    data[i] = std::bit_cast<T>(byteswap(std::bit_cast<Bits>(data[i])));
  }
}

// float32 and float64 in the file keep their type and are read straight into place.
template <class T>
AnyMatrix read_native(NpyInput& in, const ElementType& type, Index rows, Index cols, bool fortran,
                      const std::string& what) {
  const std::size_t count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  if (!fortran) {
    DenseMatrix<T> matrix(rows, cols);
    in.read(matrix.data(), count * sizeof(T), what);
    if (type.swap) swap_all(matrix.data(), count);
    return matrix;
  }
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor> column_major(rows, cols);
  in.read(column_major.data(), count * sizeof(T), what);
  if (type.swap) swap_all(column_major.data(), count);
  return DenseMatrix<T>(column_major);
}

AnyMatrix read_converted(NpyInput& in, const ElementType& type, Index rows, Index cols,
                         bool fortran, const std::string& what) {
  const std::size_t count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  std::vector<unsigned char> raw(count * type.size);
  in.read(raw.data(), raw.size(), what);
  const Converter convert = converter_for(type);
  DenseMatrix<double> matrix(rows, cols);
  std::size_t k = 0;
  if (fortran) {
    for (Index j = 0; j < cols; ++j) {
      for (Index i = 0; i < rows; ++i, k += type.size) matrix(i, j) = convert(&raw[k], type.swap);
    }
  } else {
    double* out = matrix.data();
    for (std::size_t e = 0; e < count; ++e, k += type.size) out[e] = convert(&raw[k], type.swap);
  }
  return matrix;
}

}  // namespace

namespace {

struct OpenedNpy {
  Header header;
  ElementType type;
  std::int64_t header_offset = 0;
};

// Reads the magic string, version and header, leaving `in` at the first data byte.
OpenedNpy read_header(NpyInput& in, const std::string& path) {
  // The magic string first, so that a file that is not .npy at all says so.
  unsigned char preamble[kMagicSize + 2] = {};
  const std::size_t got = in.read_some(preamble, sizeof preamble);
  if (got < kMagicSize || std::memcmp(preamble, kMagic, kMagicSize) != 0) {
    const std::string_view found(reinterpret_cast<const char*>(preamble),
                                 got < kMagicSize ? got : kMagicSize);
    throw FormatError::at_byte(
        path, 0,
        "expected the .npy magic string '\\x93NUMPY', found " +
            (got == 0 ? std::string("an empty file") : detail::quote(found)));
  }
  if (got < sizeof preamble) {
    throw FormatError::at_byte(path, static_cast<std::int64_t>(got),
                               "unexpected end of file: expected the format version");
  }
  const int major = preamble[kMagicSize];
  if (major < 1 || major > 3) {
    throw FormatError::at_byte(path, kMagicSize,
                               "unsupported .npy format version " + std::to_string(major) + "." +
                                   std::to_string(preamble[kMagicSize + 1]) +
                                   "; expected 1.0, 2.0 or 3.0");
  }
  // Version 1 has a 2-byte header length, later versions 4 bytes, both little-endian.
  unsigned char length_bytes[4] = {};
  const std::size_t length_size = major == 1 ? 2 : 4;
  in.read(length_bytes, length_size, "the header length");
  std::size_t header_length = 0;
  for (std::size_t i = length_size; i-- > 0;)
    header_length = (header_length << 8) | length_bytes[i];
  OpenedNpy opened;
  opened.header_offset = in.offset();
  // A corrupt length (up to 4 GB in versions 2 and 3) must not be allocated before the
  // file is known to hold it.
  std::error_code size_error;
  const auto size_of_file = std::filesystem::file_size(path, size_error);
  if (!size_error &&
      size_of_file < static_cast<std::uintmax_t>(opened.header_offset) + header_length) {
    throw FormatError::at_byte(path, static_cast<std::int64_t>(size_of_file),
                               "unexpected end of file: expected " +
                                   std::to_string(header_length) + " bytes of header");
  }
  std::string text(header_length, '\0');
  in.read(text.data(), header_length, std::to_string(header_length) + " bytes of header");
  opened.header = HeaderParser(path, opened.header_offset, text).parse();
  opened.type = parse_descr(path, opened.header_offset, opened.header.descr);
  return opened;
}

// Checks that the file holds `rows` × `cols` values after the header (the whole array
// when it is not 2-D: rows = the element count, cols = 1), before anything is allocated,
// and returns what they are for messages.
std::string checked_data(const NpyInput& in, const std::string& path, const OpenedNpy& opened,
                         std::int64_t rows, std::int64_t cols) {
  const Header& header = opened.header;
  std::int64_t bytes = 0;
  if (__builtin_mul_overflow(rows, cols, &bytes) ||
      __builtin_mul_overflow(bytes, static_cast<std::int64_t>(opened.type.size), &bytes)) {
    throw FormatError::at_byte(path, opened.header_offset,
                               "shape " + shape_text(header.shape) + " is too large");
  }
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  std::string what = std::to_string(bytes) + " bytes of data for shape " +
                     shape_text(header.shape) + " and dtype '" + header.descr + "'";
  if (!ec && file_size < static_cast<std::uintmax_t>(in.offset() + bytes)) {
    throw FormatError::at_byte(
        path, static_cast<std::int64_t>(file_size),
        "unexpected end of file: expected " + what + ", found " +
            std::to_string(static_cast<std::int64_t>(file_size) - in.offset()));
  }
  return what;
}

// The 2-D check of read_npy and read_npy_layout.
void require_matrix(const std::string& path, const OpenedNpy& opened) {
  if (opened.header.shape.size() != 2) {
    throw FormatError::at_byte(
        path, opened.header_offset,
        "expected a 2-D array, found shape " + shape_text(opened.header.shape) +
            (opened.header.shape.size() == 1 ? " (reshape it to (n, 1) or (1, n))" : ""));
  }
}

// Reads `rows` × `cols` values, checked by checked_data first.
AnyMatrix read_values(NpyInput& in, const std::string& path, const OpenedNpy& opened,
                      std::int64_t rows, std::int64_t cols, bool fortran) {
  const ElementType& type = opened.type;
  const std::string what = checked_data(in, path, opened, rows, cols);
  // An empty array has its shape and nothing else: no pass over a dimension the header
  // may make huge (fuzz_npy: shape (344444444444444, 0) in Fortran order).
  if (rows == 0 || cols == 0) {
    if (type.kind == Kind::Float && type.size == 4) return DenseMatrix<float>(rows, cols);
    return DenseMatrix<double>(rows, cols);
  }
  if (type.kind == Kind::Float && type.size == 4) {
    return read_native<float>(in, type, rows, cols, fortran, what);
  }
  if (type.kind == Kind::Float && type.size == 8) {
    return read_native<double>(in, type, rows, cols, fortran, what);
  }
  return read_converted(in, type, rows, cols, fortran, what);
}

// Fortran-ordered values (first index fastest) rearranged into C order (last fastest).
template <class T>
DenseMatrix<T> to_c_order(const DenseMatrix<T>& values, const std::vector<Index>& shape) {
  DenseMatrix<T> out(values.rows(), values.cols());
  const std::size_t modes = shape.size();
  std::vector<Index> index(modes, 0);
  std::vector<Index> fortran_stride(modes, 1);
  for (std::size_t m = 1; m < modes; ++m) fortran_stride[m] = fortran_stride[m - 1] * shape[m - 1];
  const Index count = values.size();
  Index source = 0;
  for (Index c = 0; c < count; ++c) {
    out.data()[c] = values.data()[source];
    // The next C-order index: the last mode moves fastest.
    for (std::size_t m = modes; m-- > 0;) {
      if (++index[m] < shape[m]) {
        source += fortran_stride[m];
        break;
      }
      source -= (shape[m] - 1) * fortran_stride[m];
      index[m] = 0;
    }
  }
  return out;
}

}  // namespace

AnyMatrix read_npy(const std::string& path) {
  NpyInput in(path);
  const OpenedNpy opened = read_header(in, path);
  require_matrix(path, opened);
  const Header& header = opened.header;
  return read_values(in, path, opened, header.shape[0], header.shape[1], header.fortran_order);
}

detail::NpyLayout detail::read_npy_layout(const std::string& path) {
  NpyInput in(path);
  const OpenedNpy opened = read_header(in, path);
  require_matrix(path, opened);
  const Header& header = opened.header;
  NpyLayout layout;
  layout.rows = header.shape[0];
  layout.cols = header.shape[1];
  layout.what = checked_data(in, path, opened, layout.rows, layout.cols);
  layout.fortran = header.fortran_order;
  layout.swap = opened.type.swap;
  layout.element_size = opened.type.size;
  if (opened.type.kind == Kind::Float && (opened.type.size == 4 || opened.type.size == 8)) {
    layout.dtype = opened.type.size == 4 ? DType::Float32 : DType::Float64;
  }
  layout.descr = header.descr;
  layout.data_offset = in.offset();
  return layout;
}

NpyArray read_npy_array(const std::string& path) {
  NpyInput in(path);
  const OpenedNpy opened = read_header(in, path);
  NpyArray array;
  array.shape.assign(opened.header.shape.begin(), opened.header.shape.end());
  std::int64_t count = 1;
  for (const std::int64_t extent : opened.header.shape) {
    if (__builtin_mul_overflow(count, extent, &count)) {
      throw FormatError::at_byte(path, opened.header_offset,
                                 "shape " + shape_text(opened.header.shape) + " is too large");
    }
  }
  array.values = read_values(in, path, opened, count, 1, false);
  if (opened.header.fortran_order && array.shape.size() > 1) {
    array.values.visit([&](auto& v) {
      using M = std::decay_t<decltype(v)>;
      if constexpr (!std::is_same_v<M, SparseMatrix<typename M::Scalar>>) {
        v = to_c_order(v, array.shape);
      }
    });
  }
  return array;
}

namespace {

// A dense matrix's values under the given shape ("(3, 4)" or "(12,)"), C order.
void write_dense_npy(const std::string& path, const AnyMatrix& matrix, const std::string& shape) {
  if (matrix.is_sparse()) {
    throw InvalidArgument("cannot write a sparse matrix to '" + path +
                          "': .npy holds dense arrays only");
  }
  AtomicFile file(path);
  detail::OutputFile out(file.temp_path(), path, false);
  matrix.visit([&](const auto& m) {
    using M = std::decay_t<decltype(m)>;
    if constexpr (!std::is_same_v<M, SparseMatrix<typename M::Scalar>>) {
      using T = typename M::Scalar;
      const char* descr = std::is_same_v<T, float> ? "<f4" : "<f8";
      std::string header = std::string("{'descr': '") + descr +
                           "', 'fortran_order': False, 'shape': " + shape + ", }";
      // Pad with spaces so the data starts on a 64-byte boundary, as numpy does.
      const std::size_t unpadded = kMagicSize + 4 + header.size() + 1;
      header.append((64 - unpadded % 64) % 64, ' ');
      header += '\n';
      const std::size_t length = header.size();
      const char preamble[4] = {1, 0, static_cast<char>(length & 0xff),
                                static_cast<char>(length >> 8)};
      out.write(std::string_view(kMagic, kMagicSize));
      out.write(std::string_view(preamble, 4));
      out.write(header);
      if constexpr (std::endian::native == std::endian::little) {
        out.write(m.data(), static_cast<std::size_t>(m.size()) * sizeof(T));
      } else {
        DenseMatrix<T> swapped = m;
        swap_all(swapped.data(), static_cast<std::size_t>(swapped.size()));
        out.write(swapped.data(), static_cast<std::size_t>(swapped.size()) * sizeof(T));
      }
    }
  });
  out.close();
  file.commit();
}

}  // namespace

void write_npy(const std::string& path, const AnyMatrix& matrix) {
  std::string shape = "(";
  shape.append(std::to_string(matrix.rows())).append(", ");
  shape.append(std::to_string(matrix.cols())).append(")");
  write_dense_npy(path, matrix, shape);
}

void write_npy_vector(const std::string& path, const AnyMatrix& values) {
  if (values.rows() != 1 && values.cols() != 1) {
    throw InvalidArgument("cannot write a " + std::to_string(values.rows()) + " × " +
                          std::to_string(values.cols()) + " matrix to '" + path +
                          "' as a vector: it needs one row or one column");
  }
  std::string shape = "(";
  shape.append(std::to_string(values.rows() * values.cols())).append(",)");
  write_dense_npy(path, values, shape);
}

}  // namespace nmfkit::io
