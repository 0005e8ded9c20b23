#pragma once
// Consensus clustering of the samples over restarts (Brunet, Tamayo, Golub & Mesirov 2004,
// PNAS 101:4164), the measure R's NMF package reports as "cophenetic" and "dispersion".
//
// Each restart assigns every sample (a row of X) to the component with its largest weight
// (argmax of its row of W). The connectivity matrix of a restart has 1 where two samples
// share a component; the consensus matrix C is their mean over the restarts. When the
// restarts agree, C holds only 0s and 1s. Two summaries per k:
//   - the cophenetic correlation: the Pearson correlation between 1 − C and the
//     cophenetic distances of an average-linkage (UPGMA) tree built on 1 − C (1: the tree
//     reproduces C exactly, i.e. the clustering is the same in every restart);
//   - the dispersion (Kim & Park 2007): mean over all pairs of 4·(C_ij − ½)², 1 for a
//     0/1 matrix, 0 when every entry is ½.

#include <cstdint>
#include <optional>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::select {

// Per row, the column with the largest value (the first on ties).
std::vector<Index> argmax_per_row(const Eigen::MatrixXd& W);

// The mean connectivity over the labelings (each of the same length n): n × n.
Eigen::MatrixXd consensus_matrix(const std::vector<std::vector<Index>>& labelings);

// The cophenetic distance matrix of an average-linkage tree on the symmetric distance
// matrix D: entry (i, j) is the height at which i and j first join. O(n³) time.
Eigen::MatrixXd average_linkage_cophenetic(const Eigen::MatrixXd& D);

// corr(1 − C, cophenetic distances) over the pairs i < j; 1 when 1 − C is constant.
double cophenetic_correlation(const Eigen::MatrixXd& consensus);

// (1/n²) Σ_ij 4·(C_ij − ½)².
double dispersion(const Eigen::MatrixXd& consensus);

// The samples a consensus uses when X has more rows than `limit`: a seeded random
// subset of that size (increasing); all rows otherwise. C is O(n²) memory and the
// tree O(n³) time, so large inputs are summarised on a sample of their rows.
std::vector<Index> consensus_sample(Index rows, Index limit, std::uint32_t seed);

}  // namespace nmfkit::select
