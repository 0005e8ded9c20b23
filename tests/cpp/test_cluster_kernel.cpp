// Affinity kernels and the noise2self loss, against dense brute-force computations.

#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "nmfkit/cluster/kernel.hpp"
#include "nmfkit/cluster/self_supervised_loss.hpp"
#include "nmfkit/core/error.hpp"
#include "test_helpers.hpp"

namespace nmfkit::cluster {
namespace {

using Dense = Eigen::MatrixXd;

Dense dense(const SparseMatrix<double>& A) { return Dense(A); }

KnnLists lists_for(Index n, int kmax, std::uint32_t seed) {
  return knn_exact(testing::random_nonnegative(n, 4, seed), kmax);
}

TEST(ClusterKernel, RowStochasticWithZeroDiagonal) {
  const KnnLists knn = lists_for(80, 10, 1);
  for (const auto weighting : {Weighting::Exp, Weighting::Inverse, Weighting::Binary}) {
    for (const bool symmetric : {false, true}) {
      SparseMatrix<double> A = affinity(knn, 7, weighting);
      if (symmetric) A = symmetrize(A);
      Index empty = -1;
      const Dense T = dense(row_stochastic(A, &empty));
      EXPECT_EQ(empty, 0);
      for (Index i = 0; i < T.rows(); ++i) {
        EXPECT_EQ(T(i, i), 0.0);
        EXPECT_NEAR(T.row(i).sum(), 1.0, 1e-12);
        EXPECT_GE(T.row(i).minCoeff(), 0.0);
      }
    }
  }
}

TEST(ClusterKernel, ExpWeightsFollowTheMeanDistanceOfEachRow) {
  const KnnLists knn = lists_for(60, 8, 2);
  const Dense A = dense(affinity(knn, 5, Weighting::Exp));
  for (Index i = 0; i < 60; ++i) {
    double mean = 0;
    for (int r = 0; r < 5; ++r) mean += knn.distances(i)[r] / 5;
    for (int r = 0; r < 5; ++r) {
      EXPECT_NEAR(A(i, knn.neighbors(i)[r]), std::exp(-knn.distances(i)[r] / mean), 1e-14);
    }
    EXPECT_EQ((A.row(i).array() > 0).count(), 5);  // a prefix of the lists: κ entries
  }
}

TEST(ClusterKernel, SymmetrizeAveragesBothDirections) {
  const KnnLists knn = lists_for(50, 6, 3);
  const Dense A = dense(affinity(knn, 6, Weighting::Binary));
  const Dense S = dense(symmetrize(affinity(knn, 6, Weighting::Binary)));
  EXPECT_NEAR((S - (A + A.transpose()) / 2).cwiseAbs().maxCoeff(), 0.0, 1e-15);
}

TEST(ClusterKernel, WithinClustersDropsEdgesBetweenClustersAndReportsIsolatedRows) {
  const KnnLists knn = lists_for(40, 5, 4);
  const SparseMatrix<double> A = affinity(knn, 5, Weighting::Exp);
  std::vector<int> membership(40);
  for (int i = 0; i < 40; ++i) membership[static_cast<std::size_t>(i)] = i % 3;
  membership[7] = 99;  // alone: every edge of row 7 is cut
  const Dense masked = dense(within_clusters(A, membership));
  const Dense full = dense(A);
  for (Index i = 0; i < 40; ++i) {
    for (Index j = 0; j < 40; ++j) {
      const bool same = membership[static_cast<std::size_t>(i)] == membership[static_cast<std::size_t>(j)];
      EXPECT_EQ(masked(i, j), same ? full(i, j) : 0.0);
    }
  }
  Index empty = 0;
  const Dense T = dense(row_stochastic(within_clusters(A, membership), &empty));
  Index expected = 0;
  for (Index i = 0; i < 40; ++i) expected += masked.row(i).sum() == 0;
  EXPECT_GE(expected, 1);
  EXPECT_EQ(empty, expected);
  EXPECT_EQ(T.row(7).sum(), 0.0);
}

TEST(ClusterKernel, DiffusionReZeroesTheDiagonalAtEveryStep) {
  const KnnLists knn = lists_for(70, 6, 5);
  const SparseMatrix<double> T = row_stochastic(affinity(knn, 6, Weighting::Exp));
  const Dense T1 = dense(T);
  auto renormalised = [](Dense M) {
    M.diagonal().setZero();
    for (Index i = 0; i < M.rows(); ++i) {
      const double s = M.row(i).sum();
      if (s > 0) M.row(i) /= s;
    }
    return M;
  };
  const Dense T2 = renormalised(T1 * T1);
  const Dense T3 = renormalised(T2 * T1);
  EXPECT_NEAR((dense(diffuse(T, 2)) - T2).cwiseAbs().maxCoeff(), 0.0, 1e-13);
  EXPECT_NEAR((dense(diffuse(T, 3)) - T3).cwiseAbs().maxCoeff(), 0.0, 1e-13);
  EXPECT_EQ(dense(diffuse(T, 3)).diagonal().cwiseAbs().maxCoeff(), 0.0);
  EXPECT_THROW(diffuse(T, 0), InvalidArgument);
}

TEST(ClusterLoss, Noise2SelfLossEqualsDenseBruteForce) {
  const SparseMatrix<double> Y = testing::random_sparse(200, 50, 0.2, 6);
  const KnnLists knn = lists_for(200, 12, 7);
  const SparseMatrix<double> T = row_stochastic(affinity(knn, 12, Weighting::Exp));
  const LossStats stats = noise2self_loss(Y, T);
  const Dense y = dense(Y);
  const Dense residual = y - dense(T) * y;
  Index used = 0;
  double res = 0, power = 0, spread = 0;
  for (Index i = 0; i < y.rows(); ++i) {
    if (y.row(i).squaredNorm() == 0) continue;
    ++used;
    res += residual.row(i).squaredNorm();
    power += y.row(i).squaredNorm();
    spread += (y.row(i).array() - y.row(i).mean()).square().sum();
  }
  EXPECT_EQ(stats.rows_used, used);
  EXPECT_NEAR(stats.loss, res / (used * 50.0), 1e-13);
  EXPECT_NEAR(stats.baseline, power / (used * 50.0), 1e-13);
  EXPECT_NEAR(stats.r2, 1 - res / spread, 1e-12);
  EXPECT_EQ(stats.empty_rows, 0);
}

TEST(ClusterLoss, SampleNeverPredictsItself) {
  // With a zero-diagonal kernel, a sample's own values do not enter its prediction: adding
  // noise to row i changes row i's term by exactly the brute-force amount and no more.
  SparseMatrix<double> Y = testing::random_sparse(60, 20, 0.5, 8);
  const SparseMatrix<double> T = row_stochastic(affinity(lists_for(60, 5, 9), 5, Weighting::Exp));
  const Dense y = dense(Y);
  Dense y2 = y;
  y2.row(10).array() += 3.0;  // every feature of row 10 shifted
  const Dense prediction = dense(T) * y;
  const Dense prediction2 = dense(T) * y2;
  EXPECT_NEAR((prediction.row(10) - prediction2.row(10)).cwiseAbs().maxCoeff(), 0.0, 1e-15);
  const LossStats before = noise2self_loss(Y, T);
  const LossStats after = noise2self_loss(SparseMatrix<double>(y2.sparseView()), T);
  const Dense r2 = y2 - prediction2;
  EXPECT_NEAR(after.loss * 60 * 20, r2.squaredNorm(), 1e-9);
  EXPECT_NE(before.loss, after.loss);
}

TEST(ClusterLoss, EmptyKernelRowsPredictZero) {
  const SparseMatrix<double> Y = testing::random_sparse(30, 10, 0.6, 10);
  SparseMatrix<double> T(30, 30);  // no edges at all
  const LossStats stats = noise2self_loss(Y, T);
  EXPECT_NEAR(stats.loss, stats.baseline, 1e-15);
  EXPECT_EQ(stats.empty_rows, stats.rows_used);
  EXPECT_THROW(noise2self_loss(Y, SparseMatrix<double>(29, 29)), InvalidArgument);
}

TEST(ClusterLoss, CentroidLossEqualsLeaveOneOutMeans) {
  const SparseMatrix<double> Y = testing::random_sparse(90, 15, 0.4, 11);
  std::vector<int> membership(90);
  for (int i = 0; i < 90; ++i) membership[static_cast<std::size_t>(i)] = (i * 7) % 5;
  membership[3] = 42;  // a singleton: predicted by 0
  const Dense y = dense(Y);
  double total = 0;
  Index used = 0;
  for (Index i = 0; i < 90; ++i) {
    if (y.row(i).squaredNorm() == 0) continue;
    ++used;
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(15);
    int others = 0;
    for (Index j = 0; j < 90; ++j) {
      if (j != i && y.row(j).squaredNorm() > 0 &&
          membership[static_cast<std::size_t>(j)] == membership[static_cast<std::size_t>(i)]) {
        sum += y.row(j);
        ++others;
      }
    }
    const Eigen::RowVectorXd prediction = others > 0 ? Eigen::RowVectorXd(sum / others) : Eigen::RowVectorXd::Zero(15);
    total += (y.row(i) - prediction).squaredNorm();
  }
  EXPECT_NEAR(centroid_loss(Y, membership), total / (used * 15.0), 1e-12);
}

TEST(ClusterLoss, StabilizeScalesRowsToTheMedianSumThenTakesSquareRoots) {
  SparseMatrix<double> X(3, 2);
  X.insert(0, 0) = 1;
  X.insert(0, 1) = 3;   // sum 4
  X.insert(1, 1) = 8;   // sum 8
  X.insert(2, 0) = 16;  // sum 16: the median is 8
  const Dense Y = dense(stabilize(X));
  EXPECT_NEAR(Y(0, 0), std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(Y(0, 1), std::sqrt(6.0), 1e-15);
  EXPECT_NEAR(Y(1, 1), std::sqrt(8.0), 1e-15);
  EXPECT_NEAR(Y(2, 0), std::sqrt(8.0), 1e-15);
  StabilizeOptions log_options{Stabilizer::Log1p, false};
  EXPECT_NEAR(dense(stabilize(X, log_options))(2, 0), std::log1p(16.0), 1e-15);
  X.coeffRef(1, 1) = -1;
  EXPECT_THROW(stabilize(X), InvalidArgument);
}

}  // namespace
}  // namespace nmfkit::cluster
