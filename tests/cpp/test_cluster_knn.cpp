// Nearest-neighbour lists: exact search against brute force, HNSW recall, embeddings.

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include <gtest/gtest.h>
#include <omp.h>

#include "nmfkit/cluster/knn.hpp"
#include "nmfkit/core/error.hpp"
#include "test_helpers.hpp"

namespace nmfkit::cluster {
namespace {

TEST(ClusterKnn, ExactSearchMatchesBruteForce) {
  const DenseMatrix<double> Z = testing::random_nonnegative(300, 6, 11);
  const int kmax = 12;
  const KnnLists knn = knn_exact(Z, kmax);
  ASSERT_EQ(knn.n, 300);
  ASSERT_EQ(knn.kmax, kmax);
  for (Index i = 0; i < Z.rows(); ++i) {
    std::vector<std::pair<double, Index>> all;
    for (Index j = 0; j < Z.rows(); ++j) {
      if (j != i) all.emplace_back((Z.row(i) - Z.row(j)).norm(), j);
    }
    std::sort(all.begin(), all.end());
    for (int r = 0; r < kmax; ++r) {
      EXPECT_EQ(knn.neighbors(i)[r], all[static_cast<std::size_t>(r)].second) << "row " << i << " rank " << r;
      EXPECT_NEAR(knn.distances(i)[r], all[static_cast<std::size_t>(r)].first, 1e-12);
    }
  }
}

TEST(ClusterKnn, DuplicateRowsAreEachOthersNearestAndSelfIsExcluded) {
  DenseMatrix<double> Z = testing::random_nonnegative(50, 4, 3);
  Z.row(7) = Z.row(20);
  const KnnLists knn = knn_exact(Z, 5);
  EXPECT_EQ(knn.neighbors(7)[0], 20);
  EXPECT_EQ(knn.neighbors(20)[0], 7);
  EXPECT_EQ(knn.distances(7)[0], 0.0);
  for (Index i = 0; i < Z.rows(); ++i) {
    for (int r = 0; r < 5; ++r) EXPECT_NE(knn.neighbors(i)[r], i);
  }
}

TEST(ClusterKnn, ExactSearchDoesNotDependOnThreadCount) {
  const DenseMatrix<double> Z = testing::random_nonnegative(700, 5, 5);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const KnnLists one = knn_exact(Z, 15);
  omp_set_num_threads(std::max(2, threads));
  const KnnLists many = knn_exact(Z, 15);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.index, many.index);
  EXPECT_EQ(one.distance, many.distance);
}

TEST(ClusterKnn, HnswRecallAgainstExactSearch) {
  const DenseMatrix<double> Z = embed(testing::random_nonnegative(3000, 10, 8), Metric::Cosine);
  const int kmax = 15;
  const KnnLists exact = knn_exact(Z, kmax);
  const KnnLists approximate = knn_hnsw(Z, kmax);
  Index hits = 0;
  for (Index i = 0; i < Z.rows(); ++i) {
    const std::set<std::int64_t> truth(exact.neighbors(i), exact.neighbors(i) + kmax);
    for (int r = 0; r < kmax; ++r) {
      hits += truth.count(approximate.neighbors(i)[r]);
      EXPECT_NE(approximate.neighbors(i)[r], i);
      if (r > 0) {
        EXPECT_LE(approximate.distances(i)[r - 1], approximate.distances(i)[r]);
      }
    }
  }
  const double recall = static_cast<double>(hits) / static_cast<double>(Z.rows() * kmax);
  EXPECT_GE(recall, 0.95);
  // Built in insertion order with a fixed seed: the same lists again.
  EXPECT_EQ(knn_hnsw(Z, kmax).index, approximate.index);
}

TEST(ClusterKnn, AutoPicksHnswAboveTheExactLimit) {
  const DenseMatrix<double> Z = testing::random_nonnegative(400, 3, 2);
  KnnOptions options;
  options.exact_limit = 100;
  const KnnLists approximate = nearest_neighbors(Z, 5, options);
  options.exact_limit = 1000;
  const KnnLists exact = nearest_neighbors(Z, 5, options);
  EXPECT_EQ(exact.index, knn_exact(Z, 5).index);
  EXPECT_EQ(approximate.index, knn_hnsw(Z, 5, options).index);
}

TEST(ClusterKnn, NeighbourCountMustBeBelowTheNumberOfSamples) {
  const DenseMatrix<double> Z = testing::random_nonnegative(10, 3, 1);
  EXPECT_THROW(knn_exact(Z, 10), InvalidArgument);
  EXPECT_THROW(knn_exact(Z, 0), InvalidArgument);
  EXPECT_THROW(knn_hnsw(Z, 12), InvalidArgument);
  EXPECT_NO_THROW(knn_exact(Z, 9));
}

TEST(ClusterKnn, EmbeddingsNormaliseRowsAndKeepZeroRows) {
  DenseMatrix<double> W = testing::random_nonnegative(20, 4, 9);
  W.row(3).setZero();
  const DenseMatrix<double> cosine = embed(W, Metric::Cosine);
  const DenseMatrix<double> proportions = embed(W, Metric::Euclidean);
  const DenseMatrix<double> hellinger = embed(W, Metric::Hellinger);
  for (Index i = 0; i < W.rows(); ++i) {
    if (i == 3) {
      EXPECT_EQ(cosine.row(i).squaredNorm(), 0.0);
      EXPECT_EQ(hellinger.row(i).squaredNorm(), 0.0);
      continue;
    }
    EXPECT_NEAR(cosine.row(i).norm(), 1.0, 1e-12);
    EXPECT_NEAR(proportions.row(i).sum(), 1.0, 1e-12);
    EXPECT_NEAR(hellinger.row(i).squaredNorm(), 0.5, 1e-12);
  }
  // Scaling the columns by the row sums of H changes which rows are close.
  const DenseMatrix<double> scaled = embed(W, Metric::Euclidean, {1, 2, 3, 4});
  EXPECT_NEAR(scaled(0, 3) / scaled(0, 0), 4 * W(0, 3) / W(0, 0), 1e-12);
}

TEST(ClusterKnn, EmbeddingRejectsNegativeOrNonFiniteEntries) {
  DenseMatrix<double> W = testing::random_nonnegative(5, 3, 4);
  W(2, 1) = -0.5;
  EXPECT_THROW(embed(W, Metric::Cosine), InvalidArgument);
  W(2, 1) = std::nan("");
  EXPECT_THROW(embed(W, Metric::Cosine), InvalidArgument);
  EXPECT_THROW(embed(testing::random_nonnegative(5, 3, 4), Metric::Cosine, {1, 2}), InvalidArgument);
  EXPECT_THROW(parse_metric("manhattan"), InvalidArgument);
}

}  // namespace
}  // namespace nmfkit::cluster
