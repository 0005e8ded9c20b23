#include "nmfkit/select/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"

namespace nmfkit::select {

namespace {

// k-means++: the first center uniformly, each next one with probability proportional to
// the squared distance to the nearest center chosen so far.
Eigen::MatrixXd plus_plus_centers(const Eigen::MatrixXd& points, Index k, RandomState& rng) {
  const Index n = points.rows();
  Eigen::MatrixXd centers(k, points.cols());
  centers.row(0) = points.row(static_cast<Index>(rng.random_interval(static_cast<std::uint64_t>(n - 1))));
  Eigen::VectorXd nearest = (points.rowwise() - centers.row(0)).rowwise().squaredNorm();
  for (Index c = 1; c < k; ++c) {
    const double total = nearest.sum();
    Index pick = n - 1;
    if (total > 0) {
      double target = rng.random_sample() * total;
      for (Index i = 0; i < n; ++i) {
        target -= nearest[i];
        if (target < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = static_cast<Index>(rng.random_interval(static_cast<std::uint64_t>(n - 1)));
    }
    centers.row(c) = points.row(pick);
    nearest = nearest.cwiseMin((points.rowwise() - centers.row(c)).rowwise().squaredNorm());
  }
  return centers;
}

KMeansResult lloyd(const Eigen::MatrixXd& points, Eigen::MatrixXd centers, int max_iter) {
  const Index n = points.rows();
  const Index k = centers.rows();
  KMeansResult result;
  result.labels.assign(static_cast<std::size_t>(n), -1);
  for (int iteration = 0; iteration < max_iter; ++iteration) {
    bool changed = false;
    result.inertia = 0;
    for (Index i = 0; i < n; ++i) {
      Index best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (Index c = 0; c < k; ++c) {
        const double d = (points.row(i) - centers.row(c)).squaredNorm();
        if (d < best_d) {
          best_d = d;
          best = c;
        }
      }
      result.inertia += best_d;
      if (result.labels[static_cast<std::size_t>(i)] != best) {
        result.labels[static_cast<std::size_t>(i)] = best;
        changed = true;
      }
    }
    if (!changed) break;
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, points.cols());
    std::vector<Index> sizes(static_cast<std::size_t>(k), 0);
    for (Index i = 0; i < n; ++i) {
      sums.row(result.labels[static_cast<std::size_t>(i)]) += points.row(i);
      ++sizes[static_cast<std::size_t>(result.labels[static_cast<std::size_t>(i)])];
    }
    for (Index c = 0; c < k; ++c) {
      // An emptied cluster keeps its center; the next assignment may refill it.
      if (sizes[static_cast<std::size_t>(c)] > 0) {
        centers.row(c) = sums.row(c) / static_cast<double>(sizes[static_cast<std::size_t>(c)]);
      }
    }
  }
  result.centers = std::move(centers);
  return result;
}

}  // namespace

KMeansResult kmeans(const Eigen::MatrixXd& points, Index k, int starts, std::uint32_t seed,
                    int max_iter) {
  if (k < 1 || k > points.rows()) {
    throw InvalidArgument("kmeans: k must be in [1, " + std::to_string(points.rows()) +
                          "], got " + std::to_string(k));
  }
  if (starts < 1) throw InvalidArgument("kmeans: starts must be >= 1");
  RandomState rng(seed);
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int s = 0; s < starts; ++s) {
    KMeansResult result = lloyd(points, plus_plus_centers(points, k, rng), max_iter);
    if (result.inertia < best.inertia) best = std::move(result);
  }
  return best;
}

double silhouette_score(const Eigen::MatrixXd& points, const std::vector<Index>& labels,
                        Index clusters) {
  const Index n = points.rows();
  std::vector<Index> sizes(static_cast<std::size_t>(clusters), 0);
  for (const Index label : labels) ++sizes[static_cast<std::size_t>(label)];
  const auto filled = std::count_if(sizes.begin(), sizes.end(), [](Index s) { return s > 0; });
  if (filled < 2 || n < 2) return 0.0;
  // Squared norms once; distances from the Gram matrix.
  const Eigen::MatrixXd gram = points * points.transpose();
  std::vector<double> sum(static_cast<std::size_t>(clusters));
  double total = 0;
  for (Index a = 0; a < n; ++a) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (Index b = 0; b < n; ++b) {
      if (a == b) continue;
      const double d2 = gram(a, a) + gram(b, b) - 2 * gram(a, b);
      sum[static_cast<std::size_t>(labels[static_cast<std::size_t>(b)])] += std::sqrt(std::max(d2, 0.0));
    }
    const auto own = static_cast<std::size_t>(labels[static_cast<std::size_t>(a)]);
    if (sizes[own] < 2) continue;  // a singleton scores 0
    const double within = sum[own] / static_cast<double>(sizes[own] - 1);
    double nearest = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      if (c == own || sizes[c] == 0) continue;
      nearest = std::min(nearest, sum[c] / static_cast<double>(sizes[c]));
    }
    const double largest = std::max(within, nearest);
    if (largest > 0) total += (nearest - within) / largest;
  }
  return total / static_cast<double>(n);
}

}  // namespace nmfkit::select
