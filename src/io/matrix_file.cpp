#include "nmfkit/io/matrix_file.hpp"

#include <cctype>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/delimited.hpp"
#include "nmfkit/io/matrix_market.hpp"
#include "nmfkit/io/npy.hpp"

namespace nmfkit::io {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

MatrixFormat format_from_path(const std::string& path) {
  std::string name = path;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool gz = ends_with(name, ".gz");
  if (gz) name.resize(name.size() - 3);
  if (ends_with(name, ".mtx")) return MatrixFormat::MatrixMarket;
  if (ends_with(name, ".csv")) return MatrixFormat::Csv;
  if (ends_with(name, ".tsv") || ends_with(name, ".txt")) return MatrixFormat::Tsv;
  if (ends_with(name, ".npy")) {
    if (gz) {
      throw InvalidArgument("'" + path + "': compressed .npy files are not supported; use .npy");
    }
    return MatrixFormat::Npy;
  }
  throw InvalidArgument("cannot tell the format of '" + path +
                        "' from its name; expected one of .mtx, .npy, .csv, .tsv or .txt "
                        "(each but .npy optionally followed by .gz)");
}

AnyMatrix read_matrix(const std::string& path, std::optional<DType> dtype) {
  const MatrixFormat format = format_from_path(path);
  detail::require_input_file(path);
  AnyMatrix matrix;
  switch (format) {
    case MatrixFormat::MatrixMarket:
      matrix = read_matrix_market(path);
      break;
    case MatrixFormat::Npy:
      matrix = read_npy(path);
      break;
    case MatrixFormat::Csv:
      matrix = std::move(read_delimited(path, ',').matrix);
      break;
    case MatrixFormat::Tsv:
      matrix = std::move(read_delimited(path, '\t').matrix);
      break;
  }
  if (dtype) matrix.convert(*dtype);
  return matrix;
}

void write_matrix(const std::string& path, const AnyMatrix& matrix) {
  const MatrixFormat format = format_from_path(path);
  if (matrix.is_sparse() && format != MatrixFormat::MatrixMarket) {
    throw InvalidArgument("cannot write a sparse matrix to '" + path +
                          "': only .mtx stores sparse matrices (densify it first, or write .mtx)");
  }
  switch (format) {
    case MatrixFormat::MatrixMarket:
      write_matrix_market(path, matrix);
      break;
    case MatrixFormat::Npy:
      write_npy(path, matrix);
      break;
    case MatrixFormat::Csv:
      write_delimited(path, matrix, ',');
      break;
    case MatrixFormat::Tsv:
      write_delimited(path, matrix, '\t');
      break;
  }
}

}  // namespace nmfkit::io
