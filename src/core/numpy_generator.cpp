#include "nmfkit/core/numpy_generator.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "nmfkit/core/error.hpp"

namespace nmfkit {

namespace {

#include "numpy_ziggurat_tables.inc"

__extension__ typedef unsigned __int128 uint128;

uint128 join(std::uint64_t high, std::uint64_t low) {
  return (static_cast<uint128>(high) << 64) | low;
}

// PCG's default 128-bit LCG multiplier.
const uint128 kPcgMultiplier = join(0x2360ed051fc65da4ULL, 0x4385df649fccf645ULL);

// SeedSequence's hashing constants (Melissa O'Neill's seed_seq_fe design, 32-bit words).
constexpr std::uint32_t kInitA = 0x43b0d7e5U;
constexpr std::uint32_t kMultA = 0x931e8875U;
constexpr std::uint32_t kInitB = 0x8b51f9ddU;
constexpr std::uint32_t kMultB = 0x58f38dedU;
constexpr std::uint32_t kMixMultL = 0xca01f9ddU;
constexpr std::uint32_t kMixMultR = 0x4973f715U;
constexpr int kXShift = 16;
constexpr std::size_t kPoolSize = 4;

std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  return value ^ (value >> kXShift);
}

std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
  const std::uint32_t result = kMixMultL * x - kMixMultR * y;
  return result ^ (result >> kXShift);
}

// SeedSequence(seed).generate_state(4, np.uint64): the seed's 32-bit words, least
// significant first, are hashed into a pool of four words, which is then stretched.
std::array<std::uint64_t, 4> seed_sequence_words(std::uint64_t seed) {
  std::vector<std::uint32_t> entropy{static_cast<std::uint32_t>(seed)};
  if (seed >> 32) entropy.push_back(static_cast<std::uint32_t>(seed >> 32));

  std::array<std::uint32_t, kPoolSize> pool{};
  std::uint32_t hash_const = kInitA;
  for (std::size_t i = 0; i < kPoolSize; ++i) {
    pool[i] = hashmix(i < entropy.size() ? entropy[i] : 0U, hash_const);
  }
  for (std::size_t src = 0; src < kPoolSize; ++src) {
    for (std::size_t dst = 0; dst < kPoolSize; ++dst) {
      if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hash_const));
    }
  }
  // At most two entropy words, so none is left over for a further mixing round.

  std::array<std::uint32_t, 8> words{};
  hash_const = kInitB;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint32_t value = pool[i % kPoolSize] ^ hash_const;
    hash_const *= kMultB;
    value *= hash_const;
    words[i] = value ^ (value >> kXShift);
  }
  std::array<std::uint64_t, 4> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = words[2 * i] | (static_cast<std::uint64_t>(words[2 * i + 1]) << 32);
  }
  return out;
}

}  // namespace

NumpyGenerator::NumpyGenerator(std::uint64_t seed) {
  const auto words = seed_sequence_words(seed);
  const uint128 initstate = join(words[0], words[1]);
  const uint128 initseq = join(words[2], words[3]);
  // pcg_setseq_128_srandom_r: advance from zero with the increment, add the seed, advance.
  const uint128 increment = (initseq << 1) | 1U;
  uint128 state = increment;
  state += initstate;
  state = state * kPcgMultiplier + increment;
  state_high_ = static_cast<std::uint64_t>(state >> 64);
  state_low_ = static_cast<std::uint64_t>(state);
  increment_high_ = static_cast<std::uint64_t>(increment >> 64);
  increment_low_ = static_cast<std::uint64_t>(increment);
}

std::uint64_t NumpyGenerator::next_uint64() {
  // XSL-RR output of the advanced state: fold the halves, rotate by the top six bits.
  const uint128 state =
      join(state_high_, state_low_) * kPcgMultiplier + join(increment_high_, increment_low_);
  state_high_ = static_cast<std::uint64_t>(state >> 64);
  state_low_ = static_cast<std::uint64_t>(state);
  return std::rotr(state_high_ ^ state_low_, static_cast<int>(state_high_ >> 58));
}

std::uint32_t NumpyGenerator::next_uint32() {
  if (has_uint32_) {
    has_uint32_ = false;
    return uint32_;
  }
  const std::uint64_t word = next_uint64();
  has_uint32_ = true;
  uint32_ = static_cast<std::uint32_t>(word >> 32);
  return static_cast<std::uint32_t>(word);
}

double NumpyGenerator::random() {
  return static_cast<double>(next_uint64() >> 11) * (1.0 / 9007199254740992.0);
}

double NumpyGenerator::standard_normal() {
  constexpr double kTail = 3.6541528853610087963519472518;  // the base layer's edge r
  constexpr double kInverseTail = 0.27366123732975827203338247596;
  for (;;) {
    // One word gives the layer (8 bits), the sign (1 bit) and a 52-bit abscissa.
    const std::uint64_t word = next_uint64();
    const auto layer = static_cast<std::size_t>(word & 0xff);
    const std::uint64_t rest = word >> 8;
    const std::uint64_t magnitude = (rest >> 1) & 0x000fffffffffffffULL;
    double x = static_cast<double>(magnitude) * k_wi[layer];
    if (rest & 1U) x = -x;
    if (magnitude < k_ki[layer]) return x;
    if (layer == 0) {
      // The tail beyond r, by Marsaglia's exponential rejection; log1p(-U) avoids log(0).
      for (;;) {
        const double xx = -kInverseTail * std::log1p(-random());
        const double yy = -std::log1p(-random());
        if (yy + yy > xx * xx) return ((magnitude >> 8) & 1U) ? -(kTail + xx) : kTail + xx;
      }
    }
    if ((k_fi[layer - 1] - k_fi[layer]) * random() + k_fi[layer] < std::exp(-0.5 * x * x)) {
      return x;
    }
  }
}

double NumpyGenerator::standard_exponential() {
  constexpr double kTail = 7.6971174701310497140446280481;
  // A loop where NumPy recurses after a rejected wedge point: the draws are the same.
  for (;;) {
    const std::uint64_t word = next_uint64() >> 3;
    const auto layer = static_cast<std::size_t>(word & 0xff);
    const std::uint64_t magnitude = word >> 8;
    const double x = static_cast<double>(magnitude) * k_we[layer];
    if (magnitude < k_ke[layer]) return x;
    if (layer == 0) return kTail - std::log1p(-random());
    if ((k_fe[layer - 1] - k_fe[layer]) * random() + k_fe[layer] < std::exp(-x)) return x;
  }
}

// The expressions below keep NumPy's order of operations and its libm calls: the values
// must round as NumPy's do, and -ffp-contract=off (set for the library) keeps the compiler
// from fusing the products and sums that NumPy's baseline x86-64 build rounds separately.
double NumpyGenerator::standard_gamma(double shape) {
  if (!(shape >= 0.0)) {
    throw InvalidArgument("gamma shape must be >= 0, got " + std::to_string(shape));
  }
  if (shape == 1.0) return standard_exponential();
  if (shape == 0.0) return 0.0;
  if (shape < 1.0) {
    for (;;) {
      const double u = random();
      const double v = standard_exponential();
      if (u <= 1.0 - shape) {
        const double x = std::pow(u, 1.0 / shape);
        if (x <= v) return x;
      } else {
        const double y = -std::log((1.0 - u) / shape);
        const double x = std::pow(1.0 - shape + shape * y, 1.0 / shape);
        if (x <= v + y) return x;
      }
    }
  }
  const double b = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * b);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = standard_normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = random();
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return b * v;
    if (std::log(u) < 0.5 * x * x + b * (1.0 - v + std::log(v))) return b * v;
  }
}

double NumpyGenerator::gamma(double shape, double scale) {
  if (!(scale >= 0.0)) {
    throw InvalidArgument("gamma scale must be >= 0, got " + std::to_string(scale));
  }
  return scale * standard_gamma(shape);
}

std::uint64_t NumpyGenerator::bounded(std::uint64_t max) {
  if (max == 0) return 0;
  if (max <= 0xffffffffULL) {
    if (max == 0xffffffffULL) return next_uint32();
    const std::uint64_t span = max + 1;
    std::uint64_t product = next_uint32() * span;
    auto leftover = static_cast<std::uint32_t>(product);
    // span is a cheap bound on the rejection threshold 2^32 mod span: most draws skip the
    // modulo.
    if (leftover < span) {
      const auto threshold = static_cast<std::uint32_t>((0x100000000ULL - span) % span);
      while (leftover < threshold) {
        product = next_uint32() * span;
        leftover = static_cast<std::uint32_t>(product);
      }
    }
    return product >> 32;
  }
  if (max == std::numeric_limits<std::uint64_t>::max()) return next_uint64();
  const std::uint64_t span = max + 1;
  uint128 product = static_cast<uint128>(next_uint64()) * span;
  auto leftover = static_cast<std::uint64_t>(product);
  if (leftover < span) {
    const std::uint64_t threshold = (0 - span) % span;
    while (leftover < threshold) {
      product = static_cast<uint128>(next_uint64()) * span;
      leftover = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t NumpyGenerator::interval(std::uint64_t max) {
  if (max == 0) return 0;
  const std::uint64_t mask = std::numeric_limits<std::uint64_t>::max() >> std::countl_zero(max);
  std::uint64_t value = 0;
  if (max <= 0xffffffffULL) {
    do {
      value = next_uint32() & mask;
    } while (value > max);
  } else {
    do {
      value = next_uint64() & mask;
    } while (value > max);
  }
  return value;
}

std::int64_t NumpyGenerator::integers(std::int64_t low, std::int64_t high) {
  if (low >= high) {
    throw InvalidArgument("integers needs low < high, got low " + std::to_string(low) + ", high " +
                          std::to_string(high));
  }
  const std::uint64_t max = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low) - 1;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + bounded(max));
}

std::vector<std::int64_t> NumpyGenerator::integers(std::int64_t low, std::int64_t high,
                                                   std::size_t size) {
  std::vector<std::int64_t> out;
  out.reserve(size);
  for (std::size_t i = 0; i < size; ++i) out.push_back(integers(low, high));
  return out;
}

std::vector<std::int64_t> NumpyGenerator::choice(std::int64_t n, std::size_t size) {
  if (n <= 0 && size > 0) {
    throw InvalidArgument("choice needs a positive population size, got " + std::to_string(n));
  }
  return size == 0 ? std::vector<std::int64_t>{} : integers(0, n, size);
}

std::vector<Index> NumpyGenerator::permutation(Index n) {
  if (n < 0) throw InvalidArgument("permutation length must be >= 0, got " + std::to_string(n));
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  for (Index i = n - 1; i >= 1; --i) {
    const auto j = static_cast<Index>(interval(static_cast<std::uint64_t>(i)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

template <class T>
void NumpyGenerator::fill_gamma(DenseMatrix<T>& out, double shape, double scale) {
  T* data = out.data();
  for (Index i = 0; i < out.size(); ++i) data[i] = static_cast<T>(gamma(shape, scale));
}

template void NumpyGenerator::fill_gamma(DenseMatrix<float>&, double, double);
template void NumpyGenerator::fill_gamma(DenseMatrix<double>&, double, double);

}  // namespace nmfkit
