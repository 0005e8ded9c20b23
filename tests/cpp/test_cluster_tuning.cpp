// The whole label-free procedure on planted clusters: recovered partition, neighbour count
// at the planted scale, determinism, and every kind of bad input.

#include <algorithm>

#include <gtest/gtest.h>
#include <omp.h>

#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/cluster/tuning.hpp"
#include "nmfkit/core/error.hpp"
#include "test_cluster_support.hpp"

namespace nmfkit::cluster {
namespace {

SparseMatrix<double> data_of(const testing::PlantedClusters& p) { return stabilize(p.X); }

TEST(ClusterTuning, RecoversPlantedClustersWithNeighbourCountAtThePlantedScale) {
  // 6 groups of 40: a sample's best predictors are the 39 others of its group.
  const auto planted = testing::planted_clusters(6, 40, 300, 500, 21, 0.85, 100);
  ClusterOptions options;
  options.neighbors = {5, 10, 15, 20, 25, 30, 39, 50, 60, 80, 100};
  const ClusterResult result = cluster_samples(planted.W, data_of(planted), options);
  EXPECT_GT(adjusted_rand_index(planted.group, result.membership), 0.95);
  EXPECT_EQ(result.clusters, 6);
  EXPECT_GE(result.neighbors, 25);
  EXPECT_LE(result.neighbors, 50);
  // The loss falls towards the planted scale and rises well beyond it.
  auto loss_at = [&](int k) {
    for (const auto& s : result.neighbor_grid) {
      if (s.neighbors == k) return s.loss.loss;
    }
    return -1.0;
  };
  EXPECT_LT(loss_at(result.neighbors), loss_at(5));
  EXPECT_LT(loss_at(result.neighbors), loss_at(100));
  EXPECT_LT(loss_at(50), loss_at(100));
  EXPECT_EQ(result.neighbor_grid.size(), options.neighbors.size());
  EXPECT_EQ(result.resolution_grid.size(), default_resolution_grid().size() * 3);
  EXPECT_NEAR(result.seed_nmi, 1.0, 1e-12);
  EXPECT_TRUE(result.dropped.empty());
  Index total = 0;
  for (const Index s : result.sizes) total += s;
  EXPECT_EQ(total, 240);
  EXPECT_TRUE(std::is_sorted(result.sizes.rbegin(), result.sizes.rend()));
}

TEST(ClusterTuning, PartitionMaskedLossPrefersThePlantedPartitionToOverSplitting) {
  const auto planted = testing::planted_clusters(4, 50, 300, 150, 22);
  ClusterOptions options;
  options.neighbors = {30};
  options.resolutions = {0.5, 1, 20, 60};
  const ClusterResult result = cluster_samples(planted.W, data_of(planted), options);
  EXPECT_LE(result.resolution, 1.0);
  EXPECT_GT(adjusted_rand_index(planted.group, result.membership), 0.95);
  double fine = 0;
  int fine_clusters = 0;
  for (const auto& s : result.resolution_grid) {
    if (s.resolution == 60) {
      fine += s.loss / 3;
      fine_clusters = std::max(fine_clusters, s.clusters);
    }
  }
  EXPECT_GT(fine_clusters, 4);
  EXPECT_GT(fine, result.mean_partition_loss);
}

TEST(ClusterTuning, SameSeedSamePartitionWhateverTheThreadCount) {
  const auto planted = testing::planted_clusters(5, 30, 200, 60, 23, 0.45, 20);
  const SparseMatrix<double> Y = data_of(planted);
  ClusterOptions options;
  options.seed = 5;
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const ClusterResult first = cluster_samples(planted.W, Y, options);
  omp_set_num_threads(std::max(2, threads));
  for (int run = 0; run < 2; ++run) {
    const ClusterResult again = cluster_samples(planted.W, Y, options);
    EXPECT_EQ(again.membership, first.membership);
    EXPECT_EQ(again.neighbors, first.neighbors);
    EXPECT_EQ(again.resolution, first.resolution);
    EXPECT_EQ(again.knn_loss.loss, first.knn_loss.loss);
  }
  omp_set_num_threads(threads);
}

TEST(ClusterTuning, ZeroEmbeddingRowsAreDroppedAsClusterMinusOne) {
  auto planted = testing::planted_clusters(3, 30, 100, 100, 24);
  planted.W.row(4).setZero();
  planted.W.row(50).setZero();
  const ClusterResult result = cluster_samples(planted.W, data_of(planted), ClusterOptions{});
  EXPECT_EQ(result.dropped, (std::vector<Index>{4, 50}));
  EXPECT_EQ(result.membership[4], -1);
  EXPECT_EQ(result.membership[50], -1);
  EXPECT_EQ(std::count(result.membership.begin(), result.membership.end(), -1), 2);
  EXPECT_EQ(result.clusters, 3);
}

TEST(ClusterTuning, DiffusionStepsAreScoredWhenAsked) {
  const auto planted = testing::planted_clusters(3, 25, 100, 100, 25);
  ClusterOptions options;
  options.neighbors = {5, 10};
  options.max_steps = 3;
  options.resolutions = {1.0};
  const ClusterResult result = cluster_samples(planted.W, data_of(planted), options);
  ASSERT_EQ(result.neighbor_grid.size(), 6u);
  EXPECT_EQ(result.neighbor_grid[1].steps, 2);
  EXPECT_NE(result.neighbor_grid[0].loss.loss, result.neighbor_grid[1].loss.loss);
}

// What chooses γ: by default both partition losses summed; each alone when asked. Every
// criterion recovers well-separated planted groups from their counts.
TEST(ClusterTuning, ResolutionCriterionIsTheSumOfBothPartitionLossesOrEitherAlone) {
  const auto planted = testing::planted_clusters(4, 30, 200, 150, 27);
  for (const auto criterion :
       {PartitionCriterion::Both, PartitionCriterion::Kernel, PartitionCriterion::Centroid}) {
    ClusterOptions options;
    options.neighbors = {20};
    options.resolutions = {0.3, 1, 3};
    options.seeds = 2;
    options.criterion = criterion;
    const ClusterResult result = cluster_samples(planted.W, data_of(planted), options);
    double lowest = 1e300;
    for (std::size_t g = 0; g < result.resolution_grid.size(); g += 2) {
      for (std::size_t s = g; s < g + 2; ++s) {
        const auto& score = result.resolution_grid[s];
        const double expected = criterion == PartitionCriterion::Both ? score.loss + score.centroid_loss
                                : criterion == PartitionCriterion::Kernel ? score.loss
                                                                          : score.centroid_loss;
        EXPECT_DOUBLE_EQ(score.criterion, expected);
      }
      lowest = std::min(lowest, (result.resolution_grid[g].criterion +
                                 result.resolution_grid[g + 1].criterion) / 2);
    }
    EXPECT_DOUBLE_EQ(result.mean_criterion, lowest) << to_string(criterion);
    EXPECT_GT(adjusted_rand_index(planted.group, result.membership), 0.95) << to_string(criterion);
  }
  EXPECT_EQ(parse_partition_criterion("both"), PartitionCriterion::Both);
  EXPECT_THROW(parse_partition_criterion("modularity"), InvalidArgument);
}

TEST(ClusterTuning, BadInputIsRejected) {
  const auto planted = testing::planted_clusters(3, 10, 50, 50, 26);
  const SparseMatrix<double> Y = data_of(planted);
  ClusterOptions options;
  options.neighbors = {30};  // n = 30: at most 29 neighbours
  EXPECT_THROW(cluster_samples(planted.W, Y, options), InvalidArgument);
  options.neighbors = {5};
  options.resolutions = {1.0, 0.0};
  EXPECT_THROW(cluster_samples(planted.W, Y, options), InvalidArgument);
  options.resolutions = {-2.0};
  EXPECT_THROW(cluster_samples(planted.W, Y, options), InvalidArgument);
  options.resolutions = {};
  EXPECT_THROW(cluster_samples(DenseMatrix<double>(planted.W.topRows(20)), Y, options), InvalidArgument);
  options.seeds = 0;
  EXPECT_THROW(cluster_samples(planted.W, Y, options), InvalidArgument);
  options.seeds = 1;
  options.max_steps = 4;
  EXPECT_THROW(cluster_samples(planted.W, Y, options), InvalidArgument);
  // Too few non-zero rows for the default grid.
  DenseMatrix<double> W = planted.W;
  W.bottomRows(26).setZero();
  EXPECT_THROW(cluster_samples(W, Y, ClusterOptions{}), InvalidArgument);
}

}  // namespace
}  // namespace nmfkit::cluster
