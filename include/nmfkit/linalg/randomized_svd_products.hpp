#pragma once
// randomized_svd (randomized_svd.hpp) for an X known only through its products: a matrix
// spread over processes (dist/distributed_operator.hpp) multiplies, but is nowhere whole.

#include <functional>

#include "nmfkit/linalg/randomized_svd.hpp"

namespace nmfkit::linalg {

// X·Q or Xᵀ·Q.
template <class T>
using Product = std::function<DenseMatrix<T>(const DenseMatrix<T>&)>;

// The same algorithm, draws and signs for an m × n X with times(Q) = X·Q and
// transpose_times(Q) = Xᵀ·Q: the factors of randomized_svd(X) to the products' rounding.
template <class T>
Svd<T> randomized_svd(Index m, Index n, const Product<T>& times, const Product<T>& transpose_times,
                      Index k, RandomState& rng, const RandomizedSvdOptions& options = {});

}  // namespace nmfkit::linalg
