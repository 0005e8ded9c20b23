#include "nmfkit/io/matrix_market.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <new>
#include <vector>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "output_file.hpp"
#include "text_fields.hpp"

namespace nmfkit::io {

namespace {

using detail::LineReader;

enum class Layout { Coordinate, Array };
enum class Field { Real, Integer, Pattern };
enum class Symmetry { General, Symmetric, SkewSymmetric };

struct Header {
  Layout layout = Layout::Coordinate;
  Field field = Field::Real;
  Symmetry symmetry = Symmetry::General;
};

constexpr const char* kBannerForm =
    "'%%MatrixMarket matrix coordinate|array real|integer|pattern "
    "general|symmetric|skew-symmetric'";

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Header parse_banner(const std::string& path, std::string_view line) {
  std::string_view tokens[6];
  const std::size_t count = detail::split_whitespace(line, tokens, 6);
  if (count == 0 || lower(tokens[0]) != "%%matrixmarket") {
    throw FormatError::at_line(
        path, 1,
        std::string("expected the banner ") + kBannerForm + ", found " + detail::quote(line));
  }
  if (count != 5) {
    throw FormatError::at_line(path, 1,
                               "expected 5 words in the banner (" + std::string(kBannerForm) +
                                   "), found " + std::to_string(count));
  }
  Header header;
  if (lower(tokens[1]) != "matrix") {
    throw FormatError::at_line(path, 1,
                               "expected the object 'matrix', found " + detail::quote(tokens[1]));
  }
  const std::string layout = lower(tokens[2]);
  if (layout == "coordinate") {
    header.layout = Layout::Coordinate;
  } else if (layout == "array") {
    header.layout = Layout::Array;
  } else {
    throw FormatError::at_line(
        path, 1, "expected the format 'coordinate' or 'array', found " + detail::quote(tokens[2]));
  }
  const std::string field = lower(tokens[3]);
  if (field == "real" || field == "double") {
    header.field = Field::Real;
  } else if (field == "integer" || field == "unsigned-integer") {
    header.field = Field::Integer;
  } else if (field == "pattern") {
    header.field = Field::Pattern;
  } else if (field == "complex") {
    throw FormatError::at_line(path, 1,
                               "complex matrices are not supported; expected the field 'real', "
                               "'integer' or 'pattern'");
  } else {
    throw FormatError::at_line(
        path, 1,
        "expected the field 'real', 'integer' or 'pattern', found " + detail::quote(tokens[3]));
  }
  const std::string symmetry = lower(tokens[4]);
  if (symmetry == "general") {
    header.symmetry = Symmetry::General;
  } else if (symmetry == "symmetric" || symmetry == "hermitian") {  // real hermitian = symmetric
    header.symmetry = Symmetry::Symmetric;
  } else if (symmetry == "skew-symmetric") {
    header.symmetry = Symmetry::SkewSymmetric;
  } else {
    throw FormatError::at_line(
        path, 1,
        "expected the symmetry 'general', 'symmetric' or 'skew-symmetric', found " +
            detail::quote(tokens[4]));
  }
  if (header.layout == Layout::Array && header.field == Field::Pattern) {
    throw FormatError::at_line(path, 1, "the field 'pattern' is only valid with 'coordinate'");
  }
  return header;
}

bool is_comment_or_blank(std::string_view line) {
  return (!line.empty() && line.front() == '%') || detail::is_blank(line);
}

// The next line that holds data, or false at the end of the file.
bool next_data_line(LineReader& in, std::string_view& line) {
  while (in.next(line)) {
    if (!is_comment_or_blank(line)) return true;
  }
  return false;
}

std::int64_t parse_count(const LineReader& in, std::string_view text, const char* what) {
  std::int64_t value = 0;
  if (!detail::parse_int64(text, value) || value < 0) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               std::string("expected a non-negative integer for the number of ") +
                                   what + ", found " + detail::quote(text));
  }
  return value;
}

std::int64_t parse_index(const LineReader& in, std::string_view text, const char* what,
                         std::int64_t size) {
  std::int64_t value = 0;
  if (!detail::parse_int64(text, value) || value < 1 || value > size) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               std::string("expected a ") + what + " index between 1 and " +
                                   std::to_string(size) + ", found " + detail::quote(text));
  }
  return value - 1;
}

double parse_value(const LineReader& in, std::string_view text) {
  double value = 0;
  if (!detail::parse_double(text, value)) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               "expected a number for the value, found " + detail::quote(text));
  }
  return value;
}

// A corrupt size line must not make us reserve terabytes; vectors grow past this.
constexpr std::int64_t kMaxReserve = std::int64_t{1} << 24;

[[noreturn]] void too_large(const LineReader& in, std::int64_t rows, std::int64_t cols) {
  throw FormatError::at_line(in.path(), in.line_number(),
                             "a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                 " matrix does not fit in memory");
}

AnyMatrix read_coordinate(LineReader& in, const Header& header, std::string_view size_line) {
  std::string_view fields[4];
  std::size_t count = detail::split_whitespace(size_line, fields, 4);
  if (count != 3) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               "expected 3 fields on the size line (rows columns entries), found " +
                                   std::to_string(count));
  }
  const std::int64_t rows = parse_count(in, fields[0], "rows");
  const std::int64_t cols = parse_count(in, fields[1], "columns");
  const std::int64_t entries = parse_count(in, fields[2], "entries");
  if (header.symmetry != Symmetry::General && rows != cols) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               "a symmetric matrix must be square, found " + std::to_string(rows) +
                                   " x " + std::to_string(cols));
  }
  const std::int64_t size_line_number = in.line_number();

  const bool pattern = header.field == Field::Pattern;
  const std::size_t expected_fields = pattern ? 2 : 3;
  const char* field_names = pattern ? "(row column)" : "(row column value)";
  std::vector<Eigen::Triplet<double, std::int64_t>> triplets;
  triplets.reserve(static_cast<std::size_t>(std::min(entries, kMaxReserve)) *
                   (header.symmetry == Symmetry::General ? 1 : 2));

  std::int64_t seen = 0;
  std::string_view line;
  while (next_data_line(in, line)) {
    if (seen == entries) {
      throw FormatError::at_line(
          in.path(), in.line_number(),
          "expected " + std::to_string(entries) + " entries (as the size line says), found more");
    }
    count = detail::split_whitespace(line, fields, 4);
    if (count != expected_fields) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "expected " + std::to_string(expected_fields) + " fields " +
                                     field_names + ", found " + std::to_string(count));
    }
    const std::int64_t i = parse_index(in, fields[0], "row", rows);
    const std::int64_t j = parse_index(in, fields[1], "column", cols);
    const double value = pattern ? 1.0 : parse_value(in, fields[2]);
    triplets.emplace_back(i, j, value);
    if (header.symmetry == Symmetry::Symmetric && i != j) {
      triplets.emplace_back(j, i, value);
    } else if (header.symmetry == Symmetry::SkewSymmetric) {
      if (i == j) {
        throw FormatError::at_line(in.path(), in.line_number(),
                                   "a skew-symmetric matrix has no diagonal entries, found (" +
                                       std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")");
      }
      triplets.emplace_back(j, i, -value);
    }
    ++seen;
  }
  if (seen < entries) {
    throw FormatError::at_line(in.path(), in.line_number() + 1,
                               "unexpected end of file: expected " + std::to_string(entries) +
                                   " entries (as the size line says), found " +
                                   std::to_string(seen));
  }
  SparseMatrix<double> matrix;
  try {
    matrix.resize(rows, cols);
    matrix.setFromTriplets(triplets.begin(), triplets.end());  // sums duplicates, as scipy does
  } catch (const std::bad_alloc&) {
    throw FormatError::at_line(in.path(), size_line_number,
                               "a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                   " sparse matrix does not fit in memory");
  }
  return matrix;
}

AnyMatrix read_array(LineReader& in, const Header& header, std::string_view size_line) {
  std::string_view fields[3];
  std::size_t count = detail::split_whitespace(size_line, fields, 3);
  if (count != 2) {
    throw FormatError::at_line(
        in.path(), in.line_number(),
        "expected 2 fields on the size line (rows columns), found " + std::to_string(count));
  }
  const std::int64_t rows = parse_count(in, fields[0], "rows");
  const std::int64_t cols = parse_count(in, fields[1], "columns");
  std::int64_t size = 0;
  if (__builtin_mul_overflow(rows, cols, &size)) too_large(in, rows, cols);
  std::int64_t entries = size;
  if (header.symmetry != Symmetry::General) {
    if (rows != cols) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "a symmetric matrix must be square, found " +
                                     std::to_string(rows) + " x " + std::to_string(cols));
    }
    // Only the lower triangle is stored, without the diagonal when skew-symmetric.
    const std::int64_t below_diagonal = (size - rows) / 2;  // no overflow: size >= rows
    entries = header.symmetry == Symmetry::Symmetric ? below_diagonal + rows : below_diagonal;
  }

  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(std::min(entries, kMaxReserve)));
  std::string_view line;
  while (next_data_line(in, line)) {
    if (static_cast<std::int64_t>(values.size()) == entries) {
      throw FormatError::at_line(
          in.path(), in.line_number(),
          "expected " + std::to_string(entries) + " values (as the size line says), found more");
    }
    count = detail::split_whitespace(line, fields, 3);
    if (count != 1) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "expected 1 field (value), found " + std::to_string(count));
    }
    values.push_back(parse_value(in, fields[0]));
  }
  if (static_cast<std::int64_t>(values.size()) < entries) {
    throw FormatError::at_line(in.path(), in.line_number() + 1,
                               "unexpected end of file: expected " + std::to_string(entries) +
                                   " values (as the size line says), found " +
                                   std::to_string(values.size()));
  }

  DenseMatrix<double> matrix(rows, cols);
  if (header.symmetry == Symmetry::General) {
    // Values run down the columns.
    matrix = Eigen::Map<const Eigen::MatrixXd>(values.data(), rows, cols);
    return matrix;
  }
  const double sign = header.symmetry == Symmetry::Symmetric ? 1.0 : -1.0;
  std::size_t k = 0;
  for (std::int64_t j = 0; j < cols; ++j) {
    if (header.symmetry == Symmetry::SkewSymmetric) matrix(j, j) = 0.0;
    for (std::int64_t i = header.symmetry == Symmetry::Symmetric ? j : j + 1; i < rows; ++i) {
      matrix(i, j) = values[k];
      matrix(j, i) = i == j ? values[k] : sign * values[k];
      ++k;
    }
  }
  return matrix;
}

template <class T>
void write_coordinate(detail::OutputFile& out, const SparseMatrix<T>& matrix) {
  out.write("%%MatrixMarket matrix coordinate real general\n% written by nmfkit\n");
  std::string size = std::to_string(matrix.rows()) + " " + std::to_string(matrix.cols()) + " " +
                     std::to_string(matrix.nonZeros()) + "\n";
  out.write(size);
  std::string row_prefix;
  for (Index i = 0; i < matrix.outerSize(); ++i) {
    row_prefix = std::to_string(i + 1) + " ";
    for (typename SparseMatrix<T>::InnerIterator it(matrix, i); it; ++it) {
      out.write(row_prefix);
      out.number(static_cast<std::int64_t>(it.col() + 1));
      out.put(' ');
      out.number(it.value());
      out.put('\n');
    }
  }
}

template <class T>
void write_array(detail::OutputFile& out, const DenseMatrix<T>& matrix) {
  out.write("%%MatrixMarket matrix array real general\n% written by nmfkit\n");
  out.write(std::to_string(matrix.rows()) + " " + std::to_string(matrix.cols()) + "\n");
  for (Index j = 0; j < matrix.cols(); ++j) {
    for (Index i = 0; i < matrix.rows(); ++i) {
      out.number(matrix(i, j));
      out.put('\n');
    }
  }
}

}  // namespace

AnyMatrix read_matrix_market(const std::string& path) {
  LineReader in(path);
  std::string_view line;
  if (!in.next(line)) {
    throw FormatError::at_line(
        path, 1, std::string("the file is empty; expected the banner ") + kBannerForm);
  }
  const Header header = parse_banner(path, line);
  if (!next_data_line(in, line)) {
    throw FormatError::at_line(path, in.line_number() + 1,
                               "unexpected end of file: expected the size line");
  }
  try {
    return header.layout == Layout::Coordinate ? read_coordinate(in, header, line)
                                               : read_array(in, header, line);
  } catch (const std::bad_alloc&) {
    throw FormatError(path, "line " + std::to_string(in.line_number()),
                      "the matrix does not fit in memory");
  }
}

void write_matrix_market(const std::string& path, const AnyMatrix& matrix) {
  AtomicFile file(path);
  detail::OutputFile out(file.temp_path(), path, detail::has_gz_suffix(path));
  matrix.visit([&](const auto& m) {
    using M = std::decay_t<decltype(m)>;
    if constexpr (std::is_same_v<M, SparseMatrix<typename M::Scalar>>) {
      write_coordinate(out, m);
    } else {
      write_array(out, m);
    }
  });
  out.close();
  file.commit();
}

}  // namespace nmfkit::io
