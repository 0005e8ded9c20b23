#pragma once
// NumPy's default sort order, ties included. scikit-learn picks features and top words
// with argsort(kind='quicksort'), whose order among equal keys is an artefact of NumPy's
// introsort; reproducing the algorithm step for step reproduces the selection.

#include <cstdint>
#include <span>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// np.argsort(values) (kind='quicksort', NumPy 1.24 without AVX-512 argsort): median-of-3
// quicksort, insertion sort below 17 elements, heapsort past a depth of 2·log2(n); NaN
// sorts last. Instantiated for double, float and std::int64_t.
template <class T>
std::vector<Index> numpy_argsort(std::span<const T> values);

}  // namespace nmfkit
