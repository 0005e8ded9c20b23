#pragma once
// cNMF end to end for one k (what `nmfkit consensus` writes): replicate fits of X from
// random starts, their consensus spectra (cnmf.hpp), the usages refitted by NNLS with the
// spectra fixed, the spectra refitted in X's units with the usages fixed, and each
// program's top features. Programs are ordered by their total usage, largest first.
//
// The replicates are the fits select_k's consensus methods make (same seeds), so the
// k-selection table of `select-k --method cnmf` describes the same ensemble.

#include <cstdint>
#include <vector>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/nmf/options.hpp"
#include "nmfkit/select/cnmf.hpp"

namespace nmfkit::select {

struct CnmfOptions {
  Index k = 0;                      // programs (required, >= 1)
  int replicates = 20;              // fits from random starts (cNMF's n_iter)
  double density_threshold = 0.5;   // outlier spectra dropped (cNMF's default; 2 keeps all)
  double neighborhood = 0.30;       // neighbours for the density, as a share of replicates
  Index top_features = 100;         // features listed per program
  NmfOptions nmf;                   // the fits (n_components and random_state set per fit)
  std::uint32_t seed = 0;           // replicate starts and k-means
  // Where each replicate fit is saved and found again by a resumed run (core/checkpoint.hpp);
  // null: none. Owned by the caller.
  const CheckpointStore* checkpoint = nullptr;
  void validate() const;            // throws InvalidArgument naming the parameter
};

template <class T>
struct CnmfResult {
  Eigen::MatrixXd spectra;        // k × features: consensus medians, each row sums to 1
  Eigen::MatrixXd spectra_refit;  // k × features in X's units (NNLS, usages fixed)
  Eigen::MatrixXd usages;         // samples × k: NNLS refit with the spectra fixed
  std::vector<std::vector<Index>> top_features;  // per program, by spectra_refit, largest first
  SpectraConsensus consensus;     // densities and cluster of every replicate spectrum
  double silhouette = 0;          // of the kept spectra's clusters
  double relative_error = 0;      // ‖X − usages·spectra‖ / ‖X‖
};

template <class T>
CnmfResult<T> cnmf(const DenseMatrix<T>& X, const CnmfOptions& options,
                   const Progress& progress = {});
template <class T>
CnmfResult<T> cnmf(const SparseMatrix<T>& X, const CnmfOptions& options,
                   const Progress& progress = {});

// The seed of replicate p's random start; select_k's restarts use the same.
std::uint32_t restart_seed(std::uint32_t seed, int replicate);

}  // namespace nmfkit::select
