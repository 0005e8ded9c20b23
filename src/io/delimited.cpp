#include "nmfkit/io/delimited.hpp"

#include <new>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "output_file.hpp"
#include "text_fields.hpp"

namespace nmfkit::io {

namespace {

std::string delimiter_name(char delimiter) {
  switch (delimiter) {
    case '\t':
      return "tabs";
    case ',':
      return "commas";
    case ';':
      return "semicolons";
    case ' ':
      return "spaces";
    default:
      return std::string("'") + delimiter + "'";
  }
}

// A field that fails to parse but holds another common separator is likely a file
// written with other delimiters than the name says; say so.
std::string separator_hint(std::string_view field, char delimiter) {
  for (char other : {',', '\t', ';', ' '}) {
    if (other != delimiter && field.find(other) != std::string_view::npos) {
      return " (this file is read with fields separated by " + delimiter_name(delimiter) +
             "; the field contains " + delimiter_name(other) + ")";
    }
  }
  return "";
}

std::string unquote(std::string_view name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return std::string(name);
}

}  // namespace

DelimitedTable read_delimited(const std::string& path, char delimiter) {
  detail::LineReader in(path);
  DelimitedTable table;
  std::vector<double> values;
  std::vector<std::string_view> fields;
  std::size_t cols = 0;
  std::int64_t rows = 0;
  std::int64_t first_line = 0;  // where the column count was set, for messages
  std::string_view line;
  try {
    while (in.next(line)) {
      // '#' lines are comments, as np.loadtxt treats them (np.savetxt writes its header so).
      if (detail::is_blank(line) || line.front() == '#') continue;
      detail::split_delimited(line, delimiter, fields);
      if (first_line == 0) {
        first_line = in.line_number();
        cols = fields.size();
        const std::size_t before = values.size();
        bool numeric = true;
        for (const auto field : fields) {
          double value = 0;
          if (!detail::parse_double(field, value)) {
            numeric = false;
            break;
          }
          values.push_back(value);
        }
        if (!numeric) {
          values.resize(before);
          for (const auto field : fields) table.column_names.push_back(unquote(field));
        } else {
          ++rows;
        }
        continue;
      }
      if (fields.size() != cols) {
        throw FormatError::at_line(
            path, in.line_number(),
            "expected " + std::to_string(cols) + " fields, found " + std::to_string(fields.size()) +
                " (line " + std::to_string(first_line) + " has " + std::to_string(cols) + ")" +
                (fields.size() == 1 ? separator_hint(fields[0], delimiter) : ""));
      }
      for (std::size_t k = 0; k < cols; ++k) {
        double value = 0;
        if (!detail::parse_double(fields[k], value)) {
          const std::string found = fields[k].empty() ? "an empty field" : detail::quote(fields[k]);
          throw FormatError::at_line(path, in.line_number(),
                                     "field " + std::to_string(k + 1) +
                                         ": expected a number, found " + found +
                                         separator_hint(fields[k], delimiter));
        }
        values.push_back(value);
      }
      ++rows;
    }
  } catch (const std::bad_alloc&) {
    throw FormatError::at_line(path, in.line_number(), "the matrix does not fit in memory");
  }
  const auto n_cols = rows == 0 && table.column_names.empty() ? Index{0} : static_cast<Index>(cols);
  DenseMatrix<double> matrix(rows, n_cols);
  if (!values.empty()) {
    matrix = Eigen::Map<const DenseMatrix<double>>(values.data(), rows, n_cols);
  }
  table.matrix = std::move(matrix);
  return table;
}

void write_delimited(const std::string& path, const AnyMatrix& matrix, char delimiter,
                     const std::vector<std::string>& column_names) {
  if (matrix.is_sparse()) {
    throw InvalidArgument("cannot write a sparse matrix to '" + path +
                          "': delimited text holds dense matrices only");
  }
  if (!column_names.empty()) {
    if (static_cast<Index>(column_names.size()) != matrix.cols()) {
      throw InvalidArgument("cannot write '" + path + "': " + std::to_string(column_names.size()) +
                            " column names for " + std::to_string(matrix.cols()) + " columns");
    }
    for (const auto& name : column_names) {
      if (name.find_first_of(std::string{delimiter, '\n', '\r'}) != std::string::npos) {
        throw InvalidArgument("cannot write '" + path + "': the column name " +
                              detail::quote(name) + " contains the delimiter or a line break");
      }
    }
  }
  AtomicFile file(path);
  detail::OutputFile out(file.temp_path(), path, detail::has_gz_suffix(path));
  for (std::size_t k = 0; k < column_names.size(); ++k) {
    if (k > 0) out.put(delimiter);
    out.write(column_names[k]);
  }
  if (!column_names.empty()) out.put('\n');
  matrix.visit([&](const auto& m) {
    using M = std::decay_t<decltype(m)>;
    if constexpr (!std::is_same_v<M, SparseMatrix<typename M::Scalar>>) {
      for (Index i = 0; i < m.rows(); ++i) {
        for (Index j = 0; j < m.cols(); ++j) {
          if (j > 0) out.put(delimiter);
          out.number(m(i, j));
        }
        out.put('\n');
      }
    }
  });
  out.close();
  file.commit();
}

}  // namespace nmfkit::io
