// NumPy's reductions and scikit-learn's randomized SVD, against their own outputs.

#include <gtest/gtest.h>

#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/linalg/randomized_svd.hpp"
#include "reference_data.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

template <class T>
DenseMatrix<T> load_dense(const std::string& path) {
  AnyMatrix m = io::read_matrix(path, dtype_of<T>());
  return std::get<DenseMatrix<T>>(m.storage());
}

template <class T>
double relative(const DenseMatrix<T>& a, const DenseMatrix<T>& b) {
  return (a - b).template cast<double>().norm() / b.template cast<double>().norm();
}

template <class T, class Matrix>
void check_entry(const Matrix& X, const nlohmann::json& entry, linalg::SvdArithmetic arithmetic) {
  // The mean seeds init='random' and fills 'nndsvda': it must be NumPy's, bit for bit.
  EXPECT_EQ(static_cast<double>(linalg::mean(X)), entry.at("mean").get<double>());

  RandomState rng(entry.at("seed").get<std::uint32_t>());
  const auto k = entry.at("k").get<Index>();
  linalg::RandomizedSvdOptions options;
  options.arithmetic = arithmetic;
  const auto svd = linalg::randomized_svd(X, k, rng, options);
  const std::string prefix = testing::reference_path(entry.at("svd_prefix").get<std::string>());
  const auto U = load_dense<T>(prefix + "-U.npy");
  const auto S = load_dense<T>(prefix + "-S.npy");
  const auto Vt = load_dense<T>(prefix + "-Vt.npy");
  // Same subspaces, same signs: differences are rounding (LAPACK vs Eigen), amplified
  // only where singular values nearly coincide, which these matrices avoid at the top.
  const double tolerance = std::is_same_v<T, float> ? 2e-3 : 1e-9;
  EXPECT_LT(relative<T>(svd.S.transpose(), S), tolerance);
  EXPECT_LT(relative<T>(svd.U.leftCols(1), U.leftCols(1)), tolerance);
  EXPECT_LT(relative<T>(svd.Vt.topRows(1), Vt.topRows(1)), tolerance);
  // All k vectors: compare the projectors U·Uᵀ, which ignore rotations within clusters of
  // nearly equal singular values.
  EXPECT_LT(relative<T>(svd.U * svd.U.transpose(), U * U.transpose()), 50 * tolerance);
}

// The fast arithmetic (vector kernels, Cholesky-QR) must find the same factors to rounding.
TEST(Numerics, MeanAndRandomizedSvdMatchNumpyAndScikitLearn) {
  const auto entries = testing::load_reference_json("numerics.json");
  ASSERT_FALSE(entries.empty());
  for (const auto arithmetic : {linalg::SvdArithmetic::ScikitLearn, linalg::SvdArithmetic::Fast}) {
    for (const auto& entry : entries) {
      SCOPED_TRACE(entry.at("svd_prefix").get<std::string>() +
                   (arithmetic == linalg::SvdArithmetic::Fast ? " (fast)" : ""));
      const DType dtype = parse_dtype(entry.at("dtype").get<std::string>());
      const AnyMatrix X =
          io::read_matrix(testing::reference_path(entry.at("input").get<std::string>()), dtype);
      X.visit([&](const auto& m) {
        using Scalar = typename std::decay_t<decltype(m)>::Scalar;
        check_entry<Scalar>(m, entry, arithmetic);
      });
    }
  }
}

TEST(Numerics, NumpySumIsPairwiseWithinBlocks) {
  // 3 blocks of 8192: the order of additions differs from a plain loop in float32.
  std::vector<float> values(3 * 8192 + 17);
  RandomState rng(5);
  for (auto& v : values) v = static_cast<float>(rng.random_sample() * 1000);
  double exact = 0;
  for (float v : values) exact += v;
  const float sum = linalg::numpy_sum(values.data(), static_cast<Index>(values.size()));
  EXPECT_NEAR(sum, exact, exact * 1e-6);  // pairwise keeps float32 error near one ulp
}

// Rank 5 with 15 random vectors: the power iterations' blocks are singular, so the fast
// arithmetic's Cholesky-QR must hand over to LU, dense and sparse.
TEST(RandomizedSvd, FactorsAreOrthonormalAndReconstructALowRankMatrix) {
  const DenseMatrix<double> X = testing::planted(40, 30, 5, 3);
  const SparseMatrix<double> X_sparse = X.sparseView();
  for (const auto arithmetic : {linalg::SvdArithmetic::ScikitLearn, linalg::SvdArithmetic::Fast}) {
    linalg::RandomizedSvdOptions options;
    options.arithmetic = arithmetic;
    for (const bool sparse : {false, true}) {
      RandomState rng(0);
      const auto svd = sparse ? linalg::randomized_svd(X_sparse, 5, rng, options)
                              : linalg::randomized_svd(X, 5, rng, options);
      EXPECT_LT((svd.U.transpose() * svd.U - DenseMatrix<double>::Identity(5, 5)).norm(), 1e-12);
      EXPECT_LT((svd.Vt * svd.Vt.transpose() - DenseMatrix<double>::Identity(5, 5)).norm(), 1e-12);
      const DenseMatrix<double> reconstructed = svd.U * svd.S.asDiagonal() * svd.Vt;
      EXPECT_LT((reconstructed - X).norm() / X.norm(), 1e-12);
      for (Index j = 1; j < 5; ++j) EXPECT_GE(svd.S[j - 1], svd.S[j]);
    }
  }
}

TEST(RandomizedSvd, RejectsImpossibleRanks) {
  const DenseMatrix<double> X = testing::random_nonnegative(6, 4, 1);
  RandomState rng(0);
  EXPECT_THROW(linalg::randomized_svd(X, 0, rng), InvalidArgument);
  EXPECT_THROW(linalg::randomized_svd(X, 5, rng), InvalidArgument);
}

TEST(Products, TransposeMultiplyIsBitwiseTheProductWithTheTransposedCopy) {
  const SparseMatrix<double> X = testing::random_sparse(300, 200, 0.1, 5);
  for (const Index k : {1, 7, 8, 9, 30}) {
    const DenseMatrix<double> A = testing::random_nonnegative(300, k, 6);
    const DenseMatrix<double> expected = linalg::multiply(linalg::transposed(X), A);
    for (const int threads : {1, 2}) {
      const ScopedThreadCount scoped(threads);
      DenseMatrix<double> out;
      linalg::transpose_multiply(X, A, out);
      EXPECT_TRUE(out == expected) << "k " << k << ", threads " << threads;
    }
  }
}

// Processes that share a Gram matrix (dist::DistributedOperator::gram) each compute some
// of its row blocks: any split of them adds up to gram()'s bits.
TEST(Products, GramFromAnySplitOfItsBlocksIsBitwiseTheGram) {
  const DenseMatrix<double> A = testing::random_nonnegative(5000, 7, 8);
  const DenseMatrix<double> expected = linalg::gram(A);
  const Index blocks = linalg::gram_blocks(A.rows());
  ASSERT_EQ(blocks, 3);
  for (const Index cut : {0, 1, 2, 3}) {
    std::vector<double> partials(static_cast<std::size_t>(blocks * 49));
    linalg::gram_partials(A, 0, cut, partials.data());
    linalg::gram_partials(A, cut, blocks, partials.data() + cut * 49);
    DenseMatrix<double> sum;
    linalg::add_gram_partials(partials.data(), blocks, 7, sum);
    EXPECT_TRUE(sum == expected) << "cut at block " << cut;
  }
  EXPECT_NEAR((expected - A.transpose() * A).norm(), 0.0, 1e-9 * expected.norm());
}

TEST(RandomizedSvd, PermutedLowerFactorSpansTheColumnsAndIsUnitLowerAfterPermuting) {
  const DenseMatrix<double> A = testing::random_nonnegative(12, 4, 9);
  const DenseMatrix<double> PL = linalg::permuted_lower_factor(A);
  ASSERT_EQ(PL.rows(), 12);
  ASSERT_EQ(PL.cols(), 4);
  // A = PL·U for an upper-triangular U: solving in the least-squares sense is exact.
  const DenseMatrix<double> U = PL.colPivHouseholderQr().solve(A);
  EXPECT_LT((PL * U - A).norm() / A.norm(), 1e-12);
  for (Index i = 1; i < 4; ++i) {
    for (Index j = 0; j < i; ++j) EXPECT_NEAR(U(i, j), 0.0, 1e-12);
  }
  // Partial pivoting keeps every multiplier at most 1 in magnitude.
  EXPECT_LE(PL.cwiseAbs().maxCoeff(), 1.0 + 1e-15);
}

}  // namespace
}  // namespace nmfkit
