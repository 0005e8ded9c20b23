#pragma once
// Missing entries and per-entry weights for NMF: the weighted objective
//   ½ Σ_ij w_ij (x_ij − (WH)_ij)²   (or Σ w_ij d_β(x_ij, (WH)_ij) for mu),
// where w_ij = 0 marks a missing entry. The alternating solvers take weights into the
// per-row NNLS problems by correcting the shared Gram matrix with the few entries whose
// weight differs from the row's default (RcppML's per-column Gram correction), so the
// unweighted path is untouched and a light mask costs little.
//
// Three sources combine: explicit weights (a sparse list of the entries whose weight is
// not 1, from a mask or a weight matrix), "zeros are missing" (only the non-zero entries
// count: implicit-feedback data) and a speckled holdout (a hash of (row, column, seed)
// picks held-out entries; nothing is stored).

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// A deterministic pseudo-random subset of the entries: entry (i, j) is held out when a
// SplitMix64 hash of (i, j, seed) falls below `fraction`. Costs no memory.
struct SpeckledHoldout {
  double fraction = 0.1;   // share of the (eligible) entries held out, in (0, 0.5]
  std::uint64_t seed = 0;  // different seeds give independent subsets

  // Throws InvalidArgument unless 0 < fraction ≤ 0.5.
  void validate() const;
  bool held_out(Index row, Index col) const;
};

template <class T>
class EntryWeights {
 public:
  // Every entry observed with weight 1 (the unweighted problem).
  EntryWeights() = default;

  // Entries whose value is not 0 are missing. Values must be finite.
  static EntryWeights missing(const SparseMatrix<T>& mask);
  static EntryWeights missing(const DenseMatrix<T>& mask);
  // Per-entry weights (finite, ≥ 0; 0 = missing); same shape as X.
  static EntryWeights weights(const DenseMatrix<T>& weights);
  // Only the non-zero entries of X are observed (implicit feedback).
  static EntryWeights zeros_missing();
  // NaN entries of X are missing: replaces them by 0 in X and returns the mask.
  static EntryWeights missing_nan(DenseMatrix<T>& X);
  static EntryWeights missing_nan(SparseMatrix<T>& X);

  // The same weights with the entries the holdout picks also missing. For dense X every
  // entry can be held out; for sparse X only the stored ones (the zeros stay observed).
  EntryWeights with_holdout(const SpeckledHoldout& holdout) const;
  // The same weights with zeros missing too.
  EntryWeights with_zeros_missing() const;

  // True when every weight is 1: the unweighted problem.
  bool trivial() const { return explicit_.nonZeros() == 0 && !zeros_missing_ && !holdout_; }
  // Throws InvalidArgument naming both shapes when explicit weights do not fit X.
  void check_shape(Index rows, Index cols) const;

  bool zeros_are_missing() const { return zeros_missing_; }
  const std::optional<SpeckledHoldout>& holdout() const { return holdout_; }
  // rows × cols, CSR: the explicit entries whose weight is not 1; and its transpose.
  const SparseMatrix<T>& explicit_weights() const { return explicit_; }
  const SparseMatrix<T>& explicit_weights_transposed() const { return explicit_t_; }

 private:
  void set_explicit(SparseMatrix<T> weights);

  SparseMatrix<T> explicit_;
  SparseMatrix<T> explicit_t_;
  bool zeros_missing_ = false;
  std::optional<SpeckledHoldout> holdout_;
};

// How a weighted loss is spread over processes: this process sums rows [first, first +
// count) of X and `gather` fills in the other processes' row sums; every process then adds
// all rows in order, so the loss is bitwise the one-process loss.
struct RowShare {
  Index first = 0;
  Index count = 0;
  std::function<void(std::vector<double>& row_sums)> gather;
};

// Σ w_ij (x_ij − (WH)_ij)² over the entries with w_ij > 0 (values under the mask are
// never read). With `share`, over the processes of a spread fit.
template <class T>
double weighted_squared_error(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                              const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                              const RowShare* share = nullptr);
template <class T>
double weighted_squared_error(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                              const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                              const RowShare* share = nullptr);

// Σ w_ij d_β(x_ij, (WH)_ij) with scikit-learn's conventions for x ≈ 0 and WH = 0.
template <class T>
double weighted_beta_divergence(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                                const DenseMatrix<T>& W, const DenseMatrix<T>& H, double beta,
                                const RowShare* share = nullptr);
template <class T>
double weighted_beta_divergence(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                                const DenseMatrix<T>& W, const DenseMatrix<T>& H, double beta,
                                const RowShare* share = nullptr);

// The error on held-out entries: the mean of (x_ij − (WH)_ij)² over the entries the
// holdout picks (every entry of dense X, the stored ones of sparse X) that `base` does
// not already mark missing. Also returns how many there were.
struct HoldoutError {
  double mean_squared_error = 0;
  Index entries = 0;
};
template <class T>
HoldoutError holdout_error(const DenseMatrix<T>& X, const EntryWeights<T>& base,
                           const SpeckledHoldout& holdout, const DenseMatrix<T>& W,
                           const DenseMatrix<T>& H);
template <class T>
HoldoutError holdout_error(const SparseMatrix<T>& X, const EntryWeights<T>& base,
                           const SpeckledHoldout& holdout, const DenseMatrix<T>& W,
                           const DenseMatrix<T>& H);

// X with its missing entries (weight 0) replaced by W·H: imputation. Sparse X gets the
// filled entries added to its pattern.
template <class T>
DenseMatrix<T> impute(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                      const DenseMatrix<T>& W, const DenseMatrix<T>& H);
template <class T>
SparseMatrix<T> impute(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                       const DenseMatrix<T>& W, const DenseMatrix<T>& H);

// How many entries have weight 0, and the rows/columns with no observed entry.
struct MissingSummary {
  Index missing = 0;
  Index empty_rows = 0;
  Index empty_cols = 0;
};
template <class T>
MissingSummary summarize_missing(const DenseMatrix<T>& X, const EntryWeights<T>& weights);
template <class T>
MissingSummary summarize_missing(const SparseMatrix<T>& X, const EntryWeights<T>& weights);

}  // namespace nmfkit
