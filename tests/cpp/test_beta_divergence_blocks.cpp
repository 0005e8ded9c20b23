// The Frobenius loss of dense X is formed a block of rows of WH at a time on the vector
// kernels: it must equal the sum over the whole residual X − WH to rounding, and give the
// same bits on any number of threads.

#include <gtest/gtest.h>

#include <cstdint>
#include <type_traits>

#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"

namespace nmfkit {
namespace {

template <class T>
DenseMatrix<T> filled(Index rows, Index cols, std::uint64_t seed) {
  DenseMatrix<T> m(rows, cols);
  std::uint64_t state = seed;
  for (Index p = 0; p < m.size(); ++p) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    m.data()[p] = static_cast<T>(static_cast<double>(state >> 11) * 0x1.0p-53);
  }
  return m;
}

// In double whatever T: the reference the blocks' sums are held to.
template <class T>
double whole_residual(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  const DenseMatrix<double> residual =
      X.template cast<double>() - W.template cast<double>() * H.template cast<double>();
  return residual.squaredNorm() / 2.0;
}

template <class T>
class FrobeniusByBlocks : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FrobeniusByBlocks, ElementTypes);

TYPED_TEST(FrobeniusByBlocks, EqualsTheWholeResidualOnAnyThreads) {
  using T = TypeParam;
  struct Shape {
    Index m, n, k;
  };
  // Several blocks with a short last one; one block of a few rows for very wide X; one
  // product small enough to be formed whole.
  for (const Shape s : {Shape{1001, 700, 7}, Shape{3000, 101, 13}, Shape{45, 70000, 3},
                        Shape{60, 50, 5}}) {
    const DenseMatrix<T> X = filled<T>(s.m, s.n, 1);
    const DenseMatrix<T> W = filled<T>(s.m, s.k, 2);
    const DenseMatrix<T> H = filled<T>(s.k, s.n, 3);
    double alone = 0;
    for (const int threads : {1, 2}) {
      const ScopedThreadCount scoped(threads);
      const double loss = linalg::beta_divergence(X, W, H, 2.0);
      if (threads == 1) alone = loss;
      EXPECT_EQ(loss, alone) << s.m << " x " << s.n << ", k " << s.k;
    }
    const double tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-12;
    const double expected = whole_residual(X, W, H);
    EXPECT_NEAR(alone, expected, tolerance * expected) << s.m << " x " << s.n << ", k " << s.k;
  }
}

}  // namespace
}  // namespace nmfkit
