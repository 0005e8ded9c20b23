#include "nmfkit/multimodal/knee.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <unordered_set>
#include <utility>

#include "modality_access.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::multimodal {

namespace {

void check_sensitivity(double sensitivity) {
  if (!std::isfinite(sensitivity)) {
    std::ostringstream message;
    message << "knee sensitivity must be finite, got " << sensitivity;
    throw InvalidArgument(message.str());
  }
}

}  // namespace

void KneeOptions::validate() const {
  check_sensitivity(sensitivity);
}

std::optional<Index> find_knee(const std::vector<double>& y, double sensitivity) {
  check_sensitivity(sensitivity);
  const std::size_t n = y.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(y[i])) {
      throw InvalidArgument("find_knee: the curve has a non-finite value at index " +
                            std::to_string(i));
    }
    if (i > 0 && y[i] > y[i - 1]) {
      throw InvalidArgument("find_knee: the curve must be non-increasing, but index " +
                            std::to_string(i) + " is above index " + std::to_string(i - 1));
    }
  }
  // With one point, or a flat curve, the unit square is degenerate (kneed divides 0 by 0).
  if (n < 2 || y.front() == y.back()) return std::nullopt;

  // A convex decreasing curve, flipped vertically in the unit square, is concave
  // increasing: its knee is where it rises farthest above the diagonal, the maximum of
  // the difference curve d = y' − x.
  const double range = y.front() - y.back();
  std::vector<double> x(n);
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<double>(i) / static_cast<double>(n - 1);
    d[i] = (1.0 - (y[i] - y.back()) / range) - x[i];
  }
  double step_sum = 0;
  for (std::size_t i = 1; i < n; ++i) step_sum += x[i] - x[i - 1];
  const double mean_step = step_sum / static_cast<double>(n - 1);

  // Local extrema with ties allowed and the ends compared with their one neighbour, so
  // plateaus and end points count (as scipy's argrelextrema with >= and <= finds them).
  auto is_extremum = [&](std::size_t i, auto compare) {
    const std::size_t before = i == 0 ? 0 : i - 1;
    const std::size_t after = i + 1 == n ? i : i + 1;
    return compare(d[i], d[before]) && compare(d[i], d[after]);
  };
  auto ge = [](double a, double b) { return a >= b; };
  auto le = [](double a, double b) { return a <= b; };

  std::size_t first_maximum = n;
  for (std::size_t i = 0; i < n && first_maximum == n; ++i) {
    if (is_extremum(i, ge)) first_maximum = i;
  }
  if (first_maximum == n) return std::nullopt;

  // The knee is a local maximum after which d drops below that maximum's threshold
  // before another extremum resets it; reaching a local minimum sets the threshold to 0,
  // so a dip that recovers does not count. The last point cannot start a drop.
  double threshold = 0;
  std::size_t threshold_index = first_maximum;
  for (std::size_t i = first_maximum; i + 1 < n; ++i) {
    if (is_extremum(i, ge)) {
      threshold = d[i] - sensitivity * mean_step;
      threshold_index = i;
    }
    if (is_extremum(i, le)) threshold = 0;
    if (d[i + 1] < threshold) return static_cast<Index>(threshold_index);
  }
  return std::nullopt;
}

template <class T>
std::vector<Index> filter_features_knee(const DenseMatrix<T>& lambda, const KneeOptions& options) {
  options.validate();
  for (Index k = 0; k < lambda.rows(); ++k) {
    for (Index j = 0; j < lambda.cols(); ++j) {
      const double v = static_cast<double>(lambda(k, j));
      if (!(v >= 0) || std::isinf(v)) {
        std::ostringstream message;
        message << "filter_features_knee: lambda has the value " << v << " at topic " << k
                << ", feature " << j << "; values must be finite and >= 0";
        throw InvalidArgument(message.str());
      }
    }
  }
  const Index n_features = lambda.cols();
  if (lambda.rows() == 0) {
    throw InvalidArgument("filter_features_knee: lambda has no topics (rows)");
  }
  // Each topic's row as a distribution over features, so that every topic weighs the same
  // whatever its total mass; summed over topics this is each feature's share of the model.
  std::vector<double> weight(static_cast<std::size_t>(n_features), 0.0);
  for (Index k = 0; k < lambda.rows(); ++k) {
    double row_sum = 0;
    for (Index j = 0; j < n_features; ++j) row_sum += static_cast<double>(lambda(k, j));
    if (n_features > 0 && row_sum == 0) {
      throw InvalidArgument("filter_features_knee: topic " + std::to_string(k) +
                            " of lambda is all zero, so it has no feature distribution");
    }
    for (Index j = 0; j < n_features; ++j) {
      weight[static_cast<std::size_t>(j)] += static_cast<double>(lambda(k, j)) / row_sum;
    }
  }
  std::vector<Index> all(static_cast<std::size_t>(n_features));
  std::iota(all.begin(), all.end(), Index{0});
  // mTopic applies no filter for a sensitivity ≤ 0.
  if (options.sensitivity <= 0 || n_features == 0) return all;

  std::vector<Index> order = all;
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return weight[static_cast<std::size_t>(a)] > weight[static_cast<std::size_t>(b)];
  });
  const double largest = weight[static_cast<std::size_t>(order.front())];
  std::vector<double> curve(order.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    curve[r] = weight[static_cast<std::size_t>(order[r])] / largest;
  }
  const std::optional<Index> knee = find_knee(curve, options.sensitivity);
  if (!knee) return all;
  std::vector<Index> kept(order.begin() + *knee, order.end());
  std::sort(kept.begin(), kept.end());
  return kept;
}

template std::vector<Index> filter_features_knee<float>(const DenseMatrix<float>&,
                                                        const KneeOptions&);
template std::vector<Index> filter_features_knee<double>(const DenseMatrix<double>&,
                                                         const KneeOptions&);

void keep_features(MultiModalData& data, const std::string& modality,
                   const std::vector<Index>& columns) {
  Modality& m = detail::modality_to_change(data, modality);
  const Index n_columns = m.counts.cols();
  if (static_cast<Index>(m.feature_names.size()) != n_columns) {
    data.validate();  // names the mismatch
  }
  std::vector<bool> keep(static_cast<std::size_t>(n_columns), false);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Index c = columns[i];
    if (c < 0 || c >= n_columns) {
      throw InvalidArgument("keep_features: column " + std::to_string(c) +
                            " is out of range for modality '" + modality + "' with " +
                            std::to_string(n_columns) + " features");
    }
    if (i > 0 && c <= columns[i - 1]) {
      throw InvalidArgument("keep_features: the columns must be ascending and distinct, but " +
                            std::to_string(c) + " follows " + std::to_string(columns[i - 1]));
    }
    keep[static_cast<std::size_t>(c)] = true;
  }
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (Index c : columns) names.push_back(m.feature_names[static_cast<std::size_t>(c)]);
  const std::vector<bool> all_rows(static_cast<std::size_t>(m.counts.rows()), true);
  m.counts = detail::select(m.counts, all_rows, keep);
  m.feature_names = std::move(names);
}

void keep_features_named(MultiModalData& data, const std::string& modality,
                         const std::vector<std::string>& names) {
  const Modality& m = std::as_const(data).modality(modality);
  const std::unordered_set<std::string> wanted(names.begin(), names.end());
  std::unordered_set<std::string> found;
  std::vector<Index> columns;
  for (std::size_t j = 0; j < m.feature_names.size(); ++j) {
    if (wanted.count(m.feature_names[j])) {
      columns.push_back(static_cast<Index>(j));
      found.insert(m.feature_names[j]);
    }
  }
  for (const auto& name : names) {
    if (!found.count(name)) {
      throw InvalidArgument("keep_features_named: modality '" + modality +
                            "' has no feature named '" + name + "'");
    }
  }
  keep_features(data, modality, columns);
}

}  // namespace nmfkit::multimodal
