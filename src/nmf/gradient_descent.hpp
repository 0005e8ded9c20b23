#pragma once
// Gradient NMF as seed 004's notebook ("Topic Modelling using NMF and SVD", sections
// "Gradient Descent" and "Pytorch Implementation") writes it: plain gradient steps on
//   f(W, H) = ½‖X − WH‖² + ½·λ·(‖min(W − μ, 0)‖² + ‖min(H − μ, 0)‖²),   μ = 1e-5,
// both factors stepped from the same point,
//   W ← W − η·((WH − X)Hᵀ + λ·min(W − μ, 0)),  H ← H − η·(Wᵀ(WH − X) + λ·min(H − μ, 0)),
// with the notebook's learning-rate decay (η ← 0.9·η after iterations 1, 101, 201, ...).
// The factors are not projected: the penalty only pulls negative entries back, so the
// iterates may hold small negative values; the returned factors are clipped at 0 so that
// the model is an NMF.
//
// "adam" feeds the same gradient to Adam (Kingma & Ba 2015) with the notebook's betas
// (0.9, 0.9) and ε = 1e-8, at a constant step (the notebook's decay of `lr` never reached
// its optimizer). The notebook's Adam cell differentiates ‖X − WH‖ (not squared) plus a
// penalty averaged over entries with λ = 1e-6; Adam's steps hardly depend on the
// gradient's scale, so one objective serves both solvers here.
//
// The products go through the data-operator seam — (WH − X)Hᵀ = W·(HHᵀ) − XHᵀ — so sparse X
// is never densified. The objective is computed every iteration (Gram trick) and the
// stopping rule is the seam solvers': relative decrease below tol for `patience`
// iterations in a row, where an increase does not count (neither update is monotone).

#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

enum class GradientStep { Plain, Adam };

template <class T>
class GradientDescent final : public SolverFor<GradientDescent<T>, T> {
 public:
  GradientDescent(SolverSettings settings, GradientStep step)
      : settings_(std::move(settings)), step_(step) {}

  template <class Matrix>
  SolveReport run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;

  static constexpr double kPlainRate = 0.05;  // the notebook's lr for its gradient steps
  static constexpr double kAdamRate = 1e-3;   // the notebook's lr for torch.optim.Adam
  static constexpr double kFloor = 1e-5;      // μ: entries below it are penalised
  static constexpr int kDecayEvery = 100;     // the notebook's `if i % 100 == 0: lr *= 0.9`
  static constexpr double kDecay = 0.9;

 private:
  SolverSettings settings_;
  GradientStep step_;
};

}  // namespace nmfkit
