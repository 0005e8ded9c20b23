// Symmetric NMF (Kuang, Ding & Park 2012, "Symmetric nonnegative matrix factorization for
// graph clustering", SDM): min ‖A − W·Wᵀ‖² over W ≥ 0 for a symmetric similarity or
// graph matrix A. Solved as the authors' later ANLS formulation does (Kuang, Yun & Park
// 2015, "SymNMF: nonnegative low-rank approximation of a similarity matrix for graph
// clustering", J. Global Optim. 62, §4): two factors tied by a penalty,
//   min ½‖A − W·Hᵀ‖² + ½·α·‖W − H‖²,   W, H ≥ 0,
// alternating exact NNLS half-steps (block principal pivoting) on
//   G = HᵀH + α·I,  B = A·H + α·H
// and the same with W and H swapped. Each half-step is exact, so this objective never
// increases; the penalty drives W and H together, and the answer is the last H. α is
// max A_ij: of the scale of A's entries, so that the penalty matters from the start.

#include <cmath>
#include <limits>
#include <sstream>

#include "alternating_driver.hpp"
#include "fit_support.hpp"
#include "input_checks.hpp"
#include "models_fit.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/nnls.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

std::string number(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

// Throws when A is not symmetric to rounding (√ε of its largest entry), naming the
// largest asymmetry.
template <class T>
void check_symmetric(const DenseMatrix<T>& A, double largest) {
  double worst = 0;
  Index at_i = 0, at_j = 0;
  for (Index i = 0; i < A.rows(); ++i) {
    for (Index j = i + 1; j < A.cols(); ++j) {
      const double d = std::abs(static_cast<double>(A(i, j)) - static_cast<double>(A(j, i)));
      if (d > worst) {
        worst = d;
        at_i = i;
        at_j = j;
      }
    }
  }
  const double tolerance = std::sqrt(std::numeric_limits<T>::epsilon()) * largest;
  if (worst > tolerance) {
    throw InvalidArgument("symmetric NMF needs a symmetric matrix X: the largest asymmetry is "
                          "|X[" + std::to_string(at_i) + ", " + std::to_string(at_j) + "] - X[" +
                          std::to_string(at_j) + ", " + std::to_string(at_i) + "]| = |" +
                          number(A(at_i, at_j)) + " - " + number(A(at_j, at_i)) + "| = " +
                          number(worst) + " (0-based)");
  }
}

template <class T>
double largest_entry(const DenseMatrix<T>& A) {
  return A.size() ? static_cast<double>(A.cwiseAbs().maxCoeff()) : 0.0;
}
template <class T>
double largest_entry(const SparseMatrix<T>& A) {
  double largest = 0;
  for (Index p = 0; p < A.nonZeros(); ++p) {
    largest = std::max(largest, std::abs(static_cast<double>(A.valuePtr()[p])));
  }
  return largest;
}

template <class T>
void check_symmetric(const SparseMatrix<T>& A, double largest) {
  const SparseMatrix<T> transposed = A.transpose();
  const SparseMatrix<T> difference = A - transposed;
  double worst = 0;
  Index at_i = 0, at_j = 0;
  for (Index i = 0; i < difference.outerSize(); ++i) {
    for (typename SparseMatrix<T>::InnerIterator it(difference, i); it; ++it) {
      if (std::abs(static_cast<double>(it.value())) > worst) {
        worst = std::abs(static_cast<double>(it.value()));
        at_i = std::min<Index>(i, it.col());
        at_j = std::max<Index>(i, it.col());
      }
    }
  }
  const double tolerance = std::sqrt(std::numeric_limits<T>::epsilon()) * largest;
  if (worst > tolerance) {
    throw InvalidArgument("symmetric NMF needs a symmetric matrix X: the largest asymmetry is "
                          "|X[" + std::to_string(at_i) + ", " + std::to_string(at_j) + "] - X[" +
                          std::to_string(at_j) + ", " + std::to_string(at_i) + "]| = |" +
                          number(A.coeff(at_i, at_j)) + " - " + number(A.coeff(at_j, at_i)) +
                          "| = " + number(worst) + " (0-based)");
  }
}

template <class T, class Op>
class SymmetricSteps {
 public:
  SymmetricSteps(const Op& op, double alpha) : op_(op), alpha_(alpha) {
    nnls_.method = NnlsMethod::BlockPivoting;
  }

  double update(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F, Reuse) {
    op_.gram(O, G_);
    op_.rhs(side, O, B_);
    DenseMatrix<T> G = G_;
    G.diagonal().array() += static_cast<T>(alpha_);
    const DenseMatrix<T> B = B_ + static_cast<T>(alpha_) * O;
    solve_nnls_rows(G, B, F, nnls_);
    const double error = squared_error_after(op_, F, O, B_, G_, side);
    return 0.5 * error + 0.5 * alpha_ * static_cast<double>((F - O).squaredNorm());
  }
  double kkt() const { return std::numeric_limits<double>::quiet_NaN(); }

 private:
  const Op& op_;
  double alpha_;
  NnlsOptions nnls_;
  DenseMatrix<T> G_, B_;
};

}  // namespace

template <class T, class Matrix>
NmfResult<T> fit_symmetric(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                           const Progress& progress) {
  if (X.rows() != X.cols()) {
    throw InvalidArgument("symmetric NMF needs a square matrix X, got shape (" +
                          std::to_string(X.rows()) + ", " + std::to_string(X.cols()) + ")");
  }
  check_nmf_input(X, 2.0);
  const double largest = largest_entry(X);
  check_symmetric(X, largest);
  const Index n = X.rows();
  SolverSettings settings = settings_for(options, n, n, progress);
  const Penalties& p = settings.penalties;
  if (p.l1_W != 0 || p.l2_W != 0 || p.l1_H != 0 || p.l2_H != 0) {
    throw InvalidArgument("symmetric NMF takes no alpha_W or alpha_H (its one factor is W)");
  }
  settings.extrapolate = false;
  NmfResult<T> result;
  start_model<T>(X, n, n, options, custom, result);
  const auto op = operator_for<T>(X);
  SymmetricSteps<T, std::decay_t<decltype(op)>> steps(op, largest);
  SolveReport report = alternate_on<T>(steps, result.W, result.H, true, settings, 0.0);
  // The H half-step came last: its factor is the answer, A ≈ H·Hᵀ.
  result.W = result.H.transpose();
  finish_model<T>(X, options, std::move(report), "symmetric-anls", result);
  return result;
}

#define NMFKIT_INSTANTIATE_SYMMETRIC(T, Matrix)                                                \
  template NmfResult<T> fit_symmetric(const Matrix&, const NmfOptions&, const Factors<T>*, \
                                      const Progress&);
NMFKIT_INSTANTIATE_SYMMETRIC(float, DenseMatrix<float>)
NMFKIT_INSTANTIATE_SYMMETRIC(float, SparseMatrix<float>)
NMFKIT_INSTANTIATE_SYMMETRIC(double, DenseMatrix<double>)
NMFKIT_INSTANTIATE_SYMMETRIC(double, SparseMatrix<double>)
#undef NMFKIT_INSTANTIATE_SYMMETRIC

}  // namespace nmfkit
