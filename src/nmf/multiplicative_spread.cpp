// 'mu' on X spread over processes (multiplicative_update.hpp). Its own file: the data
// operator's column_sums and NumPy's (numpy_arithmetic.hpp) have the same signature.

#include <chrono>
#include <cstdio>
#include <string>

#include "multiplicative_terms.hpp"
#include "multiplicative_update.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/distributed_operator.hpp"

namespace nmfkit {

namespace {

using namespace mu;

// np.sum(W, axis=0), as linalg::column_sums in numpy_arithmetic.hpp adds it.
template <class T>
Vector<T> numpy_column_sums(const DenseMatrix<T>& A) {
  if (A.cols() == 1) return Vector<T>::Constant(1, linalg::numpy_sum(A.data(), A.rows()));
  Vector<T> sums = Vector<T>::Zero(A.cols());
  for (Index i = 0; i < A.rows(); ++i) sums += A.row(i).transpose();
  return sums;
}

}  // namespace

// The loop of run() with the products through the distributed operator. β = 2:
// W ← W ⊙ XHᵀ ⊘ W(HHᵀ); β = 1: W ← W ⊙ ((X ⊘ WH)Hᵀ) ⊘ (1 Hᵀ); H alike.
template <class T>
template <class Op>
SolveReport MultiplicativeUpdate<T>::run_spread(const Op& X, DenseMatrix<T>& W,
                                                DenseMatrix<T>& H, bool update_H) const {
  const auto& s = settings_;
  if (s.beta != 2 && s.beta != 1) {
    throw InvalidArgument("solver 'mu' over several processes takes beta_loss 2 (frobenius) "
                          "or 1 (kullback-leibler), not " + std::to_string(s.beta) +
                          "; run other beta losses in one process");
  }
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  DenseMatrix<T> Ht = H.transpose();
  const auto error_of = [&] { return linalg::divergence_to_error(X.divergence(W, Ht, s.beta)); };
  const double gamma = exponent_gamma(s.beta);
  DenseMatrix<T> gram, product, num, den;
  const double error_at_init = error_of();
  double previous_error = error_at_init;
  int n_iter = 1;
  bool printed_last = false;
  for (; n_iter <= s.max_iter; ++n_iter) {
    s.progress.check_cancelled();
    if (s.beta == 2) {
      X.rhs(linalg::Side::Rows, Ht, num);
      X.gram(Ht, gram);
      den.noalias() = W * gram;
    } else {
      X.divided_rhs(linalg::Side::Rows, W, Ht, num);
      const Vector<T> sums = linalg::row_sums(H);
      den.resize(W.rows(), H.rows());
      den.rowwise() = sums.transpose();
    }
    apply_update(W, num, den, s.penalties.l1_W, s.penalties.l2_W, gamma);
    if (update_H) {
      if (s.beta == 2) {
        X.rhs(linalg::Side::Columns, W, product);
        num = product.transpose();
        X.gram(W, gram);
        den.noalias() = gram * H;
      } else {
        X.divided_rhs(linalg::Side::Columns, Ht, W, product);
        num = product.transpose();
        Vector<T> sums = numpy_column_sums(W);
        for (Index r = 0; r < sums.size(); ++r) {
          if (sums[r] == T(0)) sums[r] = T(1);
        }
        den.resize(W.cols(), H.cols());
        den.colwise() = sums;
      }
      apply_update(H, num, den, s.penalties.l1_H, s.penalties.l2_H, gamma);
      if (s.beta <= 1) zero_below(H, kFloat64Epsilon);
      Ht = H.transpose();
    }
    printed_last = false;
    if (s.tol > 0 && n_iter % 10 == 0) {
      const double error = error_of();
      if (s.verbose) s.progress.message(mu_epoch_line(n_iter, elapsed(), &error));
      printed_last = true;
      if ((previous_error - error) / error_at_init < s.tol) break;
      previous_error = error;
    }
  }
  n_iter = std::min(n_iter, s.max_iter);
  if (s.verbose && !printed_last) s.progress.message(mu_epoch_line(n_iter, elapsed(), nullptr));
  SolveReport report;
  report.n_iter = n_iter;
  return report;
}

template <class T>
template <class Matrix>
SolveReport MultiplicativeUpdate<T>::run_spread_whole(const Matrix& X, DenseMatrix<T>& W,
                                                      DenseMatrix<T>& H, bool update_H) const {
  return run_spread(dist::DistributedOperator<T, Matrix>(X, *settings_.comm, settings_.grid), W,
                    H, update_H);
}

#define NMFKIT_INSTANTIATE(T)                                                                    \
  template SolveReport MultiplicativeUpdate<T>::run_spread_whole(                                \
      const DenseMatrix<T>&, DenseMatrix<T>&, DenseMatrix<T>&, bool) const;                      \
  template SolveReport MultiplicativeUpdate<T>::run_spread_whole(                                \
      const SparseMatrix<T>&, DenseMatrix<T>&, DenseMatrix<T>&, bool) const;                     \
  template SolveReport MultiplicativeUpdate<T>::run_spread(                                      \
      const dist::DistributedOperator<T, DenseMatrix<T>>&, DenseMatrix<T>&, DenseMatrix<T>&,     \
      bool) const;                                                                               \
  template SolveReport MultiplicativeUpdate<T>::run_spread(                                      \
      const dist::DistributedOperator<T, SparseMatrix<T>>&, DenseMatrix<T>&, DenseMatrix<T>&,    \
      bool) const;
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit
