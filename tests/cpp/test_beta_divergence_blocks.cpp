// The Frobenius loss of dense X is formed a block of rows of WH at a time; it must
// equal, bit for bit, the sum over the whole residual X − WH that scikit-learn parity
// was established with.

#include <gtest/gtest.h>

#include <cstdint>

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

template <class T>
double whole_residual(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  const DenseMatrix<T> WH = W * H;
  const DenseMatrix<T> residual = X - WH;
  T sum = 0;
  for (Index p = 0; p < residual.size(); ++p) sum += residual.data()[p] * residual.data()[p];
  return static_cast<double>(sum) / 2.0;
}

template <class T>
class FrobeniusByBlocks : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FrobeniusByBlocks, ElementTypes);

TYPED_TEST(FrobeniusByBlocks, EqualsTheWholeResidualBitwise) {
  using T = TypeParam;
  struct Shape {
    Index m, n, k;
  };
  // Several blocks with a short last one; one block of 32 rows for very wide X; one
  // product small enough to be formed whole.
  for (const Shape s : {Shape{1001, 700, 7}, Shape{3000, 101, 13}, Shape{45, 70000, 3},
                        Shape{60, 50, 5}}) {
    const DenseMatrix<T> X = filled<T>(s.m, s.n, 1);
    const DenseMatrix<T> W = filled<T>(s.m, s.k, 2);
    const DenseMatrix<T> H = filled<T>(s.k, s.n, 3);
    EXPECT_EQ(linalg::beta_divergence(X, W, H, 2.0), whole_residual(X, W, H))
        << s.m << " x " << s.n << ", k " << s.k;
  }
}

}  // namespace
}  // namespace nmfkit
