#include "nmfkit/io/matrix_file.hpp"

#include <cctype>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/anndata.hpp"
#include "nmfkit/io/delimited.hpp"
#include "nmfkit/io/matrix_market.hpp"
#include "nmfkit/io/npy.hpp"

namespace nmfkit::io {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

AnyMatrix read_any(const std::string& path, MatrixFormat format, std::optional<DType> dtype) {
  switch (format) {
    case MatrixFormat::MatrixMarket:
      return read_matrix_market(path);
    case MatrixFormat::Npy:
      return read_npy(path);
    case MatrixFormat::Csv:
      return std::move(read_delimited(path, ',').matrix);
    case MatrixFormat::Tsv:
      return std::move(read_delimited(path, '\t').matrix);
    case MatrixFormat::H5ad:
      break;
  }
  return read_h5ad(path, dtype).X;
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
  if (ends_with(name, ".h5ad") || ends_with(name, ".h5")) {
    if (gz) {
      throw InvalidArgument("'" + path +
                            "': compressed .h5ad files are not supported; use .h5ad "
                            "(HDF5 compresses inside the file)");
    }
    return MatrixFormat::H5ad;
  }
  if (ends_with(name, ".h5mu")) {
    throw InvalidArgument("'" + path +
                          "' is a MuData file of several matrices (modalities); a command that "
                          "takes one matrix needs one .h5ad, .mtx, .npy, .csv or .tsv");
  }
  if (ends_with(name, ".npy")) {
    if (gz) {
      throw InvalidArgument("'" + path + "': compressed .npy files are not supported; use .npy");
    }
    return MatrixFormat::Npy;
  }
  throw InvalidArgument("cannot tell the format of '" + path +
                        "' from its name; expected one of .mtx, .npy, .csv, .tsv or .txt "
                        "(each but .npy optionally followed by .gz), or .h5ad or 10x Genomics' .h5 to "
                        "read");
}

MatrixFormat output_format_from_path(const std::string& path) {
  const MatrixFormat format = format_from_path(path);
  if (format == MatrixFormat::H5ad) {
    throw InvalidArgument("cannot write '" + path +
                          "': nmfkit reads .h5ad (AnnData) but does not write it; write .mtx, "
                          ".npy, .csv or .tsv");
  }
  return format;
}

AnyMatrix read_matrix(const std::string& path, std::optional<DType> dtype) {
  const MatrixFormat format = format_from_path(path);
  detail::require_input_file(path);
  // Initialised, never assigned: moving an AnyMatrix that holds a sparse matrix copies
  // it (Eigen 3.4's SparseMatrix has no move constructor).
  AnyMatrix matrix = read_any(path, format, dtype);
  if (dtype) matrix.convert(*dtype);
  return matrix;
}

void write_matrix(const std::string& path, const AnyMatrix& matrix) {
  const MatrixFormat format = output_format_from_path(path);
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
    case MatrixFormat::H5ad:
      break;  // refused by output_format_from_path
  }
}

}  // namespace nmfkit::io
