#pragma once
// initialize() (nmf/init.hpp) for an m × n X known only through its products and its mean
// (X spread over processes): the same factors as from X itself, to the products' rounding.

#include <cstdint>
#include <optional>

#include "nmfkit/linalg/randomized_svd_products.hpp"
#include "nmfkit/nmf/init.hpp"

namespace nmfkit {

template <class T>
Factors<T> initialize(Index m, Index n, T mean, const linalg::Product<T>& times,
                      const linalg::Product<T>& transpose_times, Index k, Init init,
                      const std::optional<std::uint32_t>& random_state, linalg::SvdArithmetic svd);

}  // namespace nmfkit
