#pragma once
// A fit of X spread over processes from the rows each one holds (dist/row_slice.hpp: read
// from a file by dist::read_row_slice, or cut from X by dist::slice_of): no process needs
// X whole (docs/distributed.md).

#include <type_traits>

#include "nmfkit/dist/row_slice.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit {

// options.comm is required; the slice's plan fixes the layout (options.grid is not used).
// The standard model with hals, anls, anls-bpp, scd and mu (β = 1, 2); the same result as
// fit(X, options) with options.comm, within docs/distributed.md's tolerances. Throws
// InvalidArgument on every process alike for bad data (the single-process messages).
template <class T>
NmfResult<T> fit(dist::RowSlice<DenseMatrix<T>> slice, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom = nullptr,
                 const Progress& progress = {});
template <class T>
NmfResult<T> fit(dist::RowSlice<SparseMatrix<T>> slice, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom = nullptr,
                 const Progress& progress = {});

}  // namespace nmfkit
