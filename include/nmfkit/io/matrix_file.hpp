#pragma once
// Reading and writing a matrix whose format is given by the file name:
// .mtx, .npy, .csv, .tsv (.txt is read as TSV), each optionally with ".gz" (not .npy).

#include <optional>
#include <string>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io {

enum class MatrixFormat { MatrixMarket, Npy, Csv, Tsv };

// Throws InvalidArgument for an extension it does not know, listing the known ones.
MatrixFormat format_from_path(const std::string& path);

// Reads the file; with `dtype`, converts the values to that element type.
// Throws IoError for a missing or unreadable file.
AnyMatrix read_matrix(const std::string& path, std::optional<DType> dtype = std::nullopt);

// Writes atomically in the format of the name. Sparse matrices can only go to .mtx;
// asking for another format densifies nothing and throws InvalidArgument.
void write_matrix(const std::string& path, const AnyMatrix& matrix);

}  // namespace nmfkit::io
