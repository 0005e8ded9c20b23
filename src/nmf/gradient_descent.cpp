#include "gradient_descent.hpp"

#include <chrono>
#include <cmath>
#include <type_traits>

#include "alternating_driver.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/gram_loss.hpp"
#include "nmfkit/linalg/sparse_operator.hpp"
#include "iteration_report.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

// ‖min(F − μ, 0)‖²: the notebook's penalty term, without its weight.
template <class T>
double below_floor(const DenseMatrix<T>& F, double floor) {
  return static_cast<double>((F.array() - static_cast<T>(floor)).min(T(0)).square().sum());
}

// Adam's running moments of one factor's gradient.
template <class T>
struct Moments {
  DenseMatrix<T> first, second;
};

template <class T>
class GradientSteps {
 public:
  GradientSteps(GradientStep kind, double rate, double penalty)
      : kind_(kind), rate_(rate), penalty_(penalty) {}

  // One step of F along its gradient ∇ = F·G − B + λ·min(F − μ, 0) (G, B: the products at
  // the current point, G the fixed factor's Gram matrix, B the right-hand sides).
  void step(const DenseMatrix<T>& G, const DenseMatrix<T>& B, DenseMatrix<T>& F,
            Moments<T>& moments, int t) const {
    using Floor = GradientDescent<T>;
    DenseMatrix<T> grad = F * G - B;
    grad.array() +=
        static_cast<T>(penalty_) * (F.array() - static_cast<T>(Floor::kFloor)).min(T(0));
    const T rate = static_cast<T>(rate_);
    if (kind_ == GradientStep::Plain) {
      F -= rate * grad;
      return;
    }
    constexpr double beta1 = 0.9, beta2 = 0.9, eps = 1e-8;  // the notebook's betas
    if (moments.first.size() == 0) {
      moments.first = DenseMatrix<T>::Zero(F.rows(), F.cols());
      moments.second = DenseMatrix<T>::Zero(F.rows(), F.cols());
    }
    moments.first = T(beta1) * moments.first + T(1 - beta1) * grad;
    moments.second.array() =
        T(beta2) * moments.second.array() + T(1 - beta2) * grad.array().square();
    const T correction1 = static_cast<T>(1 - std::pow(beta1, t));
    const T correction2 = static_cast<T>(std::sqrt(1 - std::pow(beta2, t)));
    F.array() -= (rate / correction1) * moments.first.array() /
                 (moments.second.array().sqrt() / correction2 + T(eps));
  }

  void decay_after(int iteration) {
    if (kind_ == GradientStep::Plain &&
        (iteration - 1) % GradientDescent<T>::kDecayEvery == 0) {
      rate_ *= GradientDescent<T>::kDecay;
    }
  }

 private:
  GradientStep kind_;
  double rate_;
  double penalty_;
};

// The products at (W, Ht) that both the gradient and the objective need.
template <class T>
struct Products {
  DenseMatrix<T> gram_W, gram_H;  // WᵀW, HHᵀ
  DenseMatrix<T> rhs_W, rhs_H;    // XHᵀ, XᵀW
  double objective = 0;
};

template <class T, class Op>
void evaluate(const Op& op, const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, bool update_H,
              double penalty, Products<T>& p) {
  op.gram(Ht, p.gram_H);
  op.rhs(Side::Rows, Ht, p.rhs_W);
  op.gram(W, p.gram_W);
  if (update_H) op.rhs(Side::Columns, W, p.rhs_H);
  linalg::GramTrickTerms terms;
  terms.data = linalg::frobenius_inner(W, p.rhs_W);
  terms.grams = linalg::frobenius_inner(p.gram_W, p.gram_H);
  const double floor = GradientDescent<T>::kFloor;
  p.objective = 0.5 * op.squared_error(W, Ht, terms) +
                0.5 * penalty * (below_floor(W, floor) + below_floor(Ht, floor));
}

template <class T, class Matrix>
auto operator_for(const Matrix& X) {
  if constexpr (std::is_same_v<Matrix, DenseMatrix<T>>) {
    return linalg::DenseOperator<T>(X);
  } else {
    return linalg::SparseOperator<T>(X);
  }
}

}  // namespace

template <class T>
template <class Matrix>
SolveReport GradientDescent<T>::run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                                    bool update_H) const {
  const auto op = operator_for<T>(X);
  const SolverSettings& s = settings_;
  const auto start = std::chrono::steady_clock::now();
  const double rate =
      s.learning_rate.value_or(step_ == GradientStep::Plain ? kPlainRate : kAdamRate);
  GradientSteps<T> steps(step_, rate, s.penalty);
  DenseMatrix<T> Ht = H.transpose();
  Moments<T> moments_W, moments_H;
  Products<T> at;
  evaluate(op, W, Ht, update_H, s.penalty, at);
  SolveReport report;
  int calm = 0;
  for (int iteration = 1; iteration <= s.max_iter; ++iteration) {
    s.progress.check_cancelled();
    const double before = at.objective;
    // Both factors step from the same point, as the notebook's upd_t does.
    steps.step(at.gram_H, at.rhs_W, W, moments_W, iteration);
    if (update_H) steps.step(at.gram_W, at.rhs_H, Ht, moments_H, iteration);
    steps.decay_after(iteration);
    evaluate(op, W, Ht, update_H, s.penalty, at);
    report.objective.push_back(at.objective);
    report.seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    report.n_iter = iteration;
    if (!std::isfinite(at.objective)) {
      throw Error("the gradient steps diverged (objective not finite at iteration " +
                  std::to_string(iteration) + "); lower the learning rate (now " +
                  format_objective(rate) + ")");
    }
    if (s.verbose) {
      s.progress.message("iteration " + std::to_string(iteration) + ", objective " +
                         format_objective(at.objective));
    }
    // A step that increased the objective says nothing about convergence (the steps are not
    // monotone); only small decreases count, so tol = 0 runs max_iter iterations.
    const double decrease = (before - at.objective) / std::max(at.objective, 1e-300);
    report_iteration(s.progress, iteration, s.max_iter, "change", decrease, s.tol);
    calm = decrease >= 0 && decrease < s.tol ? calm + 1 : 0;
    if (at.objective == 0 || calm >= s.patience) break;
  }
  report_last_iteration(s.progress, report.n_iter);
  // The iterates may hold small negative entries; the model is the non-negative part.
  W = W.cwiseMax(T(0));
  if (update_H) H = Ht.transpose().cwiseMax(T(0));
  return report;
}

NMFKIT_INSTANTIATE_SOLVER(GradientDescent)

}  // namespace nmfkit
