#include "spatial_smoothing.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "nmfkit/core/error.hpp"

namespace nmfkit::multimodal {

void SpatialOptions::validate() const {
  if (!(radius > 0) || !std::isfinite(radius))
    throw InvalidArgument("radius must be a finite number > 0, got " + std::to_string(radius));
  if (n_neighbors < 0)
    throw InvalidArgument("n_neighbors must be >= 0 (0: every neighbour within the radius), got " +
                          std::to_string(n_neighbors));
}

SpatialNeighbours spatial_neighbours(const DenseMatrix<double>& coordinates,
                                     const SpatialOptions& options) {
  options.validate();
  if (coordinates.cols() != 2)
    throw InvalidArgument("coordinates must have 2 columns (x, y), got " +
                          std::to_string(coordinates.cols()));
  if (!coordinates.allFinite()) throw InvalidArgument("coordinates must be finite");
  const Index N = coordinates.rows();
  // mTopic's scaling: shift to 0, divide by the largest axis range (longest axis in [0, 1]).
  const Eigen::RowVector2d low = coordinates.colwise().minCoeff();
  const double range = (coordinates.colwise().maxCoeff() - low).maxCoeff();
  if (N > 1 && !(range > 0))
    throw InvalidArgument("coordinates: every sample is at the same place");
  DenseMatrix<double> xy = coordinates.rowwise() - low;
  if (range > 0) xy /= range;

  // A grid of cells at least the radius wide: the neighbours of a point lie in its own
  // and the 8 adjacent cells. Cells are keyed as integers and only occupied ones stored
  // (sorted), so a tiny radius costs no memory; the width floor keeps keys within 2^21.
  const double width = std::max(options.radius, 1e-6);
  auto cell = [&](double v) { return static_cast<std::int64_t>(std::floor(v / width)) + 1; };
  auto key = [](std::int64_t cx, std::int64_t cy) { return (cx << 22) | cy; };
  std::vector<std::pair<std::int64_t, Index>> sorted(static_cast<std::size_t>(N));
  for (Index i = 0; i < N; ++i) sorted[i] = {key(cell(xy(i, 0)), cell(xy(i, 1))), i};
  std::sort(sorted.begin(), sorted.end());

  std::vector<std::vector<std::pair<double, Index>>> lists(static_cast<std::size_t>(N));
#pragma omp parallel for schedule(dynamic, 64)
  for (Index i = 0; i < N; ++i) {
    auto& list = lists[i];
    const std::int64_t cx = cell(xy(i, 0)), cy = cell(xy(i, 1));
    for (std::int64_t dx = -1; dx <= 1; ++dx) {
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        const std::int64_t k = key(cx + dx, cy + dy);
        auto it = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(k, Index{0}));
        for (; it != sorted.end() && it->first == k; ++it) {
          const Index j = it->second;
          const double ex = xy(i, 0) - xy(j, 0), ey = xy(i, 1) - xy(j, 1);
          const double distance = std::sqrt(ex * ex + ey * ey);
          // scikit-learn's radius_neighbors includes the boundary.
          if (j != i && distance <= options.radius) list.emplace_back(distance, j);
        }
      }
    }
    std::sort(list.begin(), list.end());
    // Self first, whatever else shares its place: its row is replaced by the current γ_d.
    list.insert(list.begin(), {0.0, i});
    if (options.n_neighbors > 0 && static_cast<Index>(list.size()) > options.n_neighbors)
      list.resize(static_cast<std::size_t>(options.n_neighbors));
  }

  SpatialNeighbours out;
  out.offsets.reserve(static_cast<std::size_t>(N + 1));
  out.offsets.push_back(0);
  for (const auto& list : lists) {
    for (const auto& [distance, j] : list) {
      out.index.push_back(j);
      out.weight.push_back(std::exp(-std::numbers::pi * distance * distance));
    }
    out.offsets.push_back(static_cast<Index>(out.index.size()));
  }
  return out;
}

namespace detail {

SpatialSmoother::SpatialSmoother(const SpatialNeighbours& neighbours,
                                 const DenseMatrix<double>& previous_gamma)
    : neighbours_(neighbours), previous_(previous_gamma) {
  inverse_norm_.resize(static_cast<std::size_t>(previous_.rows()));
  for (Index j = 0; j < previous_.rows(); ++j) inverse_norm_[j] = 1.0 / previous_.row(j).norm();
}

void SpatialSmoother::smooth(Index sample, double* gamma, double* scratch) const {
  const Index K = previous_.cols();
  Eigen::Map<Vector<double>> g(gamma, K);
  Eigen::Map<Vector<double>> s(scratch, K);
  Eigen::Map<Vector<double>> unit(scratch + K, K);
  unit = g / g.norm();
  s.setZero();
  const Index begin = neighbours_.offsets[sample], end = neighbours_.offsets[sample + 1];
  for (Index q = begin; q < end; ++q) {
    // The first neighbour is the sample itself, represented by its current γ_d rather
    // than the previous iteration's.
    const double weight = neighbours_.weight[q];
    if (q == begin) {
      s.noalias() += (unit.dot(unit) * weight) * unit;
    } else {
      const Index j = neighbours_.index[q];
      const auto u = previous_.row(j).transpose() * inverse_norm_[j];
      s.noalias() += (unit.dot(u) * weight) * u;
    }
  }
  s /= static_cast<double>(end - begin);
  s /= s.norm();
  const double before = g.sum();
  g.array() *= 1.0 + s.array();
  g *= before / g.sum();
}

}  // namespace detail

}  // namespace nmfkit::multimodal
