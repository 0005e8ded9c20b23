#pragma once
// Confirmation measures and aggregation for topic coherence, written as gensim's
// direct_confirmation_measure, indirect_confirmation_measure and aggregation modules
// evaluate them (same ε, same order of floating-point operations, NumPy's pairwise sums),
// so that the numbers agree to the last few bits.

#include <vector>

#include "coherence_counts.hpp"
#include "coherence_segmentation.hpp"

namespace nmfkit::text::detail {

inline constexpr double kEpsilon = 1e-12;  // gensim's direct_confirmation_measure.EPSILON

// log((P(W′, W*) + ε) / P(W*)): u_mass.
double log_conditional_probability(const CooccurrenceCounts& counts, int w_prime, int w_star);
// PMI = log((P(W′, W*) + ε) / (P(W′) P(W*))): c_uci.
double log_ratio(const CooccurrenceCounts& counts, int w_prime, int w_star);
// NPMI = PMI / −log(P(W′, W*) + ε): c_npmi, and the entries of c_v's context vectors.
double normalized_log_ratio(const CooccurrenceCounts& counts, int w_prime, int w_star);

// np.mean of the values: NaN when there are none.
double numpy_mean(const std::vector<double>& values);

using DirectMeasure = double (*)(const CooccurrenceCounts&, int, int);

// The mean of a direct measure over a topic's segments (words given by number).
double direct_coherence(const std::vector<int>& topic, const std::vector<WordPair>& segments,
                        const CooccurrenceCounts& counts, DirectMeasure measure);

// c_v: the mean over the topic's words of the cosine between the word's context vector
// (NPMI with each topic word) and the topic's (NPMI summed over the topic's words).
// `rank` orders words as gensim's context vectors do (first appearance over all topics),
// which fixes the order of the sums.
double cosine_coherence(const std::vector<int>& topic, const CooccurrenceCounts& counts,
                        const std::vector<int>& rank);

}  // namespace nmfkit::text::detail
