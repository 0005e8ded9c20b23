#pragma once
// Deterministic thinning for charts of big results: a report of a million documents
// draws a few thousand of them, the same ones every time, spread evenly over the order
// given (so that groups keep their shares and a sorted order stays sorted).

#include <cstddef>
#include <vector>

namespace nmfkit::report {

// min(n, cap) increasing indices into [0, n), evenly spaced, the first and the last
// included. cap 0 means no limit.
std::vector<std::size_t> evenly_spaced_indices(std::size_t n, std::size_t cap);

}  // namespace nmfkit::report
