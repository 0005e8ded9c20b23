#include "nmfkit/select/consensus_clustering.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"

namespace nmfkit::select {

std::vector<Index> argmax_per_row(const Eigen::MatrixXd& W) {
  std::vector<Index> labels(static_cast<std::size_t>(W.rows()), 0);
  for (Index i = 0; i < W.rows(); ++i) {
    Index best = 0;
    for (Index c = 1; c < W.cols(); ++c) {
      if (W(i, c) > W(i, best)) best = c;
    }
    labels[static_cast<std::size_t>(i)] = best;
  }
  return labels;
}

Eigen::MatrixXd consensus_matrix(const std::vector<std::vector<Index>>& labelings) {
  if (labelings.empty()) throw InvalidArgument("consensus_matrix: no labelings");
  const auto n = static_cast<Index>(labelings.front().size());
  Eigen::MatrixXd C = Eigen::MatrixXd::Zero(n, n);
  for (const auto& labels : labelings) {
    if (static_cast<Index>(labels.size()) != n) {
      throw InvalidArgument("consensus_matrix: labelings differ in length");
    }
    for (Index j = 0; j < n; ++j) {
      for (Index i = 0; i < n; ++i) {
        if (labels[static_cast<std::size_t>(i)] == labels[static_cast<std::size_t>(j)]) C(i, j) += 1;
      }
    }
  }
  return C / static_cast<double>(labelings.size());
}

Eigen::MatrixXd average_linkage_cophenetic(const Eigen::MatrixXd& D) {
  const Index n = D.rows();
  Eigen::MatrixXd cophenetic = Eigen::MatrixXd::Zero(n, n);
  if (n < 2) return cophenetic;
  // Active clusters carry their members; `between` holds the average distances.
  Eigen::MatrixXd between = D;
  std::vector<std::vector<Index>> members(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) members[static_cast<std::size_t>(i)] = {i};
  std::vector<Index> active(static_cast<std::size_t>(n));
  std::iota(active.begin(), active.end(), Index{0});
  while (active.size() > 1) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t ba = 0, bb = 1;
    for (std::size_t a = 0; a < active.size(); ++a) {
      for (std::size_t b = a + 1; b < active.size(); ++b) {
        const double d = between(active[a], active[b]);
        if (d < best) {
          best = d;
          ba = a;
          bb = b;
        }
      }
    }
    const Index x = active[ba];
    const Index y = active[bb];
    auto& mx = members[static_cast<std::size_t>(x)];
    auto& my = members[static_cast<std::size_t>(y)];
    for (const Index i : mx) {
      for (const Index j : my) cophenetic(i, j) = cophenetic(j, i) = best;
    }
    const auto sx = static_cast<double>(mx.size());
    const auto sy = static_cast<double>(my.size());
    for (const Index z : active) {
      if (z == x || z == y) continue;
      const double d = (sx * between(x, z) + sy * between(y, z)) / (sx + sy);
      between(x, z) = between(z, x) = d;
    }
    mx.insert(mx.end(), my.begin(), my.end());
    my.clear();
    active.erase(active.begin() + static_cast<std::ptrdiff_t>(bb));
  }
  return cophenetic;
}

double cophenetic_correlation(const Eigen::MatrixXd& consensus) {
  const Index n = consensus.rows();
  const Eigen::MatrixXd distance = Eigen::MatrixXd::Ones(n, n) - consensus;
  const Eigen::MatrixXd tree = average_linkage_cophenetic(distance);
  double sx = 0, sy = 0, count = 0;
  for (Index j = 0; j < n; ++j) {
    for (Index i = 0; i < j; ++i) {
      sx += distance(i, j);
      sy += tree(i, j);
      count += 1;
    }
  }
  if (count == 0) return 1.0;
  const double mx = sx / count, my = sy / count;
  double xx = 0, yy = 0, xy = 0;
  for (Index j = 0; j < n; ++j) {
    for (Index i = 0; i < j; ++i) {
      const double dx = distance(i, j) - mx, dy = tree(i, j) - my;
      xx += dx * dx;
      yy += dy * dy;
      xy += dx * dy;
    }
  }
  // Constant distances: every restart gave the same partition (or none split anything).
  if (xx <= 1e-24 * count || yy <= 1e-24 * count) return 1.0;
  return xy / std::sqrt(xx * yy);
}

double dispersion(const Eigen::MatrixXd& consensus) {
  const auto n = static_cast<double>(consensus.rows());
  if (n == 0) return 1.0;
  return 4.0 * (consensus.array() - 0.5).square().sum() / (n * n);
}

std::vector<Index> consensus_sample(Index rows, Index limit, std::uint32_t seed) {
  std::vector<Index> rows_used;
  if (rows <= limit) {
    rows_used.resize(static_cast<std::size_t>(rows));
    std::iota(rows_used.begin(), rows_used.end(), Index{0});
    return rows_used;
  }
  RandomState rng(seed);
  std::vector<Index> order = rng.permutation(rows);
  order.resize(static_cast<std::size_t>(limit));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace nmfkit::select
