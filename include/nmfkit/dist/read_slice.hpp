#pragma once
// Each process of a distributed fit reads only its slice of X's rows from the input file
// (row_slice.hpp), where the format allows: a .npy of float32 or float64 (C order reads
// one span; Fortran order one span per column) and an .h5ad whose X is CSR (its row
// offsets, then the slice's part of the indices and values, by HDF5 hyperslab). The CSR
// row offsets balance the slices by non-zeros. The text formats (.mtx, .csv, .tsv) cannot
// be read by rows: process 0 parses them and sends each process its rows
// (scatter_rows.hpp). Other inputs (an .h5ad with a dense or CSC X, .npy of other dtypes)
// are read whole by every process.

#include <optional>
#include <string>
#include <variant>

#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/grid.hpp"
#include "nmfkit/dist/row_slice.hpp"

namespace nmfkit::dist {

using AnyRowSlice = std::variant<RowSlice<DenseMatrix<float>>, RowSlice<DenseMatrix<double>>,
                                 RowSlice<SparseMatrix<float>>, RowSlice<SparseMatrix<double>>>;

// This process's slice of `path` laid out by `grid` over comm's processes, the values
// converted to `dtype` when given; std::nullopt when the format cannot be read by rows, and
// for the text formats on one process (which holds X whole anyway). A collective call for
// the text formats. Throws as the whole-file readers do for missing or malformed files.
std::optional<AnyRowSlice> read_row_slice(const std::string& path, std::optional<DType> dtype,
                                          Grid grid, const Comm& comm);

// Whether read_row_slice has process 0 parse `path` and send each process its rows (the
// text formats) rather than each process reading its own. Throws InvalidArgument for a name
// whose format is unknown.
bool parsed_by_first_process(const std::string& path);

}  // namespace nmfkit::dist
