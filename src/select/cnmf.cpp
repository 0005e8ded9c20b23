#include "nmfkit/select/cnmf.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/select/kmeans.hpp"

namespace nmfkit::select {

namespace {

std::string format(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

double median(std::vector<double>& values) {
  const std::size_t n = values.size();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2 == 1) return *middle;
  const double upper = *middle;
  const double lower = *std::max_element(values.begin(), middle);
  return (lower + upper) / 2;
}

}  // namespace

void SpectraConsensusOptions::validate() const {
  if (!(density_threshold > 0)) {
    throw InvalidArgument("density threshold must be > 0, got " + format(density_threshold));
  }
  if (!(neighborhood > 0 && neighborhood <= 1)) {
    throw InvalidArgument("neighborhood must be in (0, 1], got " + format(neighborhood));
  }
  if (kmeans_starts < 1) {
    throw InvalidArgument("k-means starts must be >= 1, got " + std::to_string(kmeans_starts));
  }
}

SpectraConsensus combine_spectra(const Eigen::MatrixXd& replicate_spectra, Index k,
                                 const SpectraConsensusOptions& options) {
  options.validate();
  const Index count = replicate_spectra.rows();
  if (k < 1 || count < k || count % k != 0) {
    throw InvalidArgument("combine_spectra: " + std::to_string(count) +
                          " spectra are not whole replicates of k = " + std::to_string(k));
  }
  Eigen::MatrixXd unit = replicate_spectra;
  for (Index i = 0; i < count; ++i) {
    const double norm = unit.row(i).norm();
    if (norm > 0) unit.row(i) /= norm;
  }
  SpectraConsensus out;
  out.local_density.assign(static_cast<std::size_t>(count), 0.0);
  const Index replicates = count / k;
  const Index neighbours =
      std::clamp<Index>(static_cast<Index>(options.neighborhood * static_cast<double>(replicates)),
                        1, count - 1);
  if (count > 1) {
    const Eigen::MatrixXd gram = unit * unit.transpose();
    std::vector<double> distances(static_cast<std::size_t>(count - 1));
    for (Index i = 0; i < count; ++i) {
      std::size_t at = 0;
      for (Index j = 0; j < count; ++j) {
        if (j == i) continue;
        distances[at++] = std::sqrt(std::max(gram(i, i) + gram(j, j) - 2 * gram(i, j), 0.0));
      }
      std::partial_sort(distances.begin(), distances.begin() + neighbours, distances.end());
      double sum = 0;
      for (Index n = 0; n < neighbours; ++n) sum += distances[static_cast<std::size_t>(n)];
      out.local_density[static_cast<std::size_t>(i)] = sum / static_cast<double>(neighbours);
    }
  }
  std::vector<Index> kept;
  for (Index i = 0; i < count; ++i) {
    if (out.local_density[static_cast<std::size_t>(i)] < options.density_threshold) kept.push_back(i);
  }
  out.kept = static_cast<Index>(kept.size());
  if (out.kept < k) {
    throw InvalidArgument("only " + std::to_string(out.kept) + " of " + std::to_string(count) +
                          " replicate spectra pass the density threshold " +
                          format(options.density_threshold) + ", fewer than k = " +
                          std::to_string(k) + "; raise the threshold");
  }
  Eigen::MatrixXd points(out.kept, unit.cols());
  for (Index i = 0; i < out.kept; ++i) points.row(i) = unit.row(kept[static_cast<std::size_t>(i)]);
  const KMeansResult clusters = kmeans(points, k, options.kmeans_starts, options.seed);
  out.silhouette = k > 1 ? silhouette_score(points, clusters.labels, k) : 1.0;
  out.labels.assign(static_cast<std::size_t>(count), -1);
  for (Index i = 0; i < out.kept; ++i) {
    out.labels[static_cast<std::size_t>(kept[static_cast<std::size_t>(i)])] =
        clusters.labels[static_cast<std::size_t>(i)];
  }
  out.spectra = Eigen::MatrixXd::Zero(k, unit.cols());
  std::vector<double> column;
  for (Index c = 0; c < k; ++c) {
    std::vector<Index> members;
    for (Index i = 0; i < out.kept; ++i) {
      if (clusters.labels[static_cast<std::size_t>(i)] == c) members.push_back(i);
    }
    if (members.empty()) continue;  // k-means left it empty: a zero spectrum, no usage
    for (Index f = 0; f < unit.cols(); ++f) {
      column.clear();
      for (const Index i : members) column.push_back(points(i, f));
      out.spectra(c, f) = median(column);
    }
    const double total = out.spectra.row(c).sum();
    if (total > 0) out.spectra.row(c) /= total;
  }
  return out;
}

}  // namespace nmfkit::select
