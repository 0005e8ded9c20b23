#pragma once
// cNMF's consensus of replicate spectra (Kotliar et al. 2019, eLife 8:e43803; the
// reference's §2): many NMF fits of one k from random starts give k spectra (rows of H)
// each; the consensus keeps the spectra that recur and takes their cluster medians.
//
//   1. every replicate spectrum scaled to unit L2 norm;
//   2. local density: the mean Euclidean distance to its n_nb nearest other spectra,
//      n_nb = neighborhood · (number of replicates); spectra at or above the density
//      threshold are outliers and dropped (a threshold of 2, the largest distance between
//      unit non-negative vectors being √2, keeps them all);
//   3. k-means (k clusters) on the kept spectra;
//   4. each cluster's median, scaled to sum 1: the consensus spectra;
//   5. usages refitted by NNLS with the spectra fixed (the caller's transform).
// For choosing k: the Euclidean silhouette of the k-means clusters (stability) and the
// reconstruction error of the refit, both against k, with nothing dropped.

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::select {

struct SpectraConsensusOptions {
  double density_threshold = 2.0;  // drop spectra whose local density is ≥ this; ≥ 2 keeps all
  double neighborhood = 0.30;      // neighbours for the local density, as a share of replicates
  int kmeans_starts = 10;          // k-means starts, the best by inertia kept
  std::uint32_t seed = 1;          // k-means starts
  void validate() const;           // throws InvalidArgument naming the parameter
};

struct SpectraConsensus {
  Eigen::MatrixXd spectra;            // k × features, each row a cluster median summing to 1
  std::vector<double> local_density;  // per replicate spectrum (row of the input)
  std::vector<Index> labels;          // per replicate spectrum: its cluster, −1 when dropped
  Index kept = 0;                     // spectra that passed the density filter
  double silhouette = 0;              // Euclidean silhouette of the clusters (kept spectra)
};

// `replicate_spectra`: (replicates · k) × features, the k rows of each replicate in turn.
// Throws InvalidArgument when the shape does not fit k, or when fewer than k spectra
// pass the density filter (naming the threshold).
SpectraConsensus combine_spectra(const Eigen::MatrixXd& replicate_spectra, Index k,
                                 const SpectraConsensusOptions& options);

}  // namespace nmfkit::select
