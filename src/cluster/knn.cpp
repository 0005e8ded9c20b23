#include "nmfkit/cluster/knn.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

// hnswlib's SSE path prefetches through a read one element past a neighbour list (nmslib/
// hnswlib issues 107 and 578, open upstream): AddressSanitizer reports a heap-buffer-overflow
// and at a page end it could fault. That path is compiled out here; the distance is Eigen's
// vectorised one (SquaredL2Space below) instead of hnswlib's SSE kernels.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include "nmfkit/core/error.hpp"

namespace nmfkit::cluster {

namespace {

constexpr Index kBlockRows = 256;  // rows per block of the exact search: B·n doubles each

double squared_distance(const DenseMatrix<double>& Z, Index i, Index j) {
  return (Z.row(i) - Z.row(j)).squaredNorm();
}

// Sorts candidates (any order, self excluded) by recomputed exact distance, then index,
// and stores the first kmax in row i.
void store_row(const DenseMatrix<double>& Z, Index i, std::vector<std::int64_t>& candidates,
               KnnLists& out) {
  std::vector<std::pair<double, std::int64_t>> scored;
  scored.reserve(candidates.size());
  for (const auto j : candidates) scored.emplace_back(std::sqrt(squared_distance(Z, i, j)), j);
  std::sort(scored.begin(), scored.end());
  for (int r = 0; r < out.kmax; ++r) {
    out.index[static_cast<std::size_t>(i * out.kmax + r)] = scored[static_cast<std::size_t>(r)].second;
    out.distance[static_cast<std::size_t>(i * out.kmax + r)] = scored[static_cast<std::size_t>(r)].first;
  }
}

void check_kmax(Index n, int kmax) {
  if (kmax < 1) throw InvalidArgument("neighbour count " + std::to_string(kmax) + " must be at least 1");
  if (kmax >= n) {
    throw InvalidArgument("neighbour count " + std::to_string(kmax) + " needs more than " +
                          std::to_string(kmax) + " samples; there are " + std::to_string(n));
  }
}

KnnLists empty_lists(Index n, int kmax) {
  KnnLists out;
  out.n = n;
  out.kmax = kmax;
  out.index.assign(static_cast<std::size_t>(n * kmax), 0);
  out.distance.assign(static_cast<std::size_t>(n * kmax), 0.0);
  return out;
}

// hnswlib's squared Euclidean distance on float rows of `dim` entries.
class SquaredL2Space : public hnswlib::SpaceInterface<float> {
 public:
  explicit SquaredL2Space(std::size_t dim) : dim_(dim) {}
  std::size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &distance; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  static float distance(const void* a, const void* b, const void* dim) {
    const auto n = static_cast<Eigen::Index>(*static_cast<const std::size_t*>(dim));
    const Eigen::Map<const Eigen::VectorXf> x(static_cast<const float*>(a), n);
    const Eigen::Map<const Eigen::VectorXf> y(static_cast<const float*>(b), n);
    return (x - y).squaredNorm();
  }
  std::size_t dim_;
};

}  // namespace

std::string to_string(Metric metric) {
  switch (metric) {
    case Metric::Cosine: return "cosine";
    case Metric::Euclidean: return "euclidean";
    case Metric::Hellinger: return "hellinger";
  }
  return "?";
}

Metric parse_metric(const std::string& name) {
  if (name == "cosine") return Metric::Cosine;
  if (name == "euclidean") return Metric::Euclidean;
  if (name == "hellinger") return Metric::Hellinger;
  throw InvalidArgument("metric '" + name + "' is not one of cosine, euclidean, hellinger");
}

std::string to_string(KnnMethod method) {
  switch (method) {
    case KnnMethod::Auto: return "auto";
    case KnnMethod::Exact: return "exact";
    case KnnMethod::Hnsw: return "hnsw";
  }
  return "?";
}

KnnMethod parse_knn_method(const std::string& name) {
  if (name == "auto") return KnnMethod::Auto;
  if (name == "exact") return KnnMethod::Exact;
  if (name == "hnsw") return KnnMethod::Hnsw;
  throw InvalidArgument("kNN method '" + name + "' is not one of auto, exact, hnsw");
}

DenseMatrix<double> embed(const DenseMatrix<double>& W, Metric metric,
                          const std::vector<double>& column_scale) {
  if (!column_scale.empty() && static_cast<Index>(column_scale.size()) != W.cols()) {
    throw InvalidArgument("column scale has " + std::to_string(column_scale.size()) +
                          " values for an embedding with " + std::to_string(W.cols()) + " columns");
  }
  for (Index i = 0; i < W.rows(); ++i) {
    for (Index j = 0; j < W.cols(); ++j) {
      const double v = W(i, j);
      if (!std::isfinite(v) || v < 0) {
        throw InvalidArgument("embedding entry (" + std::to_string(i) + ", " + std::to_string(j) +
                              ") = " + std::to_string(v) + " is not a finite non-negative number");
      }
    }
  }
  for (const double s : column_scale) {
    if (!std::isfinite(s) || s < 0) {
      throw InvalidArgument("column scale " + std::to_string(s) + " is not a finite non-negative number");
    }
  }
  DenseMatrix<double> Z = W;
  if (!column_scale.empty()) {
    for (Index j = 0; j < Z.cols(); ++j) Z.col(j) *= column_scale[static_cast<std::size_t>(j)];
  }
  for (Index i = 0; i < Z.rows(); ++i) {
    auto row = Z.row(i);
    const double sum = row.sum();
    if (sum <= 0) continue;
    switch (metric) {
      case Metric::Cosine: row /= row.norm(); break;
      case Metric::Euclidean: row /= sum; break;
      case Metric::Hellinger: row = (row / sum).array().sqrt() / std::sqrt(2.0); break;
    }
  }
  return Z;
}

KnnLists knn_exact(const DenseMatrix<double>& Z, int kmax) {
  const Index n = Z.rows();
  check_kmax(n, kmax);
  KnnLists out = empty_lists(n, kmax);
  const Vector<double> norms = Z.rowwise().squaredNorm();
  const Index blocks = (n + kBlockRows - 1) / kBlockRows;
#pragma omp parallel
  {
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> G;
    std::vector<std::pair<double, std::int64_t>> row;
    std::vector<std::int64_t> candidates;
#pragma omp for schedule(dynamic, 1)
    for (Index b = 0; b < blocks; ++b) {
      const Index begin = b * kBlockRows;
      const Index rows = std::min(kBlockRows, n - begin);
      G.noalias() = Z.middleRows(begin, rows) * Z.transpose();
      for (Index r = 0; r < rows; ++r) {
        const Index i = begin + r;
        row.clear();
        for (Index j = 0; j < n; ++j) {
          if (j == i) continue;
          row.emplace_back(std::max(0.0, norms[i] + norms[j] - 2 * G(r, j)), j);
        }
        // Take a few spare candidates: the product's rounding may order near-ties differently
        // from the exact distances recomputed in store_row.
        const std::size_t keep = std::min(row.size(), static_cast<std::size_t>(kmax) + 8);
        std::nth_element(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(keep - 1), row.end());
        candidates.clear();
        for (std::size_t c = 0; c < keep; ++c) candidates.push_back(row[c].second);
        store_row(Z, i, candidates, out);
      }
    }
  }
  return out;
}

KnnLists knn_hnsw(const DenseMatrix<double>& Z, int kmax, const KnnOptions& options) {
  const Index n = Z.rows();
  check_kmax(n, kmax);
  if (options.hnsw_m < 2) throw InvalidArgument("HNSW M " + std::to_string(options.hnsw_m) + " must be at least 2");
  const auto dim = static_cast<std::size_t>(Z.cols());
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> points = Z.cast<float>();
  SquaredL2Space space(dim);
  hnswlib::HierarchicalNSW<float> index(&space, static_cast<std::size_t>(n),
                                        static_cast<std::size_t>(options.hnsw_m),
                                        static_cast<std::size_t>(std::max(options.hnsw_ef_construction, kmax + 1)),
                                        options.hnsw_seed);
  // In order: the graph (and so every answer) is the same on every run.
  for (Index i = 0; i < n; ++i) index.addPoint(points.row(i).data(), static_cast<hnswlib::labeltype>(i));
  const int ef = options.hnsw_ef > 0 ? options.hnsw_ef : std::max(2 * kmax + 1, 64);
  index.setEf(static_cast<std::size_t>(std::max(ef, kmax + 1)));
  KnnLists out = empty_lists(n, kmax);
#pragma omp parallel
  {
    std::vector<std::int64_t> candidates;
#pragma omp for schedule(dynamic, 64)
    for (Index i = 0; i < n; ++i) {
      auto found = index.searchKnn(points.row(i).data(), static_cast<std::size_t>(kmax) + 1);
      candidates.clear();
      while (!found.empty()) {
        const auto j = static_cast<std::int64_t>(found.top().second);
        found.pop();
        if (j != i) candidates.push_back(j);
      }
      // Rarely the search returns fewer: fill with the next indices so every row has kmax.
      for (std::int64_t j = 0; static_cast<int>(candidates.size()) < kmax; ++j) {
        if (j != i && std::find(candidates.begin(), candidates.end(), j) == candidates.end())
          candidates.push_back(j);
      }
      store_row(Z, i, candidates, out);
    }
  }
  return out;
}

KnnLists nearest_neighbors(const DenseMatrix<double>& Z, int kmax, const KnnOptions& options) {
  check_kmax(Z.rows(), kmax);
  const bool exact = options.method == KnnMethod::Exact ||
                     (options.method == KnnMethod::Auto && Z.rows() <= options.exact_limit);
  return exact ? knn_exact(Z, kmax) : knn_hnsw(Z, kmax, options);
}

}  // namespace nmfkit::cluster
