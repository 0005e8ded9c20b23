// The vector kernels below the seam: every instruction set this processor runs gives the
// portable kernels' answers to rounding, on sizes that exercise the vector tails; the
// dispatcher picks the best supported set and honours NMFKIT_ISA; the NNLS row kernel
// ends at a KKT point.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <vector>

#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/linalg/kernels.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/nmf/nnls.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using linalg::Isa;
using linalg::KernelTable;

const Index kWidths[] = {1, 3, 7, 8, 16, 17, 33, 64, 100};

// Every ISA the processor runs, portable first.
std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (int i = 0; i <= static_cast<int>(linalg::best_supported_isa()); ++i) {
    out.push_back(static_cast<Isa>(i));
  }
  return out;
}

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 1e-5 : 1e-12;
}

template <class T>
class KernelAgreement : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(KernelAgreement, Types);

// A sparse matrix with empty rows (every fifth, and the last) among rows of varied length.
template <class T>
SparseMatrix<T> ragged(Index rows, Index cols, std::uint32_t seed) {
  SparseMatrix<T> X = testing::random_sparse<T>(rows, cols, 0.3, seed);
  for (Index i = 0; i < rows; i += 5) X.row(i) *= T(0);
  X.row(rows - 1) *= T(0);
  X.prune(T(0));
  X.makeCompressed();
  return X;
}

TYPED_TEST(KernelAgreement, CsrTimesDenseEqualsPortableForEveryIsa) {
  using T = TypeParam;
  const auto& portable = linalg::kernels_for(Isa::Portable).get<T>();
  for (const Index rows : {Index{1}, Index{23}}) {
    for (const Index k : kWidths) {
      const SparseMatrix<T> X = rows == 1 ? testing::random_sparse<T>(1, 40, 0.5, 3)
                                          : ragged<T>(rows, 40, static_cast<std::uint32_t>(k));
      const DenseMatrix<T> A = testing::random_nonnegative<T>(40, k, 7);
      DenseMatrix<T> expected = DenseMatrix<T>::Constant(rows, k, T(-1));
      portable.csr_times_dense(X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(), A.data(), k,
                               expected.data(), 0, rows);
      // The portable kernel is linalg::multiply's arithmetic, bit for bit.
      EXPECT_TRUE((expected.array() == linalg::multiply(X, A).array()).all()) << "k " << k;
      for (const Isa isa : supported_isas()) {
        const auto& kernel = linalg::kernels_for(isa).get<T>();
        DenseMatrix<T> out = DenseMatrix<T>::Constant(rows, k, T(-1));
        kernel.csr_times_dense(X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(), A.data(), k,
                               out.data(), 0, rows);
        for (Index i = 0; i < rows; ++i) {
          for (Index c = 0; c < k; ++c) {
            // Every term is non-negative, so the sum itself bounds the rounding.
            EXPECT_LE(std::abs(out(i, c) - expected(i, c)), tolerance<T>() * expected(i, c))
                << linalg::isa_name(isa) << " k " << k << " at (" << i << ", " << c << ")";
          }
          if (X.outerIndexPtr()[i] == X.outerIndexPtr()[i + 1]) {
            EXPECT_TRUE((out.row(i).array() == T(0)).all()) << "empty row " << i;
          }
        }
      }
    }
  }
}

TYPED_TEST(KernelAgreement, CsrTimesDenseWritesOnlyItsRows) {
  using T = TypeParam;
  const SparseMatrix<T> X = ragged<T>(12, 30, 5);
  const DenseMatrix<T> A = testing::random_nonnegative<T>(30, 17, 8);
  const DenseMatrix<T> full = linalg::multiply(X, A);
  for (const Isa isa : supported_isas()) {
    const auto& kernel = linalg::kernels_for(isa).get<T>();
    DenseMatrix<T> out = DenseMatrix<T>::Constant(12, 17, T(-1));
    kernel.csr_times_dense(X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(), A.data(), 17,
                           out.data(), 3, 7);
    kernel.csr_times_dense(X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(), A.data(), 17,
                           out.data(), 9, 9);  // an empty range writes nothing
    for (Index i = 0; i < 12; ++i) {
      if (i >= 3 && i < 7) {
        EXPECT_TRUE(out.row(i).isApprox(full.row(i), static_cast<T>(tolerance<T>())))
            << linalg::isa_name(isa) << " row " << i;
      } else {
        EXPECT_TRUE((out.row(i).array() == T(-1)).all()) << linalg::isa_name(isa) << " row " << i;
      }
    }
  }
}

// Dense X·A and Xᵀ·A (the same kernel with the strides swapped): every ISA gives the
// portable loop's sums to rounding, for row counts that leave the row blocks a remainder
// and widths that leave the vectors a tail; only the rows asked for are written.
TYPED_TEST(KernelAgreement, DenseTimesDenseEqualsPortableForEveryIsa) {
  using T = TypeParam;
  const auto& portable = linalg::kernels_for(Isa::Portable).get<T>();
  for (const bool transposed : {false, true}) {
    for (const Index k : kWidths) {
      const DenseMatrix<T> X = testing::random_nonnegative<T>(29, 37, static_cast<std::uint32_t>(k));
      const Index rows = transposed ? 37 : 29, terms = transposed ? 29 : 37;
      const Index row_stride = transposed ? 1 : 37, term_stride = transposed ? 37 : 1;
      const DenseMatrix<T> A = testing::random_nonnegative<T>(terms, k, 9);
      const DenseMatrix<T> product =
          transposed ? DenseMatrix<T>(X.transpose() * A) : DenseMatrix<T>(X * A);
      DenseMatrix<T> expected = DenseMatrix<T>::Constant(rows, k, T(-1));
      portable.dense_times_dense(X.data(), row_stride, term_stride, terms, A.data(), k,
                                 expected.data(), 0, rows);
      EXPECT_TRUE(expected.isApprox(product, static_cast<T>(tolerance<T>()))) << "k " << k;
      for (const Isa isa : supported_isas()) {
        const auto& kernel = linalg::kernels_for(isa).get<T>();
        DenseMatrix<T> out = DenseMatrix<T>::Constant(rows, k, T(-1));
        kernel.dense_times_dense(X.data(), row_stride, term_stride, terms, A.data(), k,
                                 out.data(), 2, rows - 1);
        for (Index i = 0; i < rows; ++i) {
          for (Index c = 0; c < k; ++c) {
            if (i < 2 || i == rows - 1) {
              EXPECT_EQ(out(i, c), T(-1)) << linalg::isa_name(isa) << " row " << i;
            } else {
              EXPECT_LE(std::abs(out(i, c) - expected(i, c)), tolerance<T>() * expected(i, c))
                  << linalg::isa_name(isa) << " k " << k << " at (" << i << ", " << c << ")";
            }
          }
        }
      }
    }
  }
}

// G = AᵀA + a little on the diagonal, and b with both signs so that some coordinates end
// at zero.
template <class T>
void random_problem(Index k, std::uint32_t seed, DenseMatrix<T>& G, std::vector<T>& b) {
  RandomState rng(seed);
  DenseMatrix<double> A(2 * k + 3, k);
  for (Index i = 0; i < A.size(); ++i) A.data()[i] = rng.standard_normal();
  DenseMatrix<double> Gd = A.transpose() * A;
  Gd.diagonal().array() += 0.1;
  Gd = 0.5 * (Gd + Gd.transpose()).eval();  // exactly symmetric
  G = Gd.cast<T>();
  b.resize(static_cast<std::size_t>(k));
  for (Index r = 0; r < k; ++r) b[r] = static_cast<T>(rng.standard_normal() * Gd(r, r));
}

// Largest violation of x ≥ 0, g = Gx − b ≥ 0 and x·g = 0, in double, relative to the scale.
template <class T>
double kkt_violation(const DenseMatrix<T>& G, const std::vector<T>& b, const std::vector<T>& x) {
  const Index k = G.rows();
  double scale = 0, x_max = 1;
  for (Index r = 0; r < k; ++r) {
    scale = std::max(scale, std::abs(static_cast<double>(b[r])));
    x_max = std::max(x_max, std::abs(static_cast<double>(x[r])));
    for (Index c = 0; c < k; ++c) scale = std::max(scale, std::abs(static_cast<double>(G(r, c))));
  }
  double worst = 0;
  for (Index r = 0; r < k; ++r) {
    double g = -static_cast<double>(b[r]);
    for (Index c = 0; c < k; ++c) g += static_cast<double>(G(r, c)) * static_cast<double>(x[c]);
    worst = std::max(worst, -static_cast<double>(x[r]));
    worst = std::max(worst, -g / scale);
    worst = std::max(worst, std::abs(static_cast<double>(x[r]) * g) / (scale * x_max));
  }
  return worst;
}

TYPED_TEST(KernelAgreement, NnlsRowEqualsPortableForEveryIsa) {
  using T = TypeParam;
  const auto& portable = linalg::kernels_for(Isa::Portable).get<T>();
  // A few sweeps from a warm start: enough steps to compare, too few to hide differences.
  const linalg::NnlsSweepRules rules{3, 0, 0};
  for (const Index k : kWidths) {
    DenseMatrix<T> G;
    std::vector<T> b;
    random_problem(k, static_cast<std::uint32_t>(k), G, b);
    std::vector<T> start(static_cast<std::size_t>(k));
    for (Index r = 0; r < k; ++r) start[r] = r % 3 == 0 ? T(0) : T(0.5);  // sparse warm start
    std::vector<T> expected = start;
    std::vector<T> gradient(static_cast<std::size_t>(linalg::nnls_scratch_size(k)));
    const int sweeps = portable.nnls_cd_row(G.data(), k, b.data(), expected.data(), gradient.data(), rules);
    double x_max = 1;
    for (const T v : expected) x_max = std::max(x_max, std::abs(static_cast<double>(v)));
    for (const Isa isa : supported_isas()) {
      std::vector<T> x = start;
      const int isa_sweeps = linalg::kernels_for(isa).get<T>().nnls_cd_row(
          G.data(), k, b.data(), x.data(), gradient.data(), rules);
      EXPECT_EQ(isa_sweeps, sweeps) << linalg::isa_name(isa) << " k " << k;
      for (Index r = 0; r < k; ++r) {
        // Steps stack up k·sweeps rounding errors of the size of the solution.
        EXPECT_LE(std::abs(static_cast<double>(x[r]) - static_cast<double>(expected[r])),
                  tolerance<T>() * x_max)
            << linalg::isa_name(isa) << " k " << k << " coordinate " << r;
      }
    }
  }
}

TYPED_TEST(KernelAgreement, NnlsRowSatisfiesKkt) {
  using T = TypeParam;
  // Float converges only to the precision its gradient keeps.
  const double allowed = std::is_same_v<T, float> ? 1e-4 : 1e-9;
  const linalg::NnlsSweepRules rules{100000, std::is_same_v<T, float> ? 1e-7 : 1e-14, 0};
  for (const Isa isa : supported_isas()) {
    const auto& kernel = linalg::kernels_for(isa).get<T>();
    for (const Index k : kWidths) {
      for (std::uint32_t seed = 0; seed < 3; ++seed) {
        DenseMatrix<T> G;
        std::vector<T> b;
        random_problem(k, 100 + seed, G, b);
        std::vector<T> x(static_cast<std::size_t>(k), T(0.5));
        std::vector<T> gradient(static_cast<std::size_t>(linalg::nnls_scratch_size(k)));
        kernel.nnls_cd_row(G.data(), k, b.data(), x.data(), gradient.data(), rules);
        EXPECT_LT(kkt_violation(G, b, x), allowed)
            << linalg::isa_name(isa) << " k " << k << " seed " << seed;
      }
    }
  }
}

// Dense data: X·A and Xᵀ·A by the kernel, the same bits on any thread count, and a row
// block's product equal to the whole product's rows (so spread fits of dense X are bitwise).
// ulps between a and b (both finite, same sign), in T's spacing at b.
template <class T>
double ulps(T a, T b) {
  const T spacing = std::nextafter(std::fabs(b), std::numeric_limits<T>::infinity()) - std::fabs(b);
  return std::fabs(static_cast<double>(a) - static_cast<double>(b)) / static_cast<double>(spacing);
}

TYPED_TEST(KernelAgreement, LogArrayIsWithinTwoUlpsOfStdLogEverywhere) {
  using T = TypeParam;
  using limits = std::numeric_limits<T>;
  // Values over the whole range (every binade, both sides of √½ and 1), and the edges.
  std::vector<T> x;
  for (int e = limits::min_exponent - 1; e < limits::max_exponent; e += 3) {
    for (const double m : {0.5, 0.7071067811865475, 0.7071067811865476, 0.75, 0.999999, 1.0,
                           1.000001, 1.25, 1.4142135623730951, 1.9999999}) {
      const T value = static_cast<T>(std::ldexp(m, e));
      if (std::isfinite(value) && value > 0) x.push_back(value);
    }
  }
  for (const T edge : {T(1), T(2), T(0.5), std::nextafter(T(1), T(2)), std::nextafter(T(1), T(0)),
                       limits::min(), limits::max(), limits::denorm_min(), T(0), T(-1),
                       limits::infinity(), limits::quiet_NaN()}) {
    x.push_back(edge);
  }
  for (const Isa isa : supported_isas()) {
    std::vector<T> out(x.size(), T(-7));
    linalg::kernels_for(isa).get<T>().log_array(x.data(), out.data(), static_cast<Index>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i) {
      const T expected = std::log(x[i]);
      if (!std::isfinite(expected)) {
        EXPECT_TRUE(out[i] == expected || (std::isnan(out[i]) && std::isnan(expected)))
            << linalg::isa_name(isa) << " log(" << x[i] << ") = " << out[i];
      } else {
        EXPECT_LE(ulps(out[i], expected), 2.0)
            << linalg::isa_name(isa) << " log(" << x[i] << ") = " << out[i] << ", not " << expected;
      }
    }
  }
}

TEST(KernelDispatch, DenseFastMultiplyMatchesEigenAndIgnoresThreadsAndBlocks) {
  const DenseMatrix<double> X = testing::random_nonnegative(300, 70, 13);
  const DenseMatrix<double> A = testing::random_nonnegative(70, 20, 14);
  const DenseMatrix<double> B = testing::random_nonnegative(300, 20, 15);
  DenseMatrix<double> one, two, t_one, t_two, block;
  {
    const ScopedThreadCount threads(1);
    linalg::fast_multiply(X, A, one);
    linalg::fast_multiply(X.transpose(), B, t_one);
  }
  {
    const ScopedThreadCount threads(2);
    linalg::fast_multiply(X, A, two);
    linalg::fast_multiply(X.transpose(), B, t_two);
  }
  EXPECT_TRUE((one.array() == two.array()).all());
  EXPECT_TRUE((t_one.array() == t_two.array()).all());
  EXPECT_TRUE(one.isApprox(DenseMatrix<double>(X * A), 1e-12));
  EXPECT_TRUE(t_one.isApprox(DenseMatrix<double>(X.transpose() * B), 1e-12));
  linalg::fast_multiply(DenseMatrix<double>(X.middleRows(100, 57)), A, block);
  EXPECT_TRUE((block.array() == one.middleRows(100, 57).array()).all());
}

TEST(KernelDispatch, FastMultiplyMatchesMultiplyAndIgnoresThreadCount) {
  const SparseMatrix<double> X = ragged<double>(300, 50, 11);
  const DenseMatrix<double> A = testing::random_nonnegative(50, 20, 12);
  const DenseMatrix<double> exact = linalg::multiply(X, A);
  DenseMatrix<double> one, two;
  {
    const ScopedThreadCount threads(1);
    linalg::fast_multiply(X, A, one);
  }
  {
    const ScopedThreadCount threads(2);
    linalg::fast_multiply(X, A, two);
  }
  EXPECT_TRUE((one.array() == two.array()).all());
  EXPECT_TRUE(one.isApprox(exact, 1e-12));
}

#if defined(__x86_64__) || defined(_M_X64)
TEST(KernelDispatch, PicksTheHighestIsaTheProcessorRuns) {
  __builtin_cpu_init();
  Isa expected = Isa::Portable;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) expected = Isa::Avx2;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")) {
    expected = Isa::Avx512;
  }
  EXPECT_EQ(linalg::isa_name(linalg::best_supported_isa()), linalg::isa_name(expected));
}
#endif

TEST(KernelDispatch, EachIsaHasItsOwnBuild) {
  const auto isas = supported_isas();
  for (std::size_t i = 0; i < isas.size(); ++i) {
    EXPECT_EQ(linalg::kernels_for(isas[i]).isa, isas[i]);
    for (std::size_t j = 0; j < i; ++j) {
      EXPECT_NE(linalg::kernels_for(isas[i]).f64.csr_times_dense,
                linalg::kernels_for(isas[j]).f64.csr_times_dense);
    }
  }
}

TEST(KernelDispatch, ActiveIsaFollowsNmfkitIsa) {
  // ctest runs this file once more with NMFKIT_ISA=portable (tests/CMakeLists.txt).
  const Isa expected =
      linalg::select_isa(std::getenv("NMFKIT_ISA"), linalg::best_supported_isa(), nullptr);
  EXPECT_EQ(linalg::isa_name(linalg::active_isa()), linalg::isa_name(expected));
  if (std::getenv("NMFKIT_ISA") == nullptr) {
    EXPECT_EQ(linalg::active_isa(), linalg::best_supported_isa());
  }
}

TEST(KernelDispatch, SelectIsaClampsAndWarns) {
  std::ostringstream warnings;
  EXPECT_EQ(linalg::select_isa(nullptr, Isa::Avx2, &warnings), Isa::Avx2);
  EXPECT_EQ(linalg::select_isa("", Isa::Avx2, &warnings), Isa::Avx2);
  EXPECT_EQ(linalg::select_isa("portable", Isa::Avx512, &warnings), Isa::Portable);
  EXPECT_EQ(linalg::select_isa("avx2", Isa::Avx512, &warnings), Isa::Avx2);
  EXPECT_EQ(linalg::select_isa("avx512", Isa::Avx512, &warnings), Isa::Avx512);
  EXPECT_EQ(warnings.str(), "");

  EXPECT_EQ(linalg::select_isa("avx512", Isa::Avx2, &warnings), Isa::Avx2);
  EXPECT_EQ(warnings.str(),
            "nmfkit: NMFKIT_ISA=avx512 is not supported by this processor or build; using avx2\n");
  warnings.str("");
  EXPECT_EQ(linalg::select_isa("sse9", Isa::Portable, &warnings), Isa::Portable);
  EXPECT_NE(warnings.str().find("'sse9' is not one of portable, avx2, avx512"), std::string::npos);
  const std::string text = warnings.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(KernelDispatch, UnsupportedIsaIsAnError) {
  if (linalg::best_supported_isa() == Isa::Avx512) {
    GTEST_SKIP() << "this processor runs every instruction set nmfkit has";
  }
  testing::expect_invalid([] { linalg::kernels_for(Isa::Avx512); }, "not supported");
}

}  // namespace
}  // namespace nmfkit
