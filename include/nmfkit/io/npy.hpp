#pragma once
// NumPy's .npy format, versions 1.0 to 3.0.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io {

// A 2-D array. float32 and float64 keep their type; integer, unsigned, bool and float16
// arrays become float64 (as scikit-learn converts them). Either byte order and either
// memory order (C or Fortran) are accepted. Complex, object, string, structured and
// non-2-D arrays are rejected with FormatError naming the dtype or shape and the byte
// offset of the header; a short file names the byte where the data ends. Bytes after
// the data are ignored, as np.load ignores them. Throws IoError when it cannot open.
AnyMatrix read_npy(const std::string& path);

// An array of any number of dimensions (a tensor's), with read_npy's dtypes and checks:
// its shape and its values in C order (the last index moving fastest) as a count × 1
// matrix, whatever the file's memory order.
struct NpyArray {
  std::vector<Index> shape;
  AnyMatrix values;
};
NpyArray read_npy_array(const std::string& path);

// A dense matrix as a little-endian, C-order .npy (version 1.0). Written atomically.
// Throws InvalidArgument for a sparse matrix.
void write_npy(const std::string& path, const AnyMatrix& matrix);

// A dense 1 × n or n × 1 matrix as a 1-D array of n values, as np.save writes a vector.
void write_npy_vector(const std::string& path, const AnyMatrix& values);

}  // namespace nmfkit::io
