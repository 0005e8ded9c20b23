// pl.select_n_topics' curve fit: a rational function through the normalised scores by
// SciPy's Nelder–Mead, and the first point where its slope flattens.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "nmfkit/core/error.hpp"
#include "nmfkit/multimodal/topic_number.hpp"

namespace nmfkit::multimodal {

namespace {

using Point = std::array<double, 4>;
constexpr int kDim = 4;

double rational(const Point& p, double x) {
  return (p[0] + p[1] * x) / (1 + p[2] * x + p[3] * (x * x));
}

// scipy.optimize.minimize(method="Nelder-Mead") with its defaults (SciPy 1.10): standard
// coefficients, the 5 % initial simplex (0.00025 for zero coordinates), xatol = fatol =
// 1e-4, at most 200·n iterations and 200·n evaluations, the simplex re-sorted (stably) after
// every step. Reproduced step for step so that the fit, and so best K, agree with Python.
Point nelder_mead(const std::function<double(const Point&)>& f, const Point& x0, double* fbest) {
  constexpr double rho = 1, chi = 2, psi = 0.5, sigma = 0.5;
  constexpr int max_calls = 200 * kDim, max_iter = 200 * kDim;
  int calls = 0;
  bool exhausted = false;
  // SciPy's wrapper refuses a call past the limit; the step in progress stops there.
  auto eval = [&](const Point& p, double& out) {
    if (calls >= max_calls) {
      exhausted = true;
      return false;
    }
    ++calls;
    out = f(p);
    return true;
  };
  std::array<Point, kDim + 1> sim;
  std::array<double, kDim + 1> fsim;
  fsim.fill(std::numeric_limits<double>::infinity());
  sim[0] = x0;
  for (int k = 0; k < kDim; ++k) {
    Point y = x0;
    y[k] = y[k] != 0 ? (1 + 0.05) * y[k] : 0.00025;
    sim[k + 1] = y;
  }
  auto sort = [&] {
    std::array<int, kDim + 1> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return fsim[a] < fsim[b]; });
    auto s = sim;
    auto fs = fsim;
    for (int i = 0; i <= kDim; ++i) {
      sim[i] = s[order[i]];
      fsim[i] = fs[order[i]];
    }
  };
  for (int k = 0; k <= kDim && eval(sim[k], fsim[k]); ++k) {
  }
  sort();
  int iterations = 1;
  auto combine = [](double a, const Point& x, double b, const Point& y) {
    Point out;
    for (int i = 0; i < kDim; ++i) out[i] = a * x[i] - b * y[i];
    return out;
  };
  while (calls < max_calls && iterations < max_iter && !exhausted) {
    double xspread = 0, fspread = 0;
    for (int j = 1; j <= kDim; ++j) {
      fspread = std::max(fspread, std::abs(fsim[0] - fsim[j]));
      for (int i = 0; i < kDim; ++i) xspread = std::max(xspread, std::abs(sim[j][i] - sim[0][i]));
    }
    if (xspread <= 1e-4 && fspread <= 1e-4) break;
    Point xbar{};
    for (int j = 0; j < kDim; ++j)
      for (int i = 0; i < kDim; ++i) xbar[i] += sim[j][i];
    for (int i = 0; i < kDim; ++i) xbar[i] /= kDim;
    const Point& worst = sim[kDim];
    const Point xr = combine(1 + rho, xbar, rho, worst);
    double fxr = 0;
    [&] {
      if (!eval(xr, fxr)) return;
      if (fxr < fsim[0]) {
        const Point xe = combine(1 + rho * chi, xbar, rho * chi, worst);
        double fxe = 0;
        if (!eval(xe, fxe)) return;
        if (fxe < fxr) {
          sim[kDim] = xe;
          fsim[kDim] = fxe;
        } else {
          sim[kDim] = xr;
          fsim[kDim] = fxr;
        }
        return;
      }
      if (fxr < fsim[kDim - 1]) {
        sim[kDim] = xr;
        fsim[kDim] = fxr;
        return;
      }
      bool shrink = false;
      if (fxr < fsim[kDim]) {
        const Point xc = combine(1 + psi * rho, xbar, psi * rho, worst);
        double fxc = 0;
        if (!eval(xc, fxc)) return;
        if (fxc <= fxr) {
          sim[kDim] = xc;
          fsim[kDim] = fxc;
        } else {
          shrink = true;
        }
      } else {
        Point xcc;
        for (int i = 0; i < kDim; ++i) xcc[i] = (1 - psi) * xbar[i] + psi * worst[i];
        double fxcc = 0;
        if (!eval(xcc, fxcc)) return;
        if (fxcc < fsim[kDim]) {
          sim[kDim] = xcc;
          fsim[kDim] = fxcc;
        } else {
          shrink = true;
        }
      }
      if (shrink) {
        for (int j = 1; j <= kDim; ++j) {
          for (int i = 0; i < kDim; ++i) sim[j][i] = sim[0][i] + sigma * (sim[j][i] - sim[0][i]);
          if (!eval(sim[j], fsim[j])) return;
        }
      }
    }();
    ++iterations;
    sort();
  }
  *fbest = fsim[0];
  return sim[0];
}

}  // namespace

PlateauFit fit_plateau(const std::vector<int>& ks, const std::vector<double>& mean_ll,
                       double threshold) {
  const std::size_t n = ks.size();
  if (n < 5)
    throw InvalidArgument("the plateau fit needs at least 5 values of K (4 parameters), got " +
                          std::to_string(n));
  if (mean_ll.size() != n)
    throw InvalidArgument("the plateau fit got " + std::to_string(n) + " values of K but " +
                          std::to_string(mean_ll.size()) + " scores");
  for (std::size_t i = 1; i < n; ++i)
    if (ks[i] <= ks[i - 1]) throw InvalidArgument("the values of K must increase");
  for (double v : mean_ll)
    if (!std::isfinite(v)) throw InvalidArgument("the scores must be finite");
  const auto [lo, hi] = std::minmax_element(mean_ll.begin(), mean_ll.end());
  if (!(*hi > *lo)) throw InvalidArgument("the scores are all equal: there is no curve to fit");
  const double k_lo = ks.front(), k_span = static_cast<double>(ks.back() - ks.front());
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = (ks[i] - k_lo) / k_span;
    y[i] = (mean_ll[i] - *lo) / (*hi - *lo);
  }
  auto sse = [&](const Point& p) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double r = rational(p, x[i]) - y[i];
      s += r * r;
    }
    return s;
  };
  PlateauFit out;
  bool have = false;
  for (double scale : {0.5, 1.0, 2.0, 5.0, 10.0}) {
    double value = 0;
    const Point p = nelder_mead(sse, {0.0, scale, scale, 0.0}, &value);
    if (!have || value < out.sse) {  // SciPy's r.fun < best.fun: the first of equals
      out.params = p;
      out.sse = value;
      have = true;
    }
  }
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  double total = 0;
  for (double v : y) total += (v - mean) * (v - mean);
  out.r2 = 1 - out.sse / total;

  // numpy.linspace(0, 1, 300) and numpy.gradient on it (second order inside, first order
  // at the ends).
  constexpr int kGrid = 300;
  std::array<double, kGrid> grid, value, slope;
  const double step = 1.0 / (kGrid - 1);
  for (int i = 0; i < kGrid; ++i) grid[i] = i * step;
  grid[kGrid - 1] = 1.0;
  for (int i = 0; i < kGrid; ++i) value[i] = rational(out.params, grid[i]);
  slope[0] = (value[1] - value[0]) / (grid[1] - grid[0]);
  slope[kGrid - 1] = (value[kGrid - 1] - value[kGrid - 2]) / (grid[kGrid - 1] - grid[kGrid - 2]);
  for (int i = 1; i < kGrid - 1; ++i) {
    const double hs = grid[i] - grid[i - 1], hd = grid[i + 1] - grid[i];
    const double a = -hd / (hs * (hd + hs)), b = (hd - hs) / (hd * hs), c = hs / (hd * (hd + hs));
    slope[i] = a * value[i - 1] + b * value[i] + c * value[i + 1];
  }
  const double limit = threshold * *std::max_element(slope.begin(), slope.end());
  int at = kGrid - 1;
  for (int i = 0; i < kGrid; ++i) {
    if (slope[i] <= limit) {
      at = i;
      break;
    }
  }
  out.plateau_x = grid[at];
  out.best_k = static_cast<int>(std::nearbyint(out.plateau_x * k_span + k_lo));
  return out;
}

}  // namespace nmfkit::multimodal
