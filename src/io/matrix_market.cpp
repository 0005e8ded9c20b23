#include "nmfkit/io/matrix_market.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <new>
#include <vector>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"
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

[[noreturn]] void too_large(const LineReader& in, std::int64_t rows, std::int64_t cols) {
  throw FormatError::at_line(in.path(), in.line_number(),
                             "a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                 " matrix does not fit in memory");
}

// Both layouts take two passes over the file: the first checks every line and counts,
// the second fills storage of exactly the counted size. So memory never depends on what
// the size line claims, and no intermediate copy of the entries exists (a triplet list
// and Eigen's transposed temporary took 3.5 times the CSR at its peak). Reading twice
// costs a second parse, and for gzip a second decompression; see bench/README.md.

// Back at the line after the size line, for the second pass.
void skip_to_line(LineReader& in, std::int64_t line_number) {
  in.rewind();
  std::string_view line;
  while (in.line_number() < line_number) {
    if (!in.next(line)) break;
  }
}

[[noreturn]] void changed_while_reading(const LineReader& in) {
  throw FormatError::at_line(in.path(), in.line_number(),
                             "the file changed while it was being read");
}

struct CoordinateSize {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t entries = 0;
};

CoordinateSize parse_coordinate_size(const LineReader& in, const Header& header,
                                     std::string_view size_line) {
  std::string_view fields[4];
  const std::size_t count = detail::split_whitespace(size_line, fields, 4);
  if (count != 3) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               "expected 3 fields on the size line (rows columns entries), found " +
                                   std::to_string(count));
  }
  CoordinateSize size;
  size.rows = parse_count(in, fields[0], "rows");
  size.cols = parse_count(in, fields[1], "columns");
  size.entries = parse_count(in, fields[2], "entries");
  if (header.symmetry != Symmetry::General && size.rows != size.cols) {
    throw FormatError::at_line(in.path(), in.line_number(),
                               "a symmetric matrix must be square, found " +
                                   std::to_string(size.rows) + " x " + std::to_string(size.cols));
  }
  return size;
}

// Checks every entry line after the size line and calls add(i, j, value) for each
// entry, then for its mirror image when the file holds one triangle.
template <class Add>
void for_each_entry(LineReader& in, const Header& header, const CoordinateSize& size, Add&& add) {
  const bool pattern = header.field == Field::Pattern;
  const std::size_t expected_fields = pattern ? 2 : 3;
  const char* field_names = pattern ? "(row column)" : "(row column value)";
  std::string_view fields[4];
  std::int64_t seen = 0;
  std::string_view line;
  while (next_data_line(in, line)) {
    if (seen == size.entries) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "expected " + std::to_string(size.entries) +
                                     " entries (as the size line says), found more");
    }
    const std::size_t count = detail::split_whitespace(line, fields, 4);
    if (count != expected_fields) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "expected " + std::to_string(expected_fields) + " fields " +
                                     field_names + ", found " + std::to_string(count));
    }
    const std::int64_t i = parse_index(in, fields[0], "row", size.rows);
    const std::int64_t j = parse_index(in, fields[1], "column", size.cols);
    const double value = pattern ? 1.0 : parse_value(in, fields[2]);
    add(i, j, value);
    if (header.symmetry == Symmetry::Symmetric && i != j) {
      add(j, i, value);
    } else if (header.symmetry == Symmetry::SkewSymmetric) {
      if (i == j) {
        throw FormatError::at_line(in.path(), in.line_number(),
                                   "a skew-symmetric matrix has no diagonal entries, found (" +
                                       std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")");
      }
      add(j, i, -value);
    }
    ++seen;
  }
  if (seen < size.entries) {
    throw FormatError::at_line(in.path(), in.line_number() + 1,
                               "unexpected end of file: expected " + std::to_string(size.entries) +
                                   " entries (as the size line says), found " +
                                   std::to_string(seen));
  }
}

// Sorts each row by column and sums the entries of equal (row, column) in file order,
// as SciPy's sum_duplicates does (explicit zeros stay stored), closing the gaps that
// summing leaves. Rows that arrive sorted, as most writers produce them, are only scanned.
void sort_rows_and_sum_duplicates(SparseMatrix<double>& matrix) {
  auto* outer = matrix.outerIndexPtr();
  auto* column = matrix.innerIndexPtr();
  auto* value = matrix.valuePtr();
  std::vector<std::pair<std::int64_t, double>> row;
  std::int64_t write = 0;
  std::int64_t begin = outer[0];
  for (Index i = 0; i < matrix.rows(); ++i) {
    const std::int64_t end = outer[i + 1];
    if (!std::is_sorted(column + begin, column + end)) {
      row.clear();
      for (auto p = begin; p < end; ++p) row.emplace_back(column[p], value[p]);
      std::stable_sort(row.begin(), row.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto p = begin; p < end; ++p) {
        column[p] = row[static_cast<std::size_t>(p - begin)].first;
        value[p] = row[static_cast<std::size_t>(p - begin)].second;
      }
    }
    const std::int64_t row_start = write;
    for (auto p = begin; p < end; ++p) {
      if (write > row_start && column[write - 1] == column[p]) {
        value[write - 1] += value[p];
      } else {
        column[write] = column[p];
        value[write] = value[p];
        ++write;
      }
    }
    outer[i + 1] = write;
    begin = end;
  }
  matrix.resizeNonZeros(write);
}

AnyMatrix read_coordinate(LineReader& in, const Header& header, std::string_view size_line) {
  const CoordinateSize size = parse_coordinate_size(in, header, size_line);
  const std::int64_t size_line_number = in.line_number();
  const auto does_not_fit = [&] {
    return FormatError::at_line(in.path(), size_line_number,
                                "a " + std::to_string(size.rows) + " x " +
                                    std::to_string(size.cols) +
                                    " sparse matrix does not fit in memory");
  };

  // Pass 1: the entries of each row, counted where the row pointers will be. The matrix
  // is built inside the AnyMatrix returned: Eigen 3.4's SparseMatrix has no move
  // constructor, so returning a local one would copy it.
  AnyMatrix result{SparseMatrix<double>()};
  auto& matrix = std::get<SparseMatrix<double>>(result.storage());
  // The row pointers come from the size line alone, so a corrupt count must fail here
  // rather than allocate (and, with overcommit, touch) more than the machine has.
  if (static_cast<double>(size.rows + 1) * sizeof(std::int64_t) >
      static_cast<double>(available_memory())) {
    throw does_not_fit();
  }
  try {
    matrix.resize(size.rows, size.cols);  // zeroes the row pointers
  } catch (const std::bad_alloc&) {
    throw does_not_fit();
  }
  auto* outer = matrix.outerIndexPtr();
  for_each_entry(in, header, size, [&](std::int64_t i, std::int64_t, double) { ++outer[i + 1]; });
  for (std::int64_t i = 0; i < size.rows; ++i) outer[i + 1] += outer[i];
  const std::int64_t stored = outer[size.rows];

  // Pass 2: each entry into the next free place of its row, in file order.
  std::vector<std::int64_t> next;
  try {
    matrix.resizeNonZeros(stored);
    next.assign(outer, outer + size.rows);
  } catch (const std::bad_alloc&) {
    throw does_not_fit();
  }
  auto* column = matrix.innerIndexPtr();
  auto* value = matrix.valuePtr();
  skip_to_line(in, size_line_number);
  for_each_entry(in, header, size, [&](std::int64_t i, std::int64_t j, double v) {
    const auto place = next[static_cast<std::size_t>(i)]++;
    if (place >= outer[i + 1]) changed_while_reading(in);
    column[place] = j;
    value[place] = v;
  });
  for (std::int64_t i = 0; i < size.rows; ++i) {
    if (next[static_cast<std::size_t>(i)] != outer[i + 1]) changed_while_reading(in);
  }
  next = {};
  sort_rows_and_sum_duplicates(matrix);
  return result;
}

struct ArraySize {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t entries = 0;  // values in the file
};

ArraySize parse_array_size(const LineReader& in, const Header& header,
                           std::string_view size_line) {
  std::string_view fields[3];
  const std::size_t count = detail::split_whitespace(size_line, fields, 3);
  if (count != 2) {
    throw FormatError::at_line(
        in.path(), in.line_number(),
        "expected 2 fields on the size line (rows columns), found " + std::to_string(count));
  }
  ArraySize size;
  size.rows = parse_count(in, fields[0], "rows");
  size.cols = parse_count(in, fields[1], "columns");
  std::int64_t cells = 0;
  if (__builtin_mul_overflow(size.rows, size.cols, &cells)) too_large(in, size.rows, size.cols);
  size.entries = cells;
  if (header.symmetry != Symmetry::General) {
    if (size.rows != size.cols) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "a symmetric matrix must be square, found " +
                                     std::to_string(size.rows) + " x " +
                                     std::to_string(size.cols));
    }
    // Only the lower triangle is stored, without the diagonal when skew-symmetric.
    const std::int64_t below_diagonal = (cells - size.rows) / 2;  // no overflow: cells >= rows
    size.entries =
        header.symmetry == Symmetry::Symmetric ? below_diagonal + size.rows : below_diagonal;
  }
  return size;
}

// Checks every value line after the size line and calls add(k, value) for the k-th value.
template <class Add>
void for_each_value(LineReader& in, const ArraySize& size, Add&& add) {
  std::string_view fields[3];
  std::int64_t seen = 0;
  std::string_view line;
  while (next_data_line(in, line)) {
    if (seen == size.entries) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "expected " + std::to_string(size.entries) +
                                     " values (as the size line says), found more");
    }
    const std::size_t count = detail::split_whitespace(line, fields, 3);
    if (count != 1) {
      throw FormatError::at_line(in.path(), in.line_number(),
                                 "expected 1 field (value), found " + std::to_string(count));
    }
    add(seen, parse_value(in, fields[0]));
    ++seen;
  }
  if (seen < size.entries) {
    throw FormatError::at_line(in.path(), in.line_number() + 1,
                               "unexpected end of file: expected " + std::to_string(size.entries) +
                                   " values (as the size line says), found " +
                                   std::to_string(seen));
  }
}

AnyMatrix read_array(LineReader& in, const Header& header, std::string_view size_line) {
  const ArraySize size = parse_array_size(in, header, size_line);
  const std::int64_t size_line_number = in.line_number();
  for_each_value(in, size, [](std::int64_t, double) {});  // pass 1: the file is complete

  DenseMatrix<double> matrix;
  try {
    matrix.resize(size.rows, size.cols);
  } catch (const std::bad_alloc&) {
    throw FormatError::at_line(in.path(), size_line_number,
                               "a " + std::to_string(size.rows) + " x " +
                                   std::to_string(size.cols) + " matrix does not fit in memory");
  }
  skip_to_line(in, size_line_number);
  if (header.symmetry == Symmetry::General) {
    // Values run down the columns.
    for_each_value(in, size, [&](std::int64_t k, double v) {
      matrix(k % size.rows, k / size.rows) = v;
    });
    return matrix;
  }
  // The lower triangle column by column, mirrored (with the sign when skew-symmetric).
  const bool skew = header.symmetry == Symmetry::SkewSymmetric;
  std::int64_t i = skew ? 1 : 0;
  std::int64_t j = 0;
  if (skew) {
    for (std::int64_t d = 0; d < size.rows; ++d) matrix(d, d) = 0.0;
  }
  for_each_value(in, size, [&](std::int64_t, double v) {
    if (i >= size.rows) {  // next column, from the diagonal (or just below it)
      ++j;
      i = skew ? j + 1 : j;
    }
    matrix(i, j) = v;
    matrix(j, i) = skew ? -v : v;
    ++i;
  });
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
