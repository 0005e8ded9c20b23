#pragma once
// SHA-256 (FIPS 180-4) for comparing documents with the hashes the oracle scripts write
// (Python's hashlib), without adding a crypto dependency for the tests.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace nmfkit::testing {

namespace sha256_detail {

using u128 = unsigned __int128;

// floor(root(value)) for root = 2 or 3, by bisection; exact where floating point is not.
inline u128 integer_root(u128 value, int root) {
  u128 low = 0;
  u128 high = u128{1} << (root == 2 ? 64 : 43);
  while (high - low > 1) {
    const u128 middle = (low + high) / 2;
    u128 power = middle;
    for (int i = 1; i < root; ++i) power *= middle;
    (power <= value ? low : high) = middle;
  }
  return low;
}

// The first 32 bits of the fractional parts of the square or cube roots of the primes.
inline std::array<std::uint32_t, 64> root_constants(int root) {
  std::array<std::uint32_t, 64> out{};
  int found = 0;
  for (std::uint32_t p = 2; found < 64; ++p) {
    bool prime = true;
    for (std::uint32_t d = 2; d * d <= p; ++d) prime = prime && p % d != 0;
    if (!prime) continue;
    const u128 scaled = u128{p} << (32 * root);
    out[found++] = static_cast<std::uint32_t>(integer_root(scaled, root));
  }
  return out;
}

inline std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

}  // namespace sha256_detail

// The hex digest of `data`.
inline std::string sha256_hex(std::string_view data) {
  using namespace sha256_detail;
  static const std::array<std::uint32_t, 64> k = root_constants(3);
  static const std::array<std::uint32_t, 64> square_roots = root_constants(2);
  std::array<std::uint32_t, 8> h{};
  for (int i = 0; i < 8; ++i) h[i] = square_roots[i];

  std::string message(data);
  const std::uint64_t bit_length = static_cast<std::uint64_t>(data.size()) * 8;
  message.push_back(static_cast<char>(0x80));
  while (message.size() % 64 != 56) message.push_back('\0');
  for (int i = 7; i >= 0; --i) message.push_back(static_cast<char>(bit_length >> (8 * i)));

  std::array<std::uint32_t, 64> w{};
  for (std::size_t block = 0; block < message.size(); block += 64) {
    for (int t = 0; t < 16; ++t) {
      w[t] = 0;
      for (int b = 0; b < 4; ++b) {
        w[t] = (w[t] << 8) | static_cast<unsigned char>(message[block + 4 * t + b]);
      }
    }
    for (int t = 16; t < 64; ++t) {
      const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    auto v = h;  // a..h
    for (int t = 0; t < 64; ++t) {
      const std::uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      const std::uint32_t choice = (v[4] & v[5]) ^ (~v[4] & v[6]);
      const std::uint32_t t1 = v[7] + s1 + choice + k[t] + w[t];
      const std::uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      const std::uint32_t majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      const std::uint32_t t2 = s0 + majority;
      for (int i = 7; i > 0; --i) v[i] = v[i - 1];
      v[4] += t1;
      v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; ++i) h[i] += v[i];
  }

  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const std::uint32_t word : h) {
    for (int shift = 28; shift >= 0; shift -= 4) hex.push_back(kHex[(word >> shift) & 0xF]);
  }
  return hex;
}

}  // namespace nmfkit::testing
