// The long-format table of associations: per target, its sources ranked by weight.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nmfkit/core/error.hpp"
#include "nmfkit/multimodal/associations.hpp"

namespace nmfkit::multimodal {

std::vector<AssociationRow> association_table(const Associations& associations,
                                              const TableOptions& options) {
  if (options.top < 0) {
    throw InvalidArgument("top must be >= 0 (0: all), got " + std::to_string(options.top));
  }
  if (options.threshold && !(std::isfinite(*options.threshold) && *options.threshold >= 0)) {
    throw InvalidArgument("threshold must be a finite number >= 0, got " +
                          std::to_string(*options.threshold));
  }
  // Row g of the transpose holds target g's sources in ascending order.
  const SparseMatrix<double> by_target = associations.weights.transpose();
  std::vector<AssociationRow> rows;
  std::vector<Index> order;
  for (Index g = 0; g < by_target.rows(); ++g) {
    const Index begin = by_target.outerIndexPtr()[g];
    const Index end = by_target.outerIndexPtr()[g + 1];
    const double* value = by_target.valuePtr();
    const auto* source = by_target.innerIndexPtr();
    order.resize(end - begin);
    std::iota(order.begin(), order.end(), begin);
    // Stable on ascending sources, so ties keep the lower source index first.
    std::stable_sort(order.begin(), order.end(),
                     [&](Index i, Index j) { return value[i] > value[j]; });
    Index rank = 0;
    for (Index k : order) {
      if (value[k] == 0) continue;
      ++rank;
      if (options.threshold) {
        if (value[k] < *options.threshold) break;
      } else if (options.top > 0 && rank > options.top) {
        break;
      }
      rows.push_back({g, static_cast<Index>(source[k]), value[k], rank});
    }
  }
  return rows;
}

}  // namespace nmfkit::multimodal
