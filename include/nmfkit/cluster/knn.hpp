#pragma once
// Nearest neighbours of the samples of an embedding (for nmfkit, the rows of W), found once
// at the largest neighbour count: the lists of every smaller count are prefixes of these.

#include <cstdint>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::cluster {

// How rows of W become points whose Euclidean distances are compared.
//  cosine:    each row scaled to unit L2 norm (distance² = 2 − 2·cos);
//  euclidean: each row scaled to sum 1 (topic proportions), plain Euclidean;
//  hellinger: √(proportions)/√2, so distances are Hellinger distances.
enum class Metric { Cosine, Euclidean, Hellinger };
std::string to_string(Metric metric);
Metric parse_metric(const std::string& name);  // throws InvalidArgument naming the choices

// The points Z for `metric`. `column_scale` (optional, one value per column) multiplies the
// columns first: passing the row sums of H makes W·H's proportions the ones compared.
// All-zero rows stay zero. Negative or non-finite entries throw InvalidArgument.
DenseMatrix<double> embed(const DenseMatrix<double>& W, Metric metric,
                          const std::vector<double>& column_scale = {});

enum class KnnMethod { Auto, Exact, Hnsw };
std::string to_string(KnnMethod method);
KnnMethod parse_knn_method(const std::string& name);

struct KnnOptions {
  KnnMethod method = KnnMethod::Auto;  // auto: exact up to exact_limit samples, HNSW above
  Index exact_limit = 50000;           // the largest n searched exactly by `auto`
  int hnsw_m = 16;                     // HNSW graph degree
  int hnsw_ef_construction = 200;      // HNSW candidate list while building
  int hnsw_ef = 0;                     // HNSW candidate list while searching; 0: max(2·kmax+1, 64)
  std::uint32_t hnsw_seed = 100;       // HNSW level generator seed
};

// Row i's kmax nearest other samples, nearest first (ties by index); i itself is excluded by
// index, so duplicate rows are still each other's neighbours.
struct KnnLists {
  Index n = 0;
  int kmax = 0;
  std::vector<std::int64_t> index;  // n × kmax, row-major
  std::vector<double> distance;     // Euclidean distance between the embedded points
  const std::int64_t* neighbors(Index i) const { return index.data() + i * kmax; }
  const double* distances(Index i) const { return distance.data() + i * kmax; }
};

// Exact search: squared distances from blocked matrix products, parallel over blocks of
// rows; the selected neighbours' distances are recomputed directly, so the lists do not
// depend on the number of threads.
KnnLists knn_exact(const DenseMatrix<double>& Z, int kmax);

// Approximate search with hnswlib: points inserted in order (deterministic for a seed),
// queries in parallel.
KnnLists knn_hnsw(const DenseMatrix<double>& Z, int kmax, const KnnOptions& options = {});

// Either of the above as options.method says. Throws InvalidArgument when kmax < 1 or
// kmax ≥ n (there are only n − 1 other samples).
KnnLists nearest_neighbors(const DenseMatrix<double>& Z, int kmax, const KnnOptions& options = {});

}  // namespace nmfkit::cluster
