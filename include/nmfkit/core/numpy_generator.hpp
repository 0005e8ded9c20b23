#pragma once
// NumPy's numpy.random.default_rng(seed), reproduced stream for stream: SeedSequence
// seeding of a PCG64 bit generator and the Generator methods that mTopic and the other
// Python references nmfkit is compared with use (uniforms, ziggurat normals and
// exponentials, gammas, bounded integers, choice, permutations). An integer seed given to
// nmfkit therefore starts where the same seed starts a Python run on the new API.
// (The legacy numpy.random.RandomState is RandomState in random.hpp.)

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

class NumpyGenerator {
 public:
  // == np.random.default_rng(seed) for a non-negative integer seed.
  explicit NumpyGenerator(std::uint64_t seed);

  // PCG64's raw 64-bit output (bit_generator.random_raw()).
  std::uint64_t next_uint64();
  // The bit generator's 32-bit draw: the low half of a fresh 64-bit output, then its high
  // half at the next call. The half-used word survives 64-bit draws in between, as in NumPy.
  std::uint32_t next_uint32();

  double random();                // Generator.random(): uniform on [0, 1) with 53 random bits
  double standard_normal();       // Generator.standard_normal(): 256-layer ziggurat
  double standard_exponential();  // Generator.standard_exponential(): 256-layer ziggurat
  // Generator.standard_gamma(shape): Marsaglia-Tsang for shape > 1, the exponential for
  // shape == 1, rejection against an exponential for shape < 1, 0 for shape == 0.
  double standard_gamma(double shape);
  double gamma(double shape, double scale);  // scale * standard_gamma(shape)

  // Generator.integers(low, high) with the default int64 dtype, high exclusive. Ranges
  // of at most 2^32 values draw 32-bit words (Lemire's method on next_uint32()), larger
  // ones 64-bit words; the array form draws the same values as repeated scalar calls.
  std::int64_t integers(std::int64_t low, std::int64_t high);
  std::vector<std::int64_t> integers(std::int64_t low, std::int64_t high, std::size_t size);
  // Generator.choice(n, size) with replacement and uniform weights, flattened in C order
  // (a shape (rows, cols) is size = rows * cols); it is integers(0, n, size).
  std::vector<std::int64_t> choice(std::int64_t n, std::size_t size);
  // Generator.permutation(n): a Fisher-Yates shuffle of 0..n-1 from the top down. It is
  // also the row order of Generator.permutation(X, axis=0) for a 2-D X: X[order].
  std::vector<Index> permutation(Index n);

  // == gamma(shape, scale, size=out.shape()), filled in row-major (C) order.
  template <class T>
  void fill_gamma(DenseMatrix<T>& out, double shape, double scale);

 private:
  // Uniform on [0, max] by Lemire's multiply-shift with rejection, as NumPy's
  // random_bounded_uint64_fill draws int64 integers.
  std::uint64_t bounded(std::uint64_t max);
  // Uniform on [0, max] by masked rejection, as NumPy's shuffles draw their swaps.
  std::uint64_t interval(std::uint64_t max);

  // The 128-bit PCG state and odd increment, as high and low 64-bit halves.
  std::uint64_t state_high_ = 0;
  std::uint64_t state_low_ = 0;
  std::uint64_t increment_high_ = 0;
  std::uint64_t increment_low_ = 0;
  bool has_uint32_ = false;
  std::uint32_t uint32_ = 0;
};

}  // namespace nmfkit
