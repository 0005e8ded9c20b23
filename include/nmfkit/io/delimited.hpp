#pragma once
// Delimited text: CSV and TSV, optionally gzip-compressed.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io {

struct DelimitedTable {
  AnyMatrix matrix;                       // dense float64
  std::vector<std::string> column_names;  // from a header line; empty when there is none
};

// One row per line, the same number of numeric fields on every line. A first line
// with any non-numeric field is taken as the header (names lose surrounding double
// quotes; quoted fields are not otherwise understood). Blank lines, lines starting with
// '#' (as np.loadtxt skips them), spaces around fields, a UTF-8 byte order mark and
// "\r\n" line ends are accepted. Values "nan" and "inf" parse (the NMF input checks
// reject them later with a clear message). Gzip input is recognised by its content.
// Throws IoError (cannot open) or FormatError with file:line and the field that is wrong.
DelimitedTable read_delimited(const std::string& path, char delimiter);

// A dense matrix, each value as the shortest decimal that reads back to exactly the same
// float64 or float32 (at most 17 or 9 significant digits), with an optional header line.
// Written atomically; ".gz" compresses. Throws InvalidArgument for a sparse matrix, a
// wrong number of names, or a name holding the delimiter or a line break.
void write_delimited(const std::string& path, const AnyMatrix& matrix, char delimiter,
                     const std::vector<std::string>& column_names = {});

}  // namespace nmfkit::io
