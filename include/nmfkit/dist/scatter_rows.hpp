#pragma once
// Text matrix files (.mtx, .csv, .tsv, each optionally .gz) cannot be read by rows: where a
// row starts is known only once everything before it is parsed, and a .mtx may list its
// entries in any order. So under several processes process 0 parses the file whole, with
// the reader and the dtype rules of a single-process run (io::read_matrix, so the values are
// the same), plans the slices as plan_slices does for that X (balanced by the CSR row
// offsets' non-zeros; dense rows weigh the same), and sends each process its rows in one
// collective. The other processes never hold X whole; process 0 releases it once its rows
// are packed, before the fit. Process 0 still needs memory for X and the packed rows
// together, so big inputs are better converted (a dense X to .npy, a sparse one to a CSR
// .h5ad), which each process reads by its own rows (read_slice.hpp).

#include <optional>
#include <string>

#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/grid.hpp"
#include "nmfkit/dist/read_slice.hpp"

namespace nmfkit::dist {

// Every process's slice of `path` laid out by `grid`, parsed by process 0 and scattered: a
// collective call. The slices and their plan are those of slice_of(X, rank, plan_slices(…,
// row work of X)) for X = io::read_matrix(path, dtype). A failure on process 0 (a missing or
// malformed file, a grid of the wrong size, X too large for one message) is thrown on every
// process alike, with the same type and message, so none waits for rows that never come.
AnyRowSlice scatter_row_slice(const std::string& path, std::optional<DType> dtype, Grid grid,
                              const Comm& comm);

}  // namespace nmfkit::dist
