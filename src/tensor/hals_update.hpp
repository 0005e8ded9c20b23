#pragma once
// One HALS sweep over the columns of one mode's factor (Cichocki & Phan 2009, Algorithm 2),
// plain and weighted by a mask of observed entries. See nmfkit/tensor/ntf.hpp.

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/tensor/tensor.hpp"

namespace nmfkit::tensor_detail {

// a_r ← max(0, a_r + (M_r − A·G_r) / G_rr) for r = 0..k−1 in order, each using the columns
// already updated. Rows are independent, so the sweep runs row by row; a column whose G_rr
// is 0 (a component that vanished in another mode) is left as it is.
template <class T>
void hals_sweep(DenseMatrix<T>& A, const DenseMatrix<T>& M, const DenseMatrix<T>& G);

// The weighted sweep over the observed entries of a dense tensor in C order: for each row i
// of mode `mode` and each column r, a_ir ← max(0, Σ w (R + a_ir b) b / Σ w b²) with
// b = KR_before(p, r)·KR_after(s, r) the other modes' part of entry (p, i, s); `residual`
// (X − X̂ at observed entries) is kept up to date. Rows with no observed entry keep theirs.
template <class T>
void weighted_hals_sweep(DenseMatrix<T>& A, std::vector<T>& residual,
                         const std::vector<std::uint8_t>& observed, const DenseMatrix<T>& before,
                         const DenseMatrix<T>& after);

}  // namespace nmfkit::tensor_detail
