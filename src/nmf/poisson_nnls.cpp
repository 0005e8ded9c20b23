#include "nmfkit/nmf/poisson_nnls.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace nmfkit {

namespace {

// The row's data gathered once: A column by column (size × k), the weighted counts, the
// rates A f and their inverses. One per thread, reused across rows.
struct Workspace {
  // inverse: 1/rate during a Newton sweep, counts/rate for the EM step and the gradient;
  // start: f after the EM step.
  std::vector<double> A, counts, rate, inverse, f, start, linear;
};

double log_rate(double y) {
  return std::log(std::max(y, std::numeric_limits<double>::min()));
}

double objective(const Workspace& w, Index size, Index k, double l2) {
  double value = 0;
  for (Index c = 0; c < k; ++c) value += (w.linear[c] + 0.5 * l2 * w.f[c]) * w.f[c];
  for (Index p = 0; p < size; ++p) value -= w.counts[p] * log_rate(w.rate[p]);
  return value;
}

void compute_rates(Workspace& w, Index size, Index k) {
  std::fill(w.rate.begin(), w.rate.begin() + size, 0.0);
  for (Index c = 0; c < k; ++c) {
    const double fc = w.f[c];
    if (fc == 0) continue;
    const double* a = w.A.data() + c * size;
    for (Index p = 0; p < size; ++p) w.rate[p] += fc * a[p];
  }
}

// ratio_p = counts_p / rate_p (0 where the rate is 0), once per pass over the row.
void compute_ratios(Workspace& w, Index size) {
  for (Index p = 0; p < size; ++p) w.inverse[p] = w.rate[p] > 0 ? w.counts[p] / w.rate[p] : 0.0;
}

// Σ_p ratio_p·a_pc: the data part of the negative gradient in coordinate c.
double data_gradient(const Workspace& w, Index size, Index c) {
  const double* a = w.A.data() + c * size;
  double sum = 0;
  for (Index p = 0; p < size; ++p) sum += w.inverse[p] * a[p];
  return sum;
}

// f_c ← f_c · (Σ_p counts_p a_pc / rate_p) / (u_c + l2·f_c) for every c at once: the
// multiplicative (EM) step, which never increases φ.
void em_step(Workspace& w, Index size, Index k, double l2, double floor) {
  compute_ratios(w, size);
  for (Index c = 0; c < k; ++c) {
    const double denominator = w.linear[c] + l2 * w.f[c];
    if (!(denominator > 0)) continue;
    w.f[c] = std::max(floor, w.f[c] * data_gradient(w, size, c) / denominator);
  }
  compute_rates(w, size, k);
}

// (fastTopics adds 1e-8 to every rate and curvature instead; that moves the fixed point
// by about 1e-8 of the curvature, which the KKT residual then shows.)
double inverse_of(double rate) {
  return rate > 0 ? 1.0 / rate : 0.0;
}

void newton_sweep(Workspace& w, Index size, Index k, double l2, double floor) {
  for (Index p = 0; p < size; ++p) w.inverse[p] = inverse_of(w.rate[p]);
  for (Index c = 0; c < k; ++c) {
    const double* a = w.A.data() + c * size;
    double gradient = 0, curvature = 0;
    for (Index p = 0; p < size; ++p) {
      const double r = a[p] * w.inverse[p];
      gradient += w.counts[p] * r;
      curvature += w.counts[p] * r * r;
    }
    // The Newton target f − φ'/φ'' with φ' = u_c + l2·f_c − gradient, φ'' = curvature + l2.
    // Without curvature the data ignore f_c, and the linear term pushes it to the floor.
    const double target = curvature + l2 > 0
                              ? (gradient - w.linear[c] + curvature * w.f[c]) / (curvature + l2)
                              : floor;
    const double updated = std::max(floor, target);
    const double step = updated - w.f[c];
    if (step == 0) continue;
    w.f[c] = updated;
    for (Index p = 0; p < size; ++p) {
      w.rate[p] += step * a[p];
      w.inverse[p] = inverse_of(w.rate[p]);
    }
  }
}

}  // namespace

template <class T>
PoissonRowResult solve_poisson_nnls(const linalg::CountRow<T>& row, const DenseMatrix<T>& O, T* f,
                                    const PoissonNnlsOptions& options) {
  thread_local Workspace w;
  const Index k = O.cols();
  const Index size = row.size;
  w.A.resize(static_cast<std::size_t>(size * k));
  w.counts.resize(static_cast<std::size_t>(size));
  w.rate.resize(static_cast<std::size_t>(size));
  w.inverse.resize(static_cast<std::size_t>(size));
  w.f.resize(static_cast<std::size_t>(k));
  w.linear.resize(static_cast<std::size_t>(k));
  for (Index p = 0; p < size; ++p) {
    const T* o = O.data() + row.index[p] * k;
    for (Index c = 0; c < k; ++c) w.A[c * size + p] = static_cast<double>(o[c]);
    const double x = static_cast<double>(row.value[p]);
    w.counts[p] = row.weight ? static_cast<double>(row.weight[p]) * x : x;
  }
  for (Index c = 0; c < k; ++c) {
    w.linear[c] = row.linear[c] + options.l1;
    w.f[c] = std::max(options.floor, static_cast<double>(f[c]));
  }
  compute_rates(w, size, k);
  const double before = objective(w, size, k, options.l2);
  if (options.em_step) em_step(w, size, k, options.l2, options.floor);
  w.start = w.f;  // the EM step never increases φ: the fallback
  for (int sweep = 0; sweep < options.sweeps; ++sweep) {
    newton_sweep(w, size, k, options.l2, options.floor);
  }
  double after = objective(w, size, k, options.l2);
  // A Newton step that overshot (beyond rounding, which must not undo converged steps):
  // keep the EM step.
  if (!(after <= before + 1e-13 * std::abs(before))) {
    w.f = w.start;
    compute_rates(w, size, k);
    after = objective(w, size, k, options.l2);
  }

  PoissonRowResult result;
  result.objective = after;
  compute_ratios(w, size);
  for (Index c = 0; c < k; ++c) {
    const double derivative = w.linear[c] + options.l2 * w.f[c] - data_gradient(w, size, c);
    // Complementary slackness for the bound f ≥ floor.
    result.kkt = std::max(result.kkt, std::abs((w.f[c] - options.floor) * derivative));
    f[c] = static_cast<T>(w.f[c]);
  }
  return result;
}

template PoissonRowResult solve_poisson_nnls(const linalg::CountRow<float>&,
                                             const DenseMatrix<float>&, float*,
                                             const PoissonNnlsOptions&);
template PoissonRowResult solve_poisson_nnls(const linalg::CountRow<double>&,
                                             const DenseMatrix<double>&, double*,
                                             const PoissonNnlsOptions&);

}  // namespace nmfkit
