#pragma once
// The checks fit() and transform() apply to their data before any work, with
// scikit-learn's wording where it has one.

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/matrix_summary.hpp"

namespace nmfkit {

// Non-empty, finite, non-negative; and without zeros when β ≤ 0 (the updates would
// divide by zero). Throws InvalidArgument naming the first offending entry.
// Non-empty and finite (NaN and infinity named with the first offending entry); returns
// the summary for further checks.
template <class Matrix>
MatrixSummary check_finite_input(const Matrix& X);

template <class Matrix>
void check_nmf_input(const Matrix& X, double beta);

// That a fit of k components to an m × n matrix of `scalar_size`-byte numbers can run:
// k at most m·n, and the memory every solver needs at least (W, H, the right-hand sides
// X·Hᵀ and Xᵀ·W, the k × k Gram matrices WᵀW and HHᵀ) within the available memory.
// Throws InvalidArgument naming n_components.
void check_components(Index m, Index n, Index k, std::size_t scalar_size);

}  // namespace nmfkit
