#pragma once
// Small matrices for tests, made from a seeded RandomState so every run sees the same data.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/random.hpp"

namespace nmfkit::testing {

// Runs call() and expects an InvalidArgument whose message contains `fragment`.
template <class Call>
void expect_invalid(Call call, const std::string& fragment) {
  try {
    call();
    ADD_FAILURE() << "expected InvalidArgument containing '" << fragment << "'";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// prefix0, prefix1, …: n names (samples, features) for the tests' data sets.
inline std::vector<std::string> numbered(const std::string& prefix, Index n) {
  std::vector<std::string> out;
  for (Index i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// |N(0,1)| entries (+ offset).
template <class T = double>
DenseMatrix<T> random_nonnegative(Index rows, Index cols, std::uint32_t seed, double offset = 0) {
  RandomState rng(seed);
  DenseMatrix<T> out(rows, cols);
  for (Index i = 0; i < out.size(); ++i)
    out.data()[i] = static_cast<T>(std::abs(rng.standard_normal()) + offset);
  return out;
}

// Roughly `density` of the entries kept, the rest zero.
template <class T = double>
SparseMatrix<T> random_sparse(Index rows, Index cols, double density, std::uint32_t seed) {
  RandomState rng(seed);
  std::vector<Eigen::Triplet<T, std::int64_t>> entries;
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) {
      const double keep = rng.random_sample();
      const double value = std::abs(rng.standard_normal()) + 0.01;
      if (keep < density) entries.emplace_back(i, j, static_cast<T>(value));
    }
  }
  SparseMatrix<T> out(rows, cols);
  out.setFromTriplets(entries.begin(), entries.end());
  return out;
}

// X = W·H with k planted parts: every part has rows and columns of its own (separable
// data, so the factorisation is unique up to order and scale).
inline DenseMatrix<double> planted(Index rows, Index cols, Index k, std::uint32_t seed,
                                   DenseMatrix<double>* H_out = nullptr) {
  DenseMatrix<double> W = random_nonnegative(rows, k, seed);
  DenseMatrix<double> H = random_nonnegative(k, cols, seed + 1);
  for (Index r = 0; r < k; ++r) {
    for (Index c = 0; c < k; ++c) {
      W(r, c) = r == c ? 1.0 : 0.0;  // sample r is pure part r
      H(r, c) = r == c ? 1.0 : 0.0;  // feature c belongs to part c only
    }
  }
  if (H_out) *H_out = H;
  return W * H;
}

}  // namespace nmfkit::testing
