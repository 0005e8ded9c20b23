#include "alternating_nnls.hpp"

#include <cmath>
#include <limits>

#include "alternating_driver.hpp"
#include "nmfkit/linalg/gram_loss.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

// Accelerated HALS's sweep budget (Gillis & Glineur): 1 + ½·ρ, where ρ is what forming
// the products costs relative to one sweep over the rows.
int hals_sweeps(double product, Index fixed_rows, Index updated_rows, Index k) {
  const double kk = static_cast<double>(k) * static_cast<double>(k);
  const double gram = static_cast<double>(fixed_rows) * kk;
  const double sweep = static_cast<double>(updated_rows) * kk;
  return 1 + static_cast<int>(0.5 * (product + gram) / sweep);
}

NnlsOptions nnls_options(RowSolver solver, int hals_budget) {
  NnlsOptions o;
  switch (solver) {
    case RowSolver::Hals:
      o.max_sweeps = hals_budget;
      o.tol = 0;
      o.first_step_ratio = 0.01;
      break;
    case RowSolver::CoordinateDescent:
      o.max_sweeps = 100;
      o.tol = 1e-8;
      break;
    case RowSolver::BlockPivoting:
      o.method = NnlsMethod::BlockPivoting;
      break;
  }
  return o;
}

// The half-steps of one fit: per side, the Gram matrix of the fixed factor and the
// right-hand sides (penalties folded in), kept for the objective and for reuse.
template <class T, class Op>
class GramSteps {
 public:
  GramSteps(const Op& op, const Penalties& p, RowSolver solver, Index k) : op_(op) {
    const double product = static_cast<double>(op.nonzeros()) * static_cast<double>(k);
    sides_[0].set(p.l1_W, p.l2_W,
                  nnls_options(solver, hals_sweeps(product, op.cols(), op.rows(), k)));
    sides_[1].set(p.l1_H, p.l2_H,
                  nnls_options(solver, hals_sweeps(product, op.rows(), op.cols(), k)));
  }

  double update(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F, Reuse reuse) {
    SideState& s = sides_[side == Side::Rows ? 0 : 1];
    if (reuse != Reuse::Products) {
      if (reuse == Reuse::FixedGram) {
        std::swap(s.G, gram_last_);
      } else {
        op_.gram(O, s.G);
      }
      op_.rhs(side, O, s.B);
      if (s.l2 != 0) s.G.diagonal().array() += static_cast<T>(s.l2);
      if (s.l1 != 0) s.B.array() -= static_cast<T>(s.l1);
    }
    const NnlsOptions& options = s.nnls;
    op_.solve_gram_rows(side, s.G, s.B, O, s.l2, F, [&](const DenseMatrix<T>& G, const T* b, T* x) {
      solve_nnls(G, b, x, options);
    });
    op_.gram(F, gram_last_);
    // The Gram trick's terms without the penalties folded into G and B.
    linalg::GramTrickTerms terms;
    terms.data = linalg::frobenius_inner(F, s.B) + s.l1 * static_cast<double>(F.sum());
    terms.grams =
        linalg::frobenius_inner(gram_last_, s.G) - s.l2 * static_cast<double>(gram_last_.trace());
    const SideState& o = sides_[side == Side::Rows ? 1 : 0];
    const bool rows = side == Side::Rows;
    const double error = op_.squared_error(rows ? F : O, rows ? O : F, terms);
    return 0.5 * error + penalty(F, s.l1, s.l2) + penalty(O, o.l1, o.l2);
  }
  double kkt() const { return std::numeric_limits<double>::quiet_NaN(); }

 private:
  struct SideState {
    double l1 = 0, l2 = 0;
    NnlsOptions nnls;
    DenseMatrix<T> G;  // OᵀO + l2·I
    DenseMatrix<T> B;  // rhs − l1

    void set(double l1_penalty, double l2_penalty, const NnlsOptions& options) {
      l1 = l1_penalty;
      l2 = l2_penalty;
      nnls = options;
    }
  };
  const Op& op_;
  SideState sides_[2];
  DenseMatrix<T> gram_last_;  // FᵀF of the factor updated last
};

}  // namespace

template <class T>
template <class Op>
SolveReport AlternatingNnls<T>::run(const Op& op, DenseMatrix<T>& W, DenseMatrix<T>& H,
                                    bool update_H) const {
  GramSteps<T, Op> steps(op, settings_.penalties, row_solver_, W.cols());
  return alternate_on<T>(steps, W, H, update_H, settings_, 0.0);
}

NMFKIT_INSTANTIATE_OPERATOR_SOLVER(AlternatingNnls)

}  // namespace nmfkit
