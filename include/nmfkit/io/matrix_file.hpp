#pragma once
// Reading and writing a matrix whose format is given by the file name:
// .mtx, .npy, .csv, .tsv (.txt is read as TSV), each optionally with ".gz" (not .npy),
// and (reading only) .h5ad, whose X is the matrix.

#include <optional>
#include <string>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io {

enum class MatrixFormat { MatrixMarket, Npy, Csv, Tsv, H5ad };

// Throws InvalidArgument for an extension it does not know, listing the known ones.
MatrixFormat format_from_path(const std::string& path);

// format_from_path for a file to be written: also throws InvalidArgument for a format
// nmfkit reads but does not write (.h5ad), so a command can refuse before its work.
MatrixFormat output_format_from_path(const std::string& path);

// Reads the file; with `dtype`, converts the values to that element type.
// Throws IoError for a missing or unreadable file.
AnyMatrix read_matrix(const std::string& path, std::optional<DType> dtype = std::nullopt);

// Writes atomically in the format of the name. Sparse matrices can only go to .mtx;
// asking for another format densifies nothing and throws InvalidArgument, as does .h5ad.
void write_matrix(const std::string& path, const AnyMatrix& matrix);

}  // namespace nmfkit::io
