#include "nmfkit/core/random.hpp"

#include <cmath>
#include <numeric>
#include <random>

namespace nmfkit {

namespace {
constexpr int kShift = 397;
constexpr std::uint32_t kMatrixA = 0x9908b0dfU;
constexpr std::uint32_t kUpperMask = 0x80000000U;
constexpr std::uint32_t kLowerMask = 0x7fffffffU;

std::uint32_t twist(std::uint32_t upper, std::uint32_t lower, std::uint32_t shifted) {
  const std::uint32_t y = (upper & kUpperMask) | (lower & kLowerMask);
  return shifted ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
}
}  // namespace

RandomState::RandomState(std::uint32_t seed) {
  // Knuth's initialisation, as init_genrand (and NumPy's mt19937_seed) do it.
  std::uint32_t value = seed;
  for (int i = 0; i < kStateSize; ++i) {
    state_[i] = value;
    value = 1812433253U * (value ^ (value >> 30)) + static_cast<std::uint32_t>(i + 1);
  }
  position_ = kStateSize;
}

std::uint32_t entropy_seed() {
  std::random_device device;
  return device();
}

RandomState RandomState::from_optional(const std::optional<std::uint32_t>& seed) {
  return RandomState(seed ? *seed : entropy_seed());
}

void RandomState::regenerate() {
  int i = 0;
  for (; i < kStateSize - kShift; ++i) {
    state_[i] = twist(state_[i], state_[i + 1], state_[i + kShift]);
  }
  for (; i < kStateSize - 1; ++i) {
    state_[i] = twist(state_[i], state_[i + 1], state_[i + kShift - kStateSize]);
  }
  state_[kStateSize - 1] = twist(state_[kStateSize - 1], state_[0], state_[kShift - 1]);
  position_ = 0;
}

std::uint32_t RandomState::next_uint32() {
  if (position_ == kStateSize) regenerate();
  std::uint32_t y = state_[position_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

double RandomState::random_sample() {
  const std::uint32_t a = next_uint32() >> 5;
  const std::uint32_t b = next_uint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double RandomState::standard_normal() {
  if (has_gauss_) {
    has_gauss_ = false;
    const double cached = gauss_;
    gauss_ = 0.0;
    return cached;
  }
  double x1 = 0.0;
  double x2 = 0.0;
  double r2 = 0.0;
  do {
    x1 = 2.0 * random_sample() - 1.0;
    x2 = 2.0 * random_sample() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

std::uint64_t RandomState::random_interval(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2) mask |= mask >> shift;
  std::uint64_t value = 0;
  if (max <= 0xffffffffULL) {
    do {
      value = next_uint32() & mask;
    } while (value > max);
  } else {
    do {
      const std::uint64_t high = next_uint32();
      value = ((high << 32) | next_uint32()) & mask;
    } while (value > max);
  }
  return value;
}

std::vector<Index> RandomState::permutation(Index n) {
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  for (Index i = n - 1; i >= 1; --i) {
    const auto j = static_cast<Index>(random_interval(static_cast<std::uint64_t>(i)));
    std::swap(order[i], order[j]);
  }
  return order;
}

template <class T>
void RandomState::fill_standard_normal(DenseMatrix<T>& out) {
  T* data = out.data();
  for (Index i = 0; i < out.size(); ++i) data[i] = static_cast<T>(standard_normal());
}

template void RandomState::fill_standard_normal(DenseMatrix<float>&);
template void RandomState::fill_standard_normal(DenseMatrix<double>&);

}  // namespace nmfkit
