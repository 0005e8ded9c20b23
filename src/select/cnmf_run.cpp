#include "nmfkit/select/cnmf_run.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::select {

namespace {

template <class T>
SparseMatrix<T> transposed(const SparseMatrix<T>& X) {
  return SparseMatrix<T>(X.transpose());
}
template <class T>
DenseMatrix<T> transposed(const DenseMatrix<T>& X) {
  return X.transpose();
}

template <class T, class Matrix>
CnmfResult<T> run(const Matrix& X, const CnmfOptions& options, const Progress& progress) {
  options.validate();
  const EntryWeights<T> weights;
  const Index k = options.k;
  if (k > std::min(X.rows(), X.cols())) {
    throw InvalidArgument("--k: k = " + std::to_string(k) + " is above min(rows, columns) = " +
                          std::to_string(std::min(X.rows(), X.cols())));
  }
  NmfOptions nmf = options.nmf;
  nmf.comm = nullptr;
  nmf.checkpoint = nullptr;  // the units are whole fits
  nmf.n_components = k;
  nmf.verbose = 0;
  const int R = options.replicates;
  const Progress inner = progress.without_steps();  // one step per replicate, not per iteration
  Eigen::MatrixXd spectra(R * k, X.cols());
  for (int p = 0; p < R; ++p) {
    // Each replicate's H is a unit of the checkpoint, found again by a resumed run.
    const std::string unit = "cnmf-k" + std::to_string(k) + "-p" + std::to_string(p);
    std::optional<CheckpointRecord> done;
    if (options.checkpoint) done = options.checkpoint->load(unit);
    if (!done) {
      NmfOptions fit_options = nmf;
      fit_options.random_state = restart_seed(options.seed, p);
      fit_options.init = Init::Random;
      done.emplace();
      done->matrices["H"] = fit(X, weights, fit_options, nullptr, inner).H.template cast<double>();
      if (options.checkpoint) options.checkpoint->save(unit, *done);
    }
    const Eigen::MatrixXd& H = done->matrix("H");
    if (H.rows() != k || H.cols() != X.cols()) {
      throw InvalidArgument("the checkpoint's unit " + unit + " does not fit this run");
    }
    spectra.middleRows(p * k, k) = H;
    progress.report({.task = "consensus", .unit = "fits", .done = p + 1, .total = R});
  }
  SpectraConsensusOptions combine;
  combine.density_threshold = options.density_threshold;
  combine.neighborhood = options.neighborhood;
  combine.seed = options.seed + 1;
  CnmfResult<T> out;
  out.consensus = combine_spectra(spectra, k, combine);
  out.silhouette = out.consensus.silhouette;

  nmf.random_state = options.seed;
  DenseMatrix<T> S = out.consensus.spectra.template cast<T>();
  DenseMatrix<T> U = transform(X, weights, S, nmf, inner).W;
  // Programs by total usage, largest first (as cNMF orders them).
  std::vector<Index> order(static_cast<std::size_t>(k));
  std::iota(order.begin(), order.end(), Index{0});
  const Eigen::VectorXd totals = U.template cast<double>().colwise().sum().transpose();
  std::stable_sort(order.begin(), order.end(),
                   [&](Index a, Index b) { return totals[a] > totals[b]; });
  DenseMatrix<T> S_sorted(k, S.cols());
  DenseMatrix<T> U_sorted(U.rows(), k);
  for (Index c = 0; c < k; ++c) {
    S_sorted.row(c) = S.row(order[static_cast<std::size_t>(c)]);
    U_sorted.col(c) = U.col(order[static_cast<std::size_t>(c)]);
  }
  for (auto& label : out.consensus.labels) {
    if (label >= 0) {
      label = static_cast<Index>(std::find(order.begin(), order.end(), label) - order.begin());
    }
  }
  out.spectra = S_sorted.template cast<double>();
  out.usages = U_sorted.template cast<double>();

  const DenseMatrix<T> zero_W = DenseMatrix<T>::Zero(X.rows(), 1);
  const DenseMatrix<T> zero_H = DenseMatrix<T>::Zero(1, X.cols());
  const double norm = std::sqrt(weighted_squared_error(X, weights, zero_W, zero_H));
  out.relative_error =
      norm > 0 ? std::sqrt(weighted_squared_error(X, weights, U_sorted, S_sorted)) / norm : 0.0;

  // Spectra in X's units: Xᵀ ≈ spectraᵀ · usagesᵀ with the usages fixed.
  const DenseMatrix<T> Ut = U_sorted.transpose();
  const Matrix Xt = transposed(X);
  const DenseMatrix<T> refit_t = transform(Xt, Ut, nmf, progress).W;
  out.spectra_refit = refit_t.transpose().template cast<double>();
  const Index top = std::min(options.top_features, X.cols());
  for (Index c = 0; c < k; ++c) {
    std::vector<Index> features(static_cast<std::size_t>(X.cols()));
    std::iota(features.begin(), features.end(), Index{0});
    std::partial_sort(features.begin(), features.begin() + top, features.end(),
                      [&](Index a, Index b) {
                        return out.spectra_refit(c, a) > out.spectra_refit(c, b) ||
                               (out.spectra_refit(c, a) == out.spectra_refit(c, b) && a < b);
                      });
    features.resize(static_cast<std::size_t>(top));
    out.top_features.push_back(std::move(features));
  }
  return out;
}

}  // namespace

std::uint32_t restart_seed(std::uint32_t seed, int replicate) {
  return seed + 5000 + static_cast<std::uint32_t>(replicate);
}

void CnmfOptions::validate() const {
  if (k < 1) throw InvalidArgument("--k: k must be >= 1, got " + std::to_string(k));
  if (replicates < 2) {
    throw InvalidArgument("replicates must be >= 2, got " + std::to_string(replicates));
  }
  if (top_features < 1) {
    throw InvalidArgument("top features must be >= 1, got " + std::to_string(top_features));
  }
  SpectraConsensusOptions combine;
  combine.density_threshold = density_threshold;
  combine.neighborhood = neighborhood;
  combine.validate();
  nmf.validate();
}

template <class T>
CnmfResult<T> cnmf(const DenseMatrix<T>& X, const CnmfOptions& options, const Progress& progress) {
  return run<T>(X, options, progress);
}
template <class T>
CnmfResult<T> cnmf(const SparseMatrix<T>& X, const CnmfOptions& options, const Progress& progress) {
  return run<T>(X, options, progress);
}

template CnmfResult<float> cnmf(const DenseMatrix<float>&, const CnmfOptions&, const Progress&);
template CnmfResult<double> cnmf(const DenseMatrix<double>&, const CnmfOptions&, const Progress&);
template CnmfResult<float> cnmf(const SparseMatrix<float>&, const CnmfOptions&, const Progress&);
template CnmfResult<double> cnmf(const SparseMatrix<double>&, const CnmfOptions&, const Progress&);

}  // namespace nmfkit::select
