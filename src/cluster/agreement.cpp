// Partition agreement with scikit-learn's arithmetic (sklearn/metrics/cluster/_supervised.py,
// 1.2.1): the same contingency table, the same order of terms and NumPy's pairwise sums.

#include "nmfkit/cluster/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"

namespace nmfkit::cluster {

namespace {

// The contingency table in SciPy's sp.find order (by cluster, then by class), which fixes
// the order of the mutual information's sum. Classes and clusters are numbered by sorted
// label, as np.unique numbers them.
struct Contingency {
  std::int64_t n = 0;
  std::vector<std::int64_t> class_sizes;    // row sums
  std::vector<std::int64_t> cluster_sizes;  // column sums
  struct Cell {
    std::int64_t row;
    std::int64_t col;
    std::int64_t count;
  };
  std::vector<Cell> cells;  // nonzero cells only
};

// Each label's index among the sorted distinct labels.
std::vector<std::int64_t> label_indices(const std::vector<int>& labels, std::int64_t* n_distinct) {
  std::vector<int> distinct = labels;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  *n_distinct = static_cast<std::int64_t>(distinct.size());
  std::vector<std::int64_t> indices(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    indices[i] = std::lower_bound(distinct.begin(), distinct.end(), labels[i]) - distinct.begin();
  }
  return indices;
}

Contingency contingency(const char* metric, const std::vector<int>& truth,
                        const std::vector<int>& predicted) {
  if (truth.size() != predicted.size()) {
    throw InvalidArgument(std::string(metric) + ": truth has " + std::to_string(truth.size()) +
                          " labels but predicted has " + std::to_string(predicted.size()));
  }
  Contingency table;
  table.n = static_cast<std::int64_t>(truth.size());
  std::int64_t n_classes = 0;
  std::int64_t n_clusters = 0;
  const std::vector<std::int64_t> rows = label_indices(truth, &n_classes);
  const std::vector<std::int64_t> cols = label_indices(predicted, &n_clusters);
  table.class_sizes.assign(static_cast<std::size_t>(n_classes), 0);
  table.cluster_sizes.assign(static_cast<std::size_t>(n_clusters), 0);

  std::vector<std::int64_t> keys(truth.size());
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = cols[i] * n_classes + rows[i];
  std::sort(keys.begin(), keys.end());
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    const Contingency::Cell cell{keys[i] % n_classes, keys[i] / n_classes,
                                 static_cast<std::int64_t>(j - i)};
    table.cells.push_back(cell);
    table.class_sizes[static_cast<std::size_t>(cell.row)] += cell.count;
    table.cluster_sizes[static_cast<std::size_t>(cell.col)] += cell.count;
    i = j;
  }
  return table;
}

double numpy_sum(const std::vector<double>& values) {
  return linalg::numpy_sum(values.data(), static_cast<Index>(values.size()));
}

// sklearn.metrics.cluster.entropy: of the group sizes, in sorted label order.
double entropy(const std::vector<std::int64_t>& sizes) {
  if (sizes.size() == 1) return 0.0;
  std::vector<double> counts(sizes.begin(), sizes.end());
  const double total = numpy_sum(counts);
  const double log_total = std::log(total);
  std::vector<double> terms(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    terms[i] = (counts[i] / total) * (std::log(counts[i]) - log_total);
  }
  return -numpy_sum(terms);
}

// sklearn.metrics.mutual_info_score from the contingency table, in nats.
double mutual_information(const Contingency& table) {
  if (table.class_sizes.size() == 1 || table.cluster_sizes.size() == 1) return 0.0;
  const auto n = static_cast<double>(table.n);
  const double log_n = std::log(n);
  std::vector<double> terms;
  terms.reserve(table.cells.size());
  for (const Contingency::Cell& cell : table.cells) {
    const auto count = static_cast<double>(cell.count);
    const double share = count / n;
    const std::int64_t outer = table.class_sizes[static_cast<std::size_t>(cell.row)] *
                               table.cluster_sizes[static_cast<std::size_t>(cell.col)];
    // Both marginals sum to n, hence log(n) twice.
    const double log_outer = -std::log(static_cast<double>(outer)) + log_n + log_n;
    double term = share * (std::log(count) - log_n) + share * log_outer;
    // scikit-learn rounds terms below machine epsilon to zero.
    if (std::abs(term) < std::numeric_limits<double>::epsilon()) term = 0.0;
    terms.push_back(term);
  }
  return std::max(numpy_sum(terms), 0.0);
}

}  // namespace

double purity(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const Contingency table = contingency("purity", truth, predicted);
  if (table.n == 0) throw InvalidArgument("purity: the labellings are empty");
  std::vector<std::int64_t> largest(table.cluster_sizes.size(), 0);
  for (const Contingency::Cell& cell : table.cells) {
    std::int64_t& best = largest[static_cast<std::size_t>(cell.col)];
    best = std::max(best, cell.count);
  }
  std::int64_t majority = 0;
  for (const std::int64_t count : largest) majority += count;
  return static_cast<double>(majority) / static_cast<double>(table.n);
}

double normalized_mutual_information(const std::vector<int>& truth,
                                     const std::vector<int>& predicted) {
  const Contingency table = contingency("normalized_mutual_information", truth, predicted);
  const std::size_t n_classes = table.class_sizes.size();
  const std::size_t n_clusters = table.cluster_sizes.size();
  // scikit-learn: both labellings one group (or none) is a perfect match.
  if (n_classes == n_clusters && n_classes <= 1) return 1.0;
  const double mi = mutual_information(table);
  if (mi == 0) return 0.0;
  const double h_truth = entropy(table.class_sizes);
  const double h_predicted = entropy(table.cluster_sizes);
  return mi / ((h_truth + h_predicted) / 2.0);
}

double adjusted_rand_index(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const Contingency table = contingency("adjusted_rand_index", truth, predicted);
  // sklearn.metrics.cluster.pair_confusion_matrix: ordered pairs of distinct samples.
  std::int64_t sum_squares = 0;
  for (const Contingency::Cell& cell : table.cells) sum_squares += cell.count * cell.count;
  std::int64_t cluster_squares = 0;
  for (const std::int64_t size : table.cluster_sizes) cluster_squares += size * size;
  std::int64_t class_squares = 0;
  for (const std::int64_t size : table.class_sizes) class_squares += size * size;
  const std::int64_t tp = sum_squares - table.n;
  const std::int64_t fp = cluster_squares - sum_squares;
  const std::int64_t fn = class_squares - sum_squares;
  const std::int64_t tn = table.n * table.n - fp - fn - sum_squares;
  if (fn == 0 && fp == 0) return 1.0;
  // scikit-learn uses Python integers here; the products need more than 64 bits.
  __extension__ typedef __int128 Wide;
  const Wide numerator = Wide(tp) * tn - Wide(fn) * fp;
  const Wide denominator = Wide(tp + fn) * (fn + tn) + Wide(tp + fp) * (fp + tn);
  return 2.0 * static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace nmfkit::cluster
