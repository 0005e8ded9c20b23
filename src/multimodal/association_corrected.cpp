// The corrected association of one target (docs/associations.md, § corrected): the target's
// topic profile â (a distribution over topics) is fitted by a mixture Σ_p x_p b̂_p of its
// allowed sources' profiles, x on the simplex, minimising KL(â ‖ B̂x). EM (the classic
// update for mixture proportions) decreases the divergence at every step and needs no step
// size; sources whose share falls below min_weight are pruned and the rest refitted.
// Before any mixing, every source alone is scored by its own divergence: a single source
// that reproduces the target (divergence within single_slack of 0, the least any mixture
// can reach) is the sparsest explanation and is reported alone, so an exactly proportional
// source is never lost among the many mixtures that reach the same divergence.

#include <algorithm>
#include <cmath>
#include <limits>

#include "association_solvers.hpp"
#include "nmfkit/core/random.hpp"

namespace nmfkit::multimodal::detail {

namespace {
using RowBlock = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
using Array = Eigen::Map<Eigen::ArrayXd>;

std::uint64_t splitmix(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// The stream of one (seed, target, start): the same whatever thread runs the target.
RandomState stream(std::uint64_t seed, Index target, int start) {
  std::uint64_t key = splitmix(seed);
  key = splitmix(key ^ static_cast<std::uint64_t>(target));
  key = splitmix(key ^ static_cast<std::uint64_t>(start));
  return RandomState(static_cast<std::uint32_t>(key ^ (key >> 32)));
}
}  // namespace

void CorrectedSolver::reserve(Index T, Index n) {
  for (auto* buffer : {&x_, &f_, &best_x_}) {
    if (static_cast<Index>(buffer->size()) < n) buffer->resize(n);
  }
  for (auto* buffer : {&active_, &best_active_, &columns_}) {
    if (static_cast<Index>(buffer->size()) < n) buffer->resize(n);
  }
  for (auto* buffer : {&B_, &work_}) {
    if (static_cast<Index>(buffer->size()) < T * n) buffer->resize(T * n);
  }
  for (auto* buffer : {&a_, &m_}) {
    if (static_cast<Index>(buffer->size()) < T) buffer->resize(T);
  }
}

TargetFit CorrectedSolver::run(Index T, Index n) {
  Index s = n;
  std::copy(B_.begin(), B_.begin() + T * n, work_.begin());
  const Eigen::Map<const Eigen::ArrayXd> a(a_.data(), T);
  Array m(m_.data(), T);
  TargetFit fit;
  for (;;) {
    bool round_converged = false;
    double previous = std::numeric_limits<double>::infinity();
    while (fit.iterations < options_.max_iterations) {
      const RowBlock W(work_.data(), T, s);
      Array x(x_.data(), s), f(f_.data(), s);
      m.matrix().noalias() = W * x.matrix();
      // The cross-entropy −Σ_t â_t log (B̂x)_t = H(â) + D(x): its relative decrease is the
      // stopping test. D's minimum value is always identified, the minimising x is not when
      // sources outnumber topics (EM then drifts slowly along the flat set of minimisers).
      double cross_entropy = 0;
      for (Index t = 0; t < T; ++t) {
        if (a[t] > 0 && m[t] > 0) cross_entropy -= a[t] * std::log(m[t]);
      }
      if (previous - cross_entropy <= options_.tolerance * std::abs(cross_entropy)) {
        round_converged = true;
        break;
      }
      previous = cross_entropy;
      // EM: x_p ← x_p Σ_t â_t b̂_tp / (B̂x)_t. A topic no kept source loads has (B̂x)_t = 0;
      // it cannot be explained whatever x is, so it is left out of the update.
      m = (m > 0).select(a / m, 0.0);
      f.matrix().noalias() = W.transpose() * m.matrix();
      x *= f;
      x /= x.sum();
      ++fit.iterations;
    }
    // Prune the sources below min_weight (and any that underflowed to 0), keeping the
    // largest when every one is below.
    Array x(x_.data(), s);
    Index largest = 0;
    x.maxCoeff(&largest);
    Index kept = 0;
    for (Index i = 0; i < s; ++i) {
      if ((x[i] >= options_.min_weight && x[i] > 0) ||
          (i == largest && x[largest] < options_.min_weight)) {
        active_[kept] = active_[i];
        x_[kept] = x_[i];
        for (Index t = 0; t < T; ++t) work_[t * s + kept] = work_[t * s + i];
        ++kept;
      }
    }
    if (kept < s) {
      // Close the gaps between rows: row t moves from t·s to t·kept (never forward).
      for (Index t = 1; t < T; ++t) {
        std::copy(work_.begin() + t * s, work_.begin() + t * s + kept, work_.begin() + t * kept);
      }
    }
    const bool pruned = kept < s;
    s = kept;
    Array(x_.data(), s) /= Array(x_.data(), s).sum();
    if (!pruned || !round_converged) {
      fit.converged = round_converged && !pruned;
      break;
    }
  }
  const RowBlock W(work_.data(), T, s);
  m.matrix().noalias() = W * Array(x_.data(), s).matrix();
  double kl = 0;
  for (Index t = 0; t < T; ++t) {
    if (a[t] > 0 && m[t] > 0) kl += a[t] * std::log(a[t] / m[t]);
  }
  fit.loss = kl;
  fit.n_sources = s;
  return fit;
}

double CorrectedSolver::best_single(Index T, Index k, Index* best) const {
  double lowest = std::numeric_limits<double>::infinity();
  *best = 0;
  for (Index i = 0; i < k; ++i) {
    double kl = 0;
    for (Index t = 0; t < T; ++t) {
      if (a_[t] <= 0) continue;
      const double b = B_[t * k + i];
      // A topic the target loads and the source does not: no multiple of this source alone
      // reproduces the target.
      kl = b > 0 ? kl + a_[t] * std::log(a_[t] / b) : std::numeric_limits<double>::infinity();
    }
    if (kl < lowest) {
      lowest = kl;
      *best = i;
    }
  }
  return std::max(lowest, 0.0);
}

TargetFit CorrectedSolver::solve(const double* a_data, const double* B, Index T, Index n,
                                 Index target, double* x_out) {
  reserve(T, n);
  std::fill(x_out, x_out + n, 0.0);
  TargetFit none;
  none.converged = true;
  double a_sum = 0;
  for (Index t = 0; t < T; ++t) a_sum += a_data[t];
  if (!(a_sum > 0)) return none;
  for (Index t = 0; t < T; ++t) a_[t] = a_data[t] / a_sum;

  // Each source's topic profile b̂_p = B[:, p] / Σ_t B[t, p]; sources without one are left out.
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      block(B, T, n);
  Index k = 0;
  for (Index p = 0; p < n; ++p) {
    if (block.col(p).sum() > 0) columns_[k++] = p;
  }
  if (k == 0) return none;
  RowBlock profiles(B_.data(), T, k);
  for (Index i = 0; i < k; ++i) {
    profiles.col(i) = block.col(columns_[i]) / block.col(columns_[i]).sum();
  }

  // The sparsest explanation first: the best single source. When it reproduces the target
  // (within single_slack of 0, the lowest divergence any mixture can reach) no mixture can
  // explain the target better, and the mixture fit is skipped.
  Index single = 0;
  const double single_kl = best_single(T, k, &single);
  if (single_kl <= options_.single_slack) {
    x_out[columns_[single]] = 1.0;
    TargetFit fit;
    fit.converged = true;
    fit.loss = single_kl;
    fit.n_sources = 1;
    fit.single_source = true;
    return fit;
  }

  TargetFit best;
  Index best_size = 0;
  for (int start = 0; start < options_.restarts; ++start) {
    // A uniformly random point of the simplex (Dirichlet(1)): the divergence is convex, so
    // every start reaches the same fitted profile B̂x, but when sources outnumber topics
    // several x give it, and the start (with pruning) picks among them.
    RandomState rng = stream(options_.seed, target, start);
    double total = 0;
    for (Index i = 0; i < k; ++i) {
      x_[i] = std::max(-std::log1p(-rng.random_sample()), 1e-12);
      total += x_[i];
      active_[i] = i;
    }
    for (Index i = 0; i < k; ++i) x_[i] /= total;
    const TargetFit fit = run(T, k);
    const bool better = start == 0 || fit.loss < best.loss - 1e-12 ||
                        (std::abs(fit.loss - best.loss) <= 1e-12 && fit.n_sources < best.n_sources);
    if (better) {
      best = fit;
      best_size = fit.n_sources;
      std::copy(x_.begin(), x_.begin() + best_size, best_x_.begin());
      std::copy(active_.begin(), active_.begin() + best_size, best_active_.begin());
    }
  }
  for (Index i = 0; i < best_size; ++i) x_out[columns_[best_active_[i]]] = best_x_[i];
  return best;
}

}  // namespace nmfkit::multimodal::detail
