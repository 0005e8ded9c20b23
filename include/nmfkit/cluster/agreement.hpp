#pragma once
// How well a partition agrees with reference labels: purity, normalised mutual information
// and the adjusted Rand index, with scikit-learn's definitions (NMI with the arithmetic
// mean of the entropies, as normalized_mutual_info_score's default).

#include <vector>

namespace nmfkit::cluster {

// Labels are arbitrary integers (only equality matters: any value, -1 included, names a
// group); both vectors must have the same length, else InvalidArgument.

// The share of samples whose predicted cluster's most common true label is their own:
// (1/n) Σ_clusters max_classes |cluster ∩ class| (Manning et al. 2008). Not symmetric:
// one cluster per sample scores 1. Throws InvalidArgument for empty labellings.
double purity(const std::vector<int>& truth, const std::vector<int>& predicted);

// scikit-learn's normalized_mutual_info_score(truth, predicted) (average_method
// 'arithmetic'): MI / mean(H(truth), H(predicted)). 1 when both labellings are a single
// group (or empty); 0 when only one of them is.
double normalized_mutual_information(const std::vector<int>& truth, const std::vector<int>& predicted);

// scikit-learn's adjusted_rand_score(truth, predicted), from the pair confusion matrix:
// 1 when no pair is split by one labelling and joined by the other (identical partitions,
// up to names; also empty or one-sample labellings); about 0 for random labels; can be
// negative.
double adjusted_rand_index(const std::vector<int>& truth, const std::vector<int>& predicted);

}  // namespace nmfkit::cluster
