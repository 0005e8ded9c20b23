#pragma once
// Planted cluster data for the clustering tests: groups of samples around well-separated
// points of the topic simplex, with Dirichlet jitter, and Poisson counts drawn from them.

#include <random>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::testing {

struct PlantedClusters {
  DenseMatrix<double> W;        // samples × topics: proportions, jittered around the group centre
  SparseMatrix<double> X;       // samples × terms: Poisson counts from W·H
  std::vector<int> group;       // the planted group of each sample
};

inline std::vector<double> dirichlet(std::mt19937_64& rng, const std::vector<double>& alpha) {
  std::vector<double> out(alpha.size());
  double sum = 0;
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    std::gamma_distribution<double> gamma(alpha[i], 1.0);
    out[i] = gamma(rng);
    sum += out[i];
  }
  for (auto& v : out) v /= sum;
  return out;
}

// `groups` groups of `per_group` samples; group g's centre puts `peak` on topic g (topics =
// groups) and spreads the rest evenly; samples ~ Dirichlet(concentration · centre).
inline PlantedClusters planted_clusters(int groups, int per_group, int terms, double depth,
                                        std::uint64_t seed, double peak = 0.7,
                                        double concentration = 50) {
  std::mt19937_64 rng(seed);
  const int k = groups;
  DenseMatrix<double> H(k, terms);
  for (int t = 0; t < k; ++t) {
    const auto row = dirichlet(rng, std::vector<double>(static_cast<std::size_t>(terms), 0.1));
    for (int f = 0; f < terms; ++f) H(t, f) = row[static_cast<std::size_t>(f)];
  }
  PlantedClusters out;
  const int n = groups * per_group;
  out.W.resize(n, k);
  for (int g = 0; g < groups; ++g) {
    std::vector<double> alpha(static_cast<std::size_t>(k), concentration * (1 - peak) / (k - 1));
    alpha[static_cast<std::size_t>(g)] = concentration * peak;
    for (int s = 0; s < per_group; ++s) {
      const int i = g * per_group + s;
      const auto theta = dirichlet(rng, alpha);
      for (int t = 0; t < k; ++t) out.W(i, t) = theta[static_cast<std::size_t>(t)];
      out.group.push_back(g);
    }
  }
  const DenseMatrix<double> rates = depth * out.W * H;
  std::vector<Eigen::Triplet<double, std::int64_t>> entries;
  for (int i = 0; i < n; ++i) {
    for (int f = 0; f < terms; ++f) {
      std::poisson_distribution<int> poisson(rates(i, f));
      const int count = rates(i, f) > 0 ? poisson(rng) : 0;
      if (count > 0) entries.emplace_back(i, f, count);
    }
  }
  out.X.resize(n, terms);
  out.X.setFromTriplets(entries.begin(), entries.end());
  out.X.makeCompressed();
  return out;
}

}  // namespace nmfkit::testing
