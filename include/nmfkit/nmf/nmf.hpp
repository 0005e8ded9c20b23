#pragma once
// Non-negative matrix factorisation X ≈ W·H with scikit-learn's NMF semantics:
// fit (= fit_transform), transform (W for new data with H fixed) and inverse_transform.
// X is n_samples × n_features, W n_samples × k, H (the components) k × n_features.

#include <string>
#include <type_traits>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/nmf/init.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit {

template <class T>
struct NmfResult {
  DenseMatrix<T> W;                   // n_samples × k: each sample's weights on the components
  DenseMatrix<T> H;                   // k × n_features: the components
  double reconstruction_error = 0;    // sqrt(2·D_β(X ‖ WH)): ‖X − WH‖_F for Frobenius
  int n_iter = 0;                     // iterations run
  bool converged = true;              // false when max_iter was reached with tol > 0
  Init init = Init::Auto;             // the initialisation actually used
  std::uint32_t random_state = 0;     // the seed used (drawn from entropy when unset)
  std::vector<std::string> warnings;  // what scikit-learn would warn about
  std::string solver;                 // the solver that ran ('auto' resolved)
  double init_seconds = 0;            // time the initialisation took
  dist::Grid grid;                    // the layout over options.comm's processes, resolved
  // The seam solvers (hals, anls, anls-bpp, scd): the objective after each iteration (the
  // best so far when extrapolating) and the solver's time to it; scd also the KKT residual
  // of H (max |H ⊙ ∇_H|).
  std::vector<double> objective_history;
  std::vector<double> iteration_seconds;
  std::vector<double> kkt_history;
  // model = "deep" (models.hpp): the layers, first to last. layer_H[0] is k_1 × n_features,
  // layer_H[i] k_{i+1} × k_i; layer_W[i] = W·layer_H[L−1]···layer_H[i+1] (n_samples × k_{i+1})
  // is the samples' codes at layer i+1, so layer_W.back() = W and H = layer_H[L−1]···layer_H[0].
  std::vector<DenseMatrix<T>> layer_W;
  std::vector<DenseMatrix<T>> layer_H;
};

template <class T>
struct TransformResult {
  DenseMatrix<T> W;
  int n_iter = 0;
  bool converged = true;
  std::vector<std::string> warnings;
};

// Throws InvalidArgument for bad options or data (empty, NaN/Inf, negative values,
// zeros with β ≤ 0, k too large for the init, bad custom factors). `custom` supplies
// W and H for init = custom (or for init = auto, which then means custom).
// (type_identity: T comes from X alone, so `custom` may be a plain nullptr.)
template <class T>
NmfResult<T> fit(const DenseMatrix<T>& X, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom = nullptr,
                 const Progress& progress = {});
template <class T>
NmfResult<T> fit(const SparseMatrix<T>& X, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom = nullptr,
                 const Progress& progress = {});

// The weighted problem (mask.hpp): only the entries with weight > 0 count, values under
// the mask are never read (they may be NaN), and reconstruction_error is
// sqrt(2·Σ w·d_β) over those entries. Solvers hals, anls, anls-bpp, scd and mu, also over
// the processes of options.comm; others throw InvalidArgument naming these. Rows or
// columns with no observed entry get zeros in W or H and a warning. Trivial weights (all
// 1) run the unweighted fit.
template <class T>
NmfResult<T> fit(const DenseMatrix<T>& X, const std::type_identity_t<EntryWeights<T>>& weights,
                 const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom = nullptr,
                 const Progress& progress = {});
template <class T>
NmfResult<T> fit(const SparseMatrix<T>& X, const std::type_identity_t<EntryWeights<T>>& weights,
                 const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom = nullptr,
                 const Progress& progress = {});

// W for X with the components H fixed, by the same solver, tol, max_iter, β and
// alpha_W as the fit; W starts at 0 (cd) or at sqrt(mean(X)/k) (mu), as in scikit-learn.
template <class T>
TransformResult<T> transform(const DenseMatrix<T>& X, const DenseMatrix<T>& H,
                             const NmfOptions& options, const Progress& progress = {});
template <class T>
TransformResult<T> transform(const SparseMatrix<T>& X, const DenseMatrix<T>& H,
                             const NmfOptions& options, const Progress& progress = {});

// transform with a mask: each sample's codes from its observed entries only.
template <class T>
TransformResult<T> transform(const DenseMatrix<T>& X,
                             const std::type_identity_t<EntryWeights<T>>& weights,
                             const DenseMatrix<T>& H, const NmfOptions& options,
                             const Progress& progress = {});
template <class T>
TransformResult<T> transform(const SparseMatrix<T>& X,
                             const std::type_identity_t<EntryWeights<T>>& weights,
                             const DenseMatrix<T>& H, const NmfOptions& options,
                             const Progress& progress = {});

// W·H: data in the original space.
template <class T>
DenseMatrix<T> inverse_transform(const DenseMatrix<T>& W, const DenseMatrix<T>& H);

}  // namespace nmfkit
