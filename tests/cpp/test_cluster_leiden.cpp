// Leiden through igraph: reported quality = modularity (igraph's and a brute-force
// computation), reproducible seeds, planted communities, bad resolutions.

#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/cluster/kernel.hpp"
#include "nmfkit/cluster/leiden.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::cluster {
namespace {

// A weighted stochastic block model: `blocks` groups of `size`, dense inside, sparse between.
SparseMatrix<double> block_graph(int blocks, int size, double p_in, double p_out, std::uint64_t seed,
                                 std::vector<int>* truth = nullptr) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const int n = blocks * size;
  std::vector<Eigen::Triplet<double, std::int64_t>> entries;
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const bool same = i / size == j / size;
      if (unit(rng) < (same ? p_in : p_out)) {
        const double w = 0.5 + unit(rng);
        entries.emplace_back(i, j, w);
        entries.emplace_back(j, i, w);
      }
    }
  }
  if (truth) {
    truth->clear();
    for (int i = 0; i < n; ++i) truth->push_back(i / size);
  }
  SparseMatrix<double> A(n, n);
  A.setFromTriplets(entries.begin(), entries.end());
  return A;
}

// Newman's weighted modularity with resolution γ, from its definition.
double brute_force_modularity(const SparseMatrix<double>& A, const std::vector<int>& c, double gamma) {
  const Eigen::MatrixXd D(A);
  const Eigen::VectorXd k = D.rowwise().sum();
  const double two_m = k.sum();
  double q = 0;
  for (Index i = 0; i < D.rows(); ++i) {
    for (Index j = 0; j < D.cols(); ++j) {
      if (c[static_cast<std::size_t>(i)] == c[static_cast<std::size_t>(j)]) q += D(i, j) - gamma * k[i] * k[j] / two_m;
    }
  }
  return q / two_m;
}

TEST(ClusterLeiden, QualityIsModularityAtTheResolution) {
  const SparseMatrix<double> A = block_graph(4, 30, 0.3, 0.03, 1);
  const Graph graph(A);
  EXPECT_EQ(graph.vertices(), 120);
  EXPECT_NEAR(graph.total_weight(), Eigen::MatrixXd(A).sum() / 2, 1e-9);
  for (const double gamma : {0.5, 1.0, 1.25, 2.0}) {
    LeidenOptions options;
    options.resolution = gamma;
    options.seed = 7;
    const LeidenResult result = leiden(graph, options);
    EXPECT_TRUE(result.converged);
    EXPECT_EQ(result.clusters, static_cast<int>(std::set<int>(result.membership.begin(), result.membership.end()).size()));
    EXPECT_NEAR(result.quality, modularity(graph, result.membership, gamma), 1e-9) << "γ " << gamma;
    EXPECT_NEAR(result.quality, brute_force_modularity(A, result.membership, gamma), 1e-9) << "γ " << gamma;
  }
}

TEST(ClusterLeiden, RecoversPlantedBlocks) {
  std::vector<int> truth;
  const SparseMatrix<double> A = block_graph(5, 40, 0.25, 0.01, 2, &truth);
  const Graph graph(A);
  const LeidenResult result = leiden(graph, LeidenOptions{});
  EXPECT_EQ(result.clusters, 5);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(truth, result.membership), 1.0);
}

TEST(ClusterLeiden, SameSeedSamePartition) {
  const Graph graph(block_graph(6, 25, 0.15, 0.04, 3));
  LeidenOptions options;
  options.resolution = 1.5;
  options.seed = 123;
  const LeidenResult first = leiden(graph, options);
  for (int run = 0; run < 2; ++run) {
    const LeidenResult again = leiden(graph, options);
    EXPECT_EQ(again.membership, first.membership);
    EXPECT_EQ(again.quality, first.quality);
  }
}

TEST(ClusterLeiden, HigherResolutionGivesMoreClusters) {
  const Graph graph(block_graph(4, 40, 0.2, 0.05, 4));
  LeidenOptions low, high;
  low.resolution = 0.05;
  high.resolution = 8;
  EXPECT_LT(leiden(graph, low).clusters, leiden(graph, high).clusters);
}

TEST(ClusterLeiden, RejectsBadParameters) {
  const Graph graph(block_graph(2, 10, 0.5, 0.1, 5));
  for (const double gamma : {0.0, -1.0, std::nan("")}) {
    LeidenOptions options;
    options.resolution = gamma;
    EXPECT_THROW(leiden(graph, options), InvalidArgument);
  }
  LeidenOptions options;
  options.max_rounds = 0;
  EXPECT_THROW(leiden(graph, options), InvalidArgument);
  EXPECT_THROW(modularity(graph, std::vector<int>(3, 0), 1.0), InvalidArgument);
}

TEST(ClusterLeiden, GraphWithoutEdgesGivesSingletons) {
  const Graph graph(SparseMatrix<double>(4, 4));
  const LeidenResult result = leiden(graph, LeidenOptions{});
  EXPECT_EQ(result.clusters, 4);
  EXPECT_TRUE(std::isnan(modularity(graph, {0, 0, 1, 1}, 1.0)));
}

}  // namespace
}  // namespace nmfkit::cluster
