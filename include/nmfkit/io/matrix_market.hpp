#pragma once
// Matrix Market exchange format (.mtx, optionally gzip-compressed as .mtx.gz).

#include <string>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io {

// "coordinate" files become CSR (duplicates summed, as scipy does; explicit zeros kept
// as stored entries; "pattern" entries are 1; symmetric and skew-symmetric files are
// expanded, "hermitian" being symmetric for real values); "array" files become dense.
// Fields real, double, integer, unsigned-integer and pattern are accepted; complex is
// rejected. Values are read as float64. Gzip input is detected from the content, not
// the name. Throws IoError (cannot open) or FormatError (file:line: what was expected).
AnyMatrix read_matrix_market(const std::string& path);

// Sparse matrices as "coordinate real general", dense ones as "array real general",
// each value as the shortest decimal that reads back to exactly the same float64 or
// float32 (at most 17 or 9 significant digits). A path ending in ".gz" is
// gzip-compressed. Written atomically.
void write_matrix_market(const std::string& path, const AnyMatrix& matrix);

}  // namespace nmfkit::io
