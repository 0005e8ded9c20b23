#pragma once
// Tensor inputs for non-negative CP (tensor/ntf.hpp).
//
// Dense: a .npy array of 3 or more dimensions (read_npy_array), any memory order.
//
// Sparse: coordinate text as FROSTT's .tns files write it, one entry per line,
//   i₁ i₂ … i_N value
// indices 1-based (FROSTT's convention), fields separated by spaces or tabs, lines that
// are blank or start with '#' skipped, gzip accepted. The value "nan" marks an entry as
// missing; every unlisted entry is an observed 0. The number of modes is the field count
// of the first entry, and the shape is the largest index in each mode unless given.

#include <optional>
#include <string>
#include <vector>

#include "nmfkit/io/npy.hpp"
#include "nmfkit/tensor/tensor.hpp"

namespace nmfkit::io {

// The array as a tensor of element type T (converted when the file holds the other).
// Throws InvalidArgument for fewer than 3 dimensions, naming the file.
template <class T>
DenseTensor<T> dense_tensor(NpyArray array, const std::string& path);

// Throws FormatError naming the file and line for a malformed line, a line with another
// number of fields than the first, an index below 1 or beyond `shape`, a negative or
// infinite value, or coordinates listed twice (naming both lines); InvalidArgument for
// fewer than 3 modes or a `shape` of another length than the entries.
template <class T>
SparseTensor<T> read_tns(const std::string& path,
                         const std::optional<std::vector<Index>>& shape = std::nullopt);

}  // namespace nmfkit::io
