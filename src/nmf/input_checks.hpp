#pragma once
// The checks fit() and transform() apply to their data before any work, with
// scikit-learn's wording where it has one.

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// Non-empty, finite, non-negative; and without zeros when β ≤ 0 (the updates would
// divide by zero). Throws InvalidArgument naming the first offending entry.
template <class Matrix>
void check_nmf_input(const Matrix& X, double beta);

}  // namespace nmfkit
