// The kernels, written once and compiled once per instruction set: kernels_portable.cpp
// (the library's baseline flags), kernels_avx2.cpp (-mavx2 -mfma) and kernels_avx512.cpp
// (-mavx512f -mavx512dq -mavx512vl -mavx512bw -mfma). The flags of the including file pick
// the vector type below.
//
// Everything here has internal linkage and uses no library templates (not even std::max):
// a function with external linkage compiled with AVX flags in one file could be the copy
// the linker keeps for the whole program, and then fault on a processor without AVX.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

// The portable file asks for plain loops whatever its flags; the others for intrinsics.
#if defined(NMFKIT_KERNELS_PORTABLE)
#define NMFKIT_KERNEL_SIMD 0
#elif defined(__AVX512F__) || defined(__AVX2__)
#define NMFKIT_KERNEL_SIMD 1
#include <immintrin.h>
#else
#error "kernels_impl.hpp: define NMFKIT_KERNELS_PORTABLE or build with AVX2 or AVX-512"
#endif

#include "nmfkit/linalg/kernels.hpp"

namespace nmfkit::linalg {
namespace {

using Idx = KernelIndex;

#if NMFKIT_KERNEL_SIMD
constexpr bool kVectorised = true;

// The widest vector of this build: `lanes` elements, loads and stores of the first n
// lanes (the rest read as zero and are left untouched), and a fused multiply-add.
template <class T>
struct Vec;

#if defined(__AVX512F__)  // AVX-512: 8 doubles or 16 floats, masked tails
template <>
struct Vec<double> {
  using type = __m512d;
  static constexpr Idx lanes = 8;
  static __mmask8 mask(Idx n) { return static_cast<__mmask8>((1u << n) - 1u); }
  static type zero() { return _mm512_setzero_pd(); }
  static type broadcast(double x) { return _mm512_set1_pd(x); }
  static type load(const double* p) { return _mm512_loadu_pd(p); }
  static type load(const double* p, Idx n) { return _mm512_maskz_loadu_pd(mask(n), p); }
  static void store(double* p, type v) { _mm512_storeu_pd(p, v); }
  static void store(double* p, type v, Idx n) { _mm512_mask_storeu_pd(p, mask(n), v); }
  static type fmadd(type a, type b, type c) { return _mm512_fmadd_pd(a, b, c); }
};
template <>
struct Vec<float> {
  using type = __m512;
  static constexpr Idx lanes = 16;
  static __mmask16 mask(Idx n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static type zero() { return _mm512_setzero_ps(); }
  static type broadcast(float x) { return _mm512_set1_ps(x); }
  static type load(const float* p) { return _mm512_loadu_ps(p); }
  static type load(const float* p, Idx n) { return _mm512_maskz_loadu_ps(mask(n), p); }
  static void store(float* p, type v) { _mm512_storeu_ps(p, v); }
  static void store(float* p, type v, Idx n) { _mm512_mask_storeu_ps(p, mask(n), v); }
  static type fmadd(type a, type b, type c) { return _mm512_fmadd_ps(a, b, c); }
};
#else  // AVX2: 4 doubles or 8 floats
template <>
struct Vec<double> {
  using type = __m256d;
  static constexpr Idx lanes = 4;
  static __m256i mask(Idx n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static type zero() { return _mm256_setzero_pd(); }
  static type broadcast(double x) { return _mm256_set1_pd(x); }
  static type load(const double* p) { return _mm256_loadu_pd(p); }
  static type load(const double* p, Idx n) { return _mm256_maskload_pd(p, mask(n)); }
  static void store(double* p, type v) { _mm256_storeu_pd(p, v); }
  static void store(double* p, type v, Idx n) { _mm256_maskstore_pd(p, mask(n), v); }
  static type fmadd(type a, type b, type c) { return _mm256_fmadd_pd(a, b, c); }
};
template <>
struct Vec<float> {
  using type = __m256;
  static constexpr Idx lanes = 8;
  static __m256i mask(Idx n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static type zero() { return _mm256_setzero_ps(); }
  static type broadcast(float x) { return _mm256_set1_ps(x); }
  static type load(const float* p) { return _mm256_loadu_ps(p); }
  static type load(const float* p, Idx n) { return _mm256_maskload_ps(p, mask(n)); }
  static void store(float* p, type v) { _mm256_storeu_ps(p, v); }
  static void store(float* p, type v, Idx n) { _mm256_maskstore_ps(p, mask(n), v); }
  static type fmadd(type a, type b, type c) { return _mm256_fmadd_ps(a, b, c); }
};
#endif
#else
constexpr bool kVectorised = false;
#endif

// ---------------------------------------------------------------------------------------
// Sparse × dense.

#if NMFKIT_KERNEL_SIMD
// Columns [c0, c0 + (N−1)·lanes + tail) of one output row, held in N registers while the
// row's non-zeros stream past: each output element is written once instead of once per
// non-zero, and its terms are added in storage order as in the portable loop.
template <class T, int N>
inline void csr_row_block(const std::int64_t* inner, const T* values, Idx first, Idx last,
                          Idx prefetch_end, const T* A, Idx k, Idx c0, Idx tail, T* out_row) {
  using V = Vec<T>;
  constexpr Idx ahead = 16;
  typename V::type acc[N];
  for (int j = 0; j < N; ++j) acc[j] = V::zero();
  for (Idx p = first; p < last; ++p) {
    if (p + ahead < prefetch_end) {
      const T* next = A + inner[p + ahead] * k + c0;
      for (int j = 0; j < N; j += 2) __builtin_prefetch(next + j * V::lanes);
    }
    const auto x = V::broadcast(values[p]);
    const T* a = A + inner[p] * k + c0;
    for (int j = 0; j + 1 < N; ++j) acc[j] = V::fmadd(x, V::load(a + j * V::lanes), acc[j]);
    acc[N - 1] = V::fmadd(x, V::load(a + (N - 1) * V::lanes, tail), acc[N - 1]);
  }
  for (int j = 0; j + 1 < N; ++j) V::store(out_row + c0 + j * V::lanes, acc[j]);
  V::store(out_row + c0 + (N - 1) * V::lanes, acc[N - 1], tail);
}
#endif

template <class T>
void csr_times_dense(const std::int64_t* outer, const std::int64_t* inner, const T* values,
                     const T* A, Idx k, T* out, Idx begin, Idx end) {
#if NMFKIT_KERNEL_SIMD
  // Up to four registers of columns per pass over the row; wider rows take more passes.
  constexpr Idx lanes = Vec<T>::lanes;
  constexpr Idx block = 4 * lanes;
  for (Idx i = begin; i < end; ++i) {
    T* row = out + i * k;
    for (Idx c0 = 0; c0 < k; c0 += block) {
      const Idx width = k - c0 < block ? k - c0 : block;
      const Idx vectors = (width + lanes - 1) / lanes;
      const Idx tail = width - (vectors - 1) * lanes;
      switch (vectors) {
        case 1: csr_row_block<T, 1>(inner, values, outer[i], outer[i + 1], outer[end], A, k, c0, tail, row); break;
        case 2: csr_row_block<T, 2>(inner, values, outer[i], outer[i + 1], outer[end], A, k, c0, tail, row); break;
        case 3: csr_row_block<T, 3>(inner, values, outer[i], outer[i + 1], outer[end], A, k, c0, tail, row); break;
        default: csr_row_block<T, 4>(inner, values, outer[i], outer[i + 1], outer[end], A, k, c0, tail, row); break;
      }
    }
  }
#else
  // The arithmetic of linalg::multiply: no fused multiply-add, terms in storage order.
  for (Idx i = begin; i < end; ++i) {
    T* row = out + i * k;
    for (Idx r = 0; r < k; ++r) row[r] = T(0);
    for (auto p = outer[i]; p < outer[i + 1]; ++p) {
      const T x = values[p];
      const T* a = A + inner[p] * k;
      for (Idx r = 0; r < k; ++r) row[r] += x * a[r];
    }
  }
#endif
}

// ---------------------------------------------------------------------------------------
// Dense × dense.

#if NMFKIT_KERNEL_SIMD
// Columns [c0, c0 + (N−1)·lanes + tail) of R output rows r0, …, held in R·N registers while
// the terms stream past: each term's row of A is loaded once for the R rows.
template <class T, int R, int N>
inline void dense_rows_block(const T* C, Idx row_stride, Idx term_stride, Idx terms,
                             const T* A, Idx k, Idx c0, Idx tail, T* out, Idx r0) {
  using V = Vec<T>;
  typename V::type acc[R][N];
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < N; ++j) acc[r][j] = V::zero();
  }
  const T* coefficient = C + r0 * row_stride;
  for (Idx t = 0; t < terms; ++t) {
    const T* a = A + t * k + c0;
    typename V::type b[N];
    for (int j = 0; j + 1 < N; ++j) b[j] = V::load(a + j * V::lanes);
    b[N - 1] = V::load(a + (N - 1) * V::lanes, tail);
    const T* c = coefficient + t * term_stride;
    for (int r = 0; r < R; ++r) {
      const auto x = V::broadcast(c[r * row_stride]);
      for (int j = 0; j < N; ++j) acc[r][j] = V::fmadd(x, b[j], acc[r][j]);
    }
  }
  for (int r = 0; r < R; ++r) {
    T* row = out + (r0 + r) * k + c0;
    for (int j = 0; j + 1 < N; ++j) V::store(row + j * V::lanes, acc[r][j]);
    V::store(row + (N - 1) * V::lanes, acc[r][N - 1], tail);
  }
}

// Up to three registers of columns per pass (R·3 accumulators and 3 loads fit the
// registers for the R of dense_times_dense); wider rows take more passes.
template <class T, int R>
inline void dense_rows(const T* C, Idx row_stride, Idx term_stride, Idx terms, const T* A,
                       Idx k, T* out, Idx r0) {
  constexpr Idx lanes = Vec<T>::lanes;
  constexpr Idx block = 3 * lanes;
  for (Idx c0 = 0; c0 < k; c0 += block) {
    const Idx width = k - c0 < block ? k - c0 : block;
    const Idx vectors = (width + lanes - 1) / lanes;
    const Idx tail = width - (vectors - 1) * lanes;
    switch (vectors) {
      case 1: dense_rows_block<T, R, 1>(C, row_stride, term_stride, terms, A, k, c0, tail, out, r0); break;
      case 2: dense_rows_block<T, R, 2>(C, row_stride, term_stride, terms, A, k, c0, tail, out, r0); break;
      default: dense_rows_block<T, R, 3>(C, row_stride, term_stride, terms, A, k, c0, tail, out, r0); break;
    }
  }
}
#endif

template <class T>
void dense_times_dense(const T* C, Idx row_stride, Idx term_stride, Idx terms, const T* A, Idx k,
                       T* out, Idx begin, Idx end) {
#if NMFKIT_KERNEL_SIMD
  // R output rows at a time: with AVX-512's 32 registers 8 (8·3 accumulators), which for
  // Xᵀ·A also uses whole cache lines of X's doubles; with AVX2's 16 registers 4 (4·3).
  constexpr int R = sizeof(typename Vec<T>::type) == 64 ? 8 : 4;
  Idx r = begin;
  for (; r + R <= end; r += R) dense_rows<T, R>(C, row_stride, term_stride, terms, A, k, out, r);
  for (; r < end; ++r) dense_rows<T, 1>(C, row_stride, term_stride, terms, A, k, out, r);
#else
  // No fused multiply-add, terms in order.
  for (Idx r = begin; r < end; ++r) {
    T* row = out + r * k;
    for (Idx c = 0; c < k; ++c) row[c] = T(0);
    for (Idx t = 0; t < terms; ++t) {
      const T x = C[r * row_stride + t * term_stride];
      const T* a = A + t * k;
      for (Idx c = 0; c < k; ++c) row[c] += x * a[c];
    }
  }
#endif
}

// ---------------------------------------------------------------------------------------
// NNLS by coordinate descent, one row.

// y += alpha·x over n elements. y has room for n rounded up to whole vectors (see
// nnls_scratch_size): its tail is written with a full store, because a masked store cannot
// forward its data to the scalar load of g[t] that follows each step.
template <class T>
inline void axpy(Idx n, T alpha, const T* x, T* y) {
#if NMFKIT_KERNEL_SIMD
  using V = Vec<T>;
  const auto a = V::broadcast(alpha);
  Idx r = 0;
  for (; r + V::lanes <= n; r += V::lanes) V::store(y + r, V::fmadd(a, V::load(x + r), V::load(y + r)));
  if (r < n) V::store(y + r, V::fmadd(a, V::load(x + r, n - r), V::load(y + r)));
#else
  for (Idx r = 0; r < n; ++r) y[r] += alpha * x[r];
#endif
}

// g = Gx − b.
template <class T>
inline void initial_gradient(const T* G, Idx k, const T* b, const T* x, T* g) {
  if constexpr (kVectorised) {
    // G is symmetric, so Gx is a sum of G's rows: axpys that skip the zeros of x (a warm
    // start is often sparse) instead of k horizontal dot products.
    for (Idx r = 0; r < k; ++r) g[r] = -b[r];
    for (Idx r = k; r < nnls_scratch_size(k); ++r) g[r] = T(0);  // the vector tail
    for (Idx c = 0; c < k; ++c) {
      if (x[c] != T(0)) axpy(k, x[c], G + c * k, g);
    }
  } else {
    // The portable build keeps the row-by-row sums it always had.
    for (Idx r = 0; r < k; ++r) {
      T sum = -b[r];
      const T* row = G + r * k;
      for (Idx c = 0; c < k; ++c) sum += row[c] * x[c];
      g[r] = sum;
    }
  }
}

// Coordinate descent in residual form: g = Gx − b is kept up to date, so a coordinate step
// costs one axpy with a row of G (G is symmetric) instead of a dot product. Stops after
// max_sweeps, after a sweep that moves nothing, once a sweep's ‖step‖ falls to
// first_step_ratio × the first sweep's, or once ‖step‖ ≤ tol·‖x‖.
template <class T>
int nnls_cd_row(const T* G, Idx k, const T* b, T* x, T* g, const NnlsSweepRules& rules) {
  initial_gradient(G, k, b, x, g);
  const double tol2 = rules.tol * rules.tol;
  const double ratio2 = rules.first_step_ratio * rules.first_step_ratio;
  double first_step2 = 0;
  int sweep = 0;
  while (sweep < rules.max_sweeps) {
    ++sweep;
    double step2 = 0;
    for (Idx t = 0; t < k; ++t) {
      const T curvature = G[t * k + t];
      if (!(curvature > T(0))) continue;
      const T candidate = x[t] - g[t] / curvature;
      const T updated = T(0) < candidate ? candidate : T(0);  // NaN → 0, as std::max(0, ·)
      const T step = updated - x[t];
      if (step == T(0)) continue;
      x[t] = updated;
      axpy(k, step, G + t * k, g);
      step2 += static_cast<double>(step) * static_cast<double>(step);
    }
    if (step2 == 0) break;
    if (sweep == 1) first_step2 = step2;
    if (step2 <= ratio2 * first_step2) break;
    if (tol2 > 0) {
      double x2 = 0;
      for (Idx t = 0; t < k; ++t) x2 += static_cast<double>(x[t]) * static_cast<double>(x[t]);
      if (step2 <= tol2 * x2) break;
    }
  }
  return sweep;
}

// ---------------------------------------------------------------------------------------
// Natural logarithm.

#if NMFKIT_KERNEL_SIMD
// ln x for positive normal x in straight-line code the compiler vectorises: x = 2^k·m with
// m in [√½, √2) read from the bits, s = (m − 1)/(m + 1) (|s| < 0.172), and
// ln m = 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + …), summed to s²⁴ (the rest is below 1e-19 of
// it); k·ln 2 in two parts so that its rounding stays below the polynomial's.
inline double log_of_normal(double x) {
  constexpr std::uint64_t sqrt_half = 0x3fe6a09e667f3bcdULL;  // √½'s bits
  constexpr double ln2_hi = 6.93147180369123816490e-01;      // ln 2's first 32 bits
  constexpr double ln2_lo = 1.90821492927058770002e-10;      // and the rest
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const std::uint64_t shifted = bits + (0x3ff0000000000000ULL - sqrt_half);
  const std::uint64_t m_bits = (shifted & 0x000fffffffffffffULL) + sqrt_half;
  const std::uint64_t k_bits = (shifted >> 52) | 0x4330000000000000ULL;  // 2^52 + k + 1023
  double m, k_plus;
  std::memcpy(&m, &m_bits, sizeof m);
  std::memcpy(&k_plus, &k_bits, sizeof k_plus);
  const double k = k_plus - (4503599627370496.0 + 1023.0);
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;
  double p = 1.0 / 25;
  p = p * z + 1.0 / 23;
  p = p * z + 1.0 / 21;
  p = p * z + 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  return k * ln2_hi + ((2.0 * s + 2.0 * s * (z * p)) + k * ln2_lo);
}
#endif

template <class T>
void log_array(const T* in, T* out, Idx n) {
#if NMFKIT_KERNEL_SIMD
  for (Idx i = 0; i < n; ++i) out[i] = static_cast<T>(log_of_normal(static_cast<double>(in[i])));
  // Zero, subnormals, infinities, NaN and negative values: std::log's answers.
  for (Idx i = 0; i < n; ++i) {
    const double x = static_cast<double>(in[i]);
    if (!(x >= 2.2250738585072014e-308 && x <= 1.7976931348623157e308)) out[i] = std::log(in[i]);
  }
#else
  for (Idx i = 0; i < n; ++i) out[i] = std::log(in[i]);
#endif
}

template <class T>
KernelTable<T> make_table() {
  KernelTable<T> table{};
  table.csr_times_dense = &csr_times_dense<T>;
  table.dense_times_dense = &dense_times_dense<T>;
  table.nnls_cd_row = &nnls_cd_row<T>;
  table.log_array = &log_array<T>;
  return table;
}

Kernels make_kernels(Isa isa) { return Kernels{isa, make_table<float>(), make_table<double>()}; }

}  // namespace
}  // namespace nmfkit::linalg
