#pragma once
// k-means (Lloyd's iterations from k-means++ starts, the best of several starts by the
// within-cluster sum of squares) and the Euclidean silhouette, for cNMF's consensus of
// replicate spectra. Small inputs (hundreds to thousands of points): plain loops.

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::select {

struct KMeansResult {
  std::vector<Index> labels;  // per point (row), in 0..k−1
  Eigen::MatrixXd centers;    // k × dimensions
  double inertia = 0;         // Σ squared distance of each point to its center
};

// Throws InvalidArgument when k < 1 or k > the number of points, or starts < 1.
KMeansResult kmeans(const Eigen::MatrixXd& points, Index k, int starts, std::uint32_t seed,
                    int max_iter = 300);

// The mean over all points of (b − a)/max(a, b) on the Euclidean distance, where a is the
// mean distance to the other members of the point's cluster and b the smallest mean
// distance to another cluster; 0 for a point alone in its cluster (as scikit-learn's
// silhouette_score). Needs at least two non-empty clusters; else 0.
double silhouette_score(const Eigen::MatrixXd& points, const std::vector<Index>& labels,
                        Index clusters);

}  // namespace nmfkit::select
