#pragma once
// Tensors of order N ≥ 3 for non-negative CP (ntf.hpp): a dense one in C order and a
// sparse one as a list of coordinates. Missing entries are NaN in either (a sparse tensor's
// unlisted entries are observed zeros).

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// An N-way array stored in C order: the last index moves fastest, as NumPy stores it.
template <class T>
struct DenseTensor {
  std::vector<Index> shape;
  std::vector<T> values;  // prod(shape) entries
};

// The listed entries of an N-way array; every other entry is 0. coords holds one row of
// N zero-based indices per entry, in the order of values.
template <class T>
struct SparseTensor {
  std::vector<Index> shape;
  std::vector<Index> coords;  // values.size() × N, row-major
  std::vector<T> values;
};

// The number of entries prod(shape), as a double so that a huge shape cannot overflow.
double entry_count(const std::vector<Index>& shape);

// "(10, 20, 30)", for messages.
std::string shape_text(const std::vector<Index>& shape);

// Throws InvalidArgument unless the shape has at least 3 modes, each of size ≥ 1.
void check_tensor_shape(const std::vector<Index>& shape);

// Throws InvalidArgument for a value that is negative or infinite (NaN means missing and
// passes), for a sparse coordinate outside the shape, or for a coordinate listed twice;
// the message names the entry. check_tensor_shape first.
template <class T>
void check_tensor(const DenseTensor<T>& X);
template <class T>
void check_tensor(const SparseTensor<T>& X);

// True when some entry is NaN (missing).
template <class T>
bool has_missing(const DenseTensor<T>& X);
template <class T>
bool has_missing(const SparseTensor<T>& X);

// The same array, dense: unlisted entries 0, listed ones (NaN included) in place.
template <class T>
DenseTensor<T> to_dense(const SparseTensor<T>& X);

}  // namespace nmfkit
