#pragma once
// NumPy's legacy RandomState(seed), reproduced stream for stream: the same MT19937
// seeding, uniform doubles, polar-method normals (with the cached second value) and
// permutations. An integer random_state therefore starts nmfkit exactly where
// scikit-learn starts.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// A seed from the operating system's entropy, for random_state = None; callers record it
// so that such a run can be repeated.
std::uint32_t entropy_seed();

class RandomState {
 public:
  explicit RandomState(std::uint32_t seed);
  // RandomState(seed), or one seeded from entropy_seed() when there is no seed.
  static RandomState from_optional(const std::optional<std::uint32_t>& seed);

  std::uint32_t next_uint32();
  double random_sample();    // uniform on [0, 1) with 53 random bits
  double standard_normal();  // legacy_gauss: Marsaglia's polar method
  // Uniform integer in [0, max], by masked rejection as NumPy's random_interval.
  std::uint64_t random_interval(std::uint64_t max);
  // NumPy's permutation(n): a Fisher-Yates shuffle of 0..n-1 from the top down.
  std::vector<Index> permutation(Index n);

  // Fills in row-major (C) order, as NumPy fills an array of that shape.
  template <class T>
  void fill_standard_normal(DenseMatrix<T>& out);

 private:
  static constexpr int kStateSize = 624;
  void regenerate();

  std::array<std::uint32_t, kStateSize> state_{};
  int position_ = kStateSize;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

}  // namespace nmfkit
