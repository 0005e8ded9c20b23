#pragma once
// Internal to the readers: an .h5ad file's CSR X read a block of rows at a time (for
// io/h5ad_rows.hpp). Each call runs HDF5 in a child process, as read_h5ad does
// (child_process.hpp), so a corrupt file ends the child, not the fit.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io::detail {

struct CsrLayout {
  Index rows = 0, cols = 0;
  DType dtype = DType::Float64;     // as read_h5ad would give X
  std::vector<std::int64_t> indptr;  // rows + 1 offsets into indices and data, checked
};

// X's shape, element type and row offsets, checked as read_h5ad checks them. A dense X,
// or a CSC one, throws InvalidArgument (they cannot be read by rows from their slices).
CsrLayout read_h5ad_csr_layout(const std::string& path, std::optional<DType> dtype);

// Rows [first, first + count) of X: their slices of /X/indices and /X/data, indices
// checked, sorted and repeats summed within each row, as read_h5ad does.
template <class T>
SparseMatrix<T> read_h5ad_csr_rows(const std::string& path, const CsrLayout& layout, Index first,
                                   Index count);

}  // namespace nmfkit::io::detail
