// Semi-NMF (Ding, Li & Jordan 2010, "Convex and semi-nonnegative matrix factorizations",
// IEEE TPAMI 32(1), §3): X ≈ F·Gᵀ with G ≥ 0 and F of any sign, by alternating
//   F ← X·G·(GᵀG)⁻¹                                   (least squares, exact)
//   G ← G ⊙ sqrt( ((XᵀF)⁺ + G·(FᵀF)⁻) / ((XᵀF)⁻ + G·(FᵀF)⁺) )   (their multiplicative rule)
// where A⁺ = max(A, 0), A⁻ = max(−A, 0). Both steps never increase ‖X − FGᵀ‖ (their
// Theorems 1 and 2). In nmfkit's orientation F = W (samples × k, free) and G = Hᵀ
// (features × k, ≥ 0). scikit-learn's penalties enter as ridge ½·l2_W·‖W‖² in the least
// squares and l1_H·ΣH + ½·l2_H·‖H‖² in the denominator of the rule (the same majorisation
// covers them); an L1 penalty on the signed W is not defined.
//
// The factorisation is never unique (W·M⁻¹, M·H fits as well for any invertible M ≥ 0), so
// the start decides which of the exact fits is found. init = auto takes Ding et al.'s: H
// from k-means of X's columns (the features, as points in sample space), cluster
// indicators + 0.2, which leads to the clustering solution the paper is about. An explicit
// init (random, nndsvd, ...) is fit's initialisation of |X|; W is solved for first, so
// only H's start matters.

#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include "alternating_driver.hpp"
#include "fit_support.hpp"
#include "input_checks.hpp"
#include "models_fit.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

template <class T, class Op>
class SemiSteps {
 public:
  SemiSteps(const Op& op, const Penalties& p) : op_(op), p_(p) {}

  double update(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F, Reuse) {
    op_.gram(O, G_);
    op_.rhs(side, O, B_);
    if (side == Side::Rows) {
      // F·(G + l2·I) = B; G is symmetric, and may be singular when a component is empty.
      DenseMatrix<T> G = G_;
      G.diagonal().array() += static_cast<T>(p_.l2_W);
      F = G.completeOrthogonalDecomposition().solve(DenseMatrix<T>(B_.transpose())).transpose();
    } else {
      const DenseMatrix<T> gram_pos = G_.cwiseMax(T(0));
      const DenseMatrix<T> gram_neg = (-G_).cwiseMax(T(0));
      DenseMatrix<T> numerator = B_.cwiseMax(T(0));
      numerator.noalias() += F * gram_neg;
      DenseMatrix<T> denominator = (-B_).cwiseMax(T(0));
      denominator.noalias() += F * gram_pos;
      denominator.array() += static_cast<T>(p_.l1_H) + static_cast<T>(p_.l2_H) * F.array();
      // A zero denominator (scikit-learn's MU does the same) must not divide by zero.
      const T epsilon = static_cast<T>(linalg::kEpsilon);
      denominator = denominator.unaryExpr([epsilon](T d) { return d == T(0) ? epsilon : d; });
      F.array() *= (numerator.array() / denominator.array()).sqrt();
    }
    const double error = squared_error_after(op_, F, O, B_, G_, side);
    const bool rows = side == Side::Rows;
    const DenseMatrix<T>& W = rows ? F : O;
    const DenseMatrix<T>& Ht = rows ? O : F;
    return 0.5 * error + penalty(W, 0.0, p_.l2_W) + penalty(Ht, p_.l1_H, p_.l2_H);
  }
  double kkt() const { return std::numeric_limits<double>::quiet_NaN(); }

 private:
  const Op& op_;
  Penalties p_;
  DenseMatrix<T> G_, B_;
};

// ‖x_j‖² for each column of X.
template <class T>
std::vector<double> column_norms(const DenseMatrix<T>& X) {
  std::vector<double> out(static_cast<std::size_t>(X.cols()));
  for (Index j = 0; j < X.cols(); ++j) out[j] = static_cast<double>(X.col(j).squaredNorm());
  return out;
}
template <class T>
std::vector<double> column_norms(const SparseMatrix<T>& X) {
  std::vector<double> out(static_cast<std::size_t>(X.cols()), 0.0);
  for (Index p = 0; p < X.nonZeros(); ++p) {
    const double x = static_cast<double>(X.valuePtr()[p]);
    out[static_cast<std::size_t>(X.innerIndexPtr()[p])] += x * x;
  }
  return out;
}

// Ding et al.'s start: Lloyd's k-means of the columns of X from k-means++ seeds (Arthur &
// Vassilvitskii 2007, drawn from `seed`), at most 100 rounds; returns H = the k × n
// cluster indicators + 0.2. Distances ‖x_j‖² − 2·x_jᵀc + ‖c‖² come from Xᵀ·C (the seam's
// right-hand side), so sparse X stays sparse.
template <class T, class Op>
DenseMatrix<T> kmeans_start(const Op& op, const std::vector<double>& norms, Index k,
                            std::uint32_t seed) {
  const Index n = op.cols();
  RandomState rng(seed);
  DenseMatrix<T> indicator = DenseMatrix<T>::Zero(n, k);  // Z: one column per centre
  DenseMatrix<T> centres, products;                        // C = X·Z·diag(1/count), XᵀC
  std::vector<double> nearest(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
  const auto distances_to = [&](Index c, std::vector<double>& out) {
    const double centre = static_cast<double>(centres.col(c).squaredNorm());
    for (Index j = 0; j < n; ++j) {
      out[j] = std::max(0.0, norms[j] - 2 * static_cast<double>(products(j, c)) + centre);
    }
  };
  // k-means++ seeds: each next one drawn with probability ∝ squared distance to the nearest.
  std::vector<double> d(static_cast<std::size_t>(n));
  Index pick = static_cast<Index>(rng.random_interval(static_cast<std::uint64_t>(n - 1)));
  for (Index c = 0; c < k; ++c) {
    DenseMatrix<T> one = DenseMatrix<T>::Zero(n, 1);
    one(pick, 0) = T(1);
    indicator(pick, c) = T(1);
    DenseMatrix<T> column;
    op.rhs(Side::Rows, one, column);  // x_pick
    if (c == 0) centres.resize(column.rows(), k);
    centres.col(c) = column.col(0);
    op.rhs(Side::Columns, DenseMatrix<T>(centres.col(c)), products);
    const double centre = static_cast<double>(centres.col(c).squaredNorm());
    double total = 0;
    for (Index j = 0; j < n; ++j) {
      const double dj = std::max(0.0, norms[j] - 2 * static_cast<double>(products(j, 0)) + centre);
      nearest[j] = std::min(nearest[j], dj);
      total += nearest[j];
    }
    if (c + 1 == k) break;
    double target = rng.random_sample() * total;
    pick = total > 0 ? n - 1 : static_cast<Index>(rng.random_interval(static_cast<std::uint64_t>(n - 1)));
    for (Index j = 0; total > 0 && j < n; ++j) {
      target -= nearest[j];
      if (target < 0) {
        pick = j;
        break;
      }
    }
  }
  std::vector<Index> label(static_cast<std::size_t>(n), -1);
  for (int round = 0; round < 100; ++round) {
    op.rhs(Side::Columns, centres, products);
    bool changed = false;
    std::vector<double> best(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
    std::vector<Index> next(static_cast<std::size_t>(n), 0);
    for (Index c = 0; c < k; ++c) {
      distances_to(c, d);
      for (Index j = 0; j < n; ++j) {
        if (d[j] < best[j]) {
          best[j] = d[j];
          next[j] = c;
        }
      }
    }
    for (Index j = 0; j < n; ++j) changed = changed || next[j] != label[j];
    label = next;
    if (!changed) break;
    indicator.setZero();
    for (Index j = 0; j < n; ++j) indicator(j, label[j]) = T(1);
    DenseMatrix<T> sums;
    op.rhs(Side::Rows, indicator, sums);
    for (Index c = 0; c < k; ++c) {
      const T count = indicator.col(c).sum();
      if (count > 0) centres.col(c) = sums.col(c) / count;  // an empty cluster keeps its centre
    }
  }
  DenseMatrix<T> H = DenseMatrix<T>::Constant(k, n, static_cast<T>(0.2));
  for (Index j = 0; j < n; ++j) H(label[j], j) += T(1);
  return H;
}

}  // namespace

template <class T, class Matrix>
NmfResult<T> fit_semi(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                      const Progress& progress) {
  check_finite_input(X);  // any sign is welcome; NaN and infinity are not
  const Index m = X.rows();
  const Index n = X.cols();
  SolverSettings settings = settings_for(options, m, n, progress);
  if (settings.penalties.l1_W != 0) {
    throw InvalidArgument(
        "semi-NMF leaves W free of sign, so an L1 penalty on W is not defined: set alpha_W = 0 "
        "or l1_ratio = 0 (alpha_H may carry L1)");
  }
  settings.extrapolate = false;
  NmfResult<T> result;
  const auto op = operator_for<T>(X);
  if (options.init == Init::Auto && !custom) {
    const Index k = options.n_components.value_or(n);
    if (k > n) {
      throw InvalidArgument("semi-NMF's k-means start needs n_components <= n_features (" +
                            std::to_string(n) + "), got " + std::to_string(k));
    }
    const auto start = std::chrono::steady_clock::now();
    result.H = kmeans_start<T>(op, column_norms(X), k, *options.random_state);
    result.W = DenseMatrix<T>::Zero(m, k);  // solved for first
    result.init_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.random_state = *options.random_state;
    result.init = Init::Auto;
  } else {
    const Matrix magnitude = X.cwiseAbs();
    start_model<T>(magnitude, m, n, options, custom, result, /*check_W=*/false);
  }
  SemiSteps<T, std::decay_t<decltype(op)>> steps(op, settings.penalties);
  SolveReport report = alternate_on<T>(steps, result.W, result.H, true, settings, 0.0);
  finish_model<T>(X, options, std::move(report), "semi", result);
  return result;
}

#define NMFKIT_INSTANTIATE_SEMI(T, Matrix)                                                \
  template NmfResult<T> fit_semi(const Matrix&, const NmfOptions&, const Factors<T>*, \
                                 const Progress&);
NMFKIT_INSTANTIATE_SEMI(float, DenseMatrix<float>)
NMFKIT_INSTANTIATE_SEMI(float, SparseMatrix<float>)
NMFKIT_INSTANTIATE_SEMI(double, DenseMatrix<double>)
NMFKIT_INSTANTIATE_SEMI(double, SparseMatrix<double>)
#undef NMFKIT_INSTANTIATE_SEMI

}  // namespace nmfkit
