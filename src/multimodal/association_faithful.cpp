// mTopic's feature_associations for one target, step for step: x = softmax(z/τ) from
// z = 0.1, the loss of docs/associations.md (§ faithful) and torch.optim.Adam's update with
// its defaults, for a fixed number of full-batch steps. The gradient is written out rather
// than taken by automatic differentiation; it is the same function, so the iterates agree
// with PyTorch's up to rounding.

#include <cmath>

#include "association_solvers.hpp"

namespace nmfkit::multimodal::detail {

namespace {
// mTopic's constants: the eps inside every log and power, and Adam's hard-coded settings.
constexpr double kEps = 1e-6;
constexpr double kLearningRate = 1e-4;
constexpr double kBeta1 = 0.9;
constexpr double kBeta2 = 0.999;
constexpr double kAdamEps = 1e-8;

using Array = Eigen::Map<Eigen::ArrayXd>;
using Block =
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

void softmax(const Array& z, double temperature, Array& x) {
  x = z / temperature;
  x = (x - x.maxCoeff()).exp();
  x /= x.sum();
}
}  // namespace

void FaithfulSolver::reserve(Index T, Index n) {
  for (auto* buffer : {&z_, &x_, &u_, &g_, &m_, &v_, &tmp_}) {
    if (static_cast<Index>(buffer->size()) < n) buffer->resize(n);
  }
  if (static_cast<Index>(r_.size()) < T) r_.resize(T);
}

TargetFit FaithfulSolver::solve(const double* a_data, const double* B_data, Index T, Index n,
                                double* x_out) {
  reserve(T, n);
  Array z(z_.data(), n), x(x_.data(), n), u(u_.data(), n), g(g_.data(), n), m(m_.data(), n),
      v(v_.data(), n), tmp(tmp_.data(), n), r(r_.data(), T);
  const Eigen::Map<const Eigen::ArrayXd> a(a_data, T);
  const Block B(B_data, T, n);
  const double tau = options_.temperature;
  const double lambda_reg = options_.lambda_reg;
  // The entropy and spread terms are one functional with opposite signs (spec bug 4).
  const double entropy_weight = options_.lambda_spread - options_.lambda_entropy;

  z.setConstant(0.1);
  m.setZero();
  v.setZero();
  for (int step = 1; step <= options_.n_epochs; ++step) {
    softmax(z, tau, x);
    // Data term −Σ_t a_t log((Bx)_t + eps): its gradient in x is −Bᵀ(a / (Bx + eps)).
    r.matrix().noalias() = B * x.matrix();
    r = a / (r + kEps);
    u.matrix().noalias() = B.transpose() * r.matrix();
    // g = ∂L/∂x = −u + λ_reg (0.1 (x+eps)^−0.9 + 1/(x+eps))
    //             + (λ_s − λ_e)(log(x+eps) + x/(x+eps)).
    tmp = x + kEps;
    g = tmp.log();
    tmp = tmp.inverse();
    g = lambda_reg * (0.1 * (-0.9 * g).exp() + tmp) + entropy_weight * (g + x * tmp) - u;
    // Through the softmax: ∂L/∂z_q = x_q (g_q − Σ_p x_p g_p) / τ.
    const double mean = (x * g).sum();
    g = x * (g - mean) / tau;
    // torch.optim.Adam (no weight decay, no amsgrad), in the order PyTorch evaluates it.
    m = m * kBeta1 + g * (1 - kBeta1);
    v = v * kBeta2 + (1 - kBeta2) * g * g;
    const double step_size = kLearningRate / (1 - std::pow(kBeta1, step));
    const double correction2 = std::sqrt(1 - std::pow(kBeta2, step));
    z -= step_size * m / (v.sqrt() / correction2 + kAdamEps);
  }
  softmax(z, tau, x);

  TargetFit fit;
  fit.iterations = options_.n_epochs;
  fit.converged = false;
  fit.n_sources = n;
  r.matrix().noalias() = B * x.matrix();
  tmp = x + kEps;
  const double data = (a * ((a + kEps).log() - (r + kEps).log())).sum();
  fit.loss = data + lambda_reg * (tmp.pow(0.1).sum() + tmp.log().sum()) +
             entropy_weight * (x * tmp.log()).sum();
  for (Index p = 0; p < n; ++p) x_out[p] = x[p];
  return fit;
}

}  // namespace nmfkit::multimodal::detail
