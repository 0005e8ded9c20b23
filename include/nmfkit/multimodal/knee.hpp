#pragma once
// Feature filtering by the knee of the topic-weight curve, mTopic's pp.filter_var_knee:
// a topic model fitted to permuted (null) data still gives a few features most of the
// topic mass; those before the knee of the sorted curve are the over-represented ones
// and are dropped from the real data.

#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/multimodal/data.hpp"

namespace nmfkit::multimodal {

struct KneeOptions {
  double sensitivity = 5;  // Kneedle's S, finite; larger waits for a clearer knee; ≤ 0 keeps all

  // Throws InvalidArgument when the sensitivity is not finite.
  void validate() const;
};

// Kneedle (Satopää, Albrecht, Irwin and Raghavan, 2011) for a convex, decreasing curve,
// with the choices of the kneed package's defaults as we understand them (no smoothing,
// offline: the first knee found; kneed itself was not available to compare with):
// x = 0..n-1; x and y scaled to [0, 1]; y flipped (1 − y) so the knee becomes the
// maximum of the difference curve d = y − x; the local maxima of d (ties count, ends
// included) each set a threshold d_max − S·mean(diff(x)), a local minimum resets it to 0;
// the knee is the last maximum before d first falls below the threshold in force.
// Returns the knee's index in y, or nothing when there is no knee (fewer than two points,
// a flat curve, or d never falls below a threshold), as kneed returns None.
// y must be finite and non-increasing (InvalidArgument otherwise); sensitivity finite.
std::optional<Index> find_knee(const std::vector<double>& y_sorted_decreasing, double sensitivity);

// The features of one modality to keep, ascending column indices, from its topic × feature
// variational parameters lambda (K × V, finite, ≥ 0, no all-zero topic): each topic's row
// divided by its sum, summed over topics, sorted in decreasing order (stable: ties in
// column order) and divided by the largest; the features before the knee of that curve are
// dropped as over-represented and the rest kept. A sensitivity ≤ 0, or a curve without a
// knee, keeps every feature.
template <class T>
std::vector<Index> filter_features_knee(const DenseMatrix<T>& lambda,
                                        const KneeOptions& options = {});

// Keeps the given columns of a modality (ascending, distinct, in range) and their feature
// names, as mTopic's mu.pp.filter_var does with a feature list.
void keep_features(MultiModalData& data, const std::string& modality,
                   const std::vector<Index>& columns);

// The same by feature name (mTopic's pp.filter_var_list): columns keep their order in the
// data whatever the order of `names`; an unknown name is an InvalidArgument naming it.
void keep_features_named(MultiModalData& data, const std::string& modality,
                         const std::vector<std::string>& names);

}  // namespace nmfkit::multimodal
