#include "multiplicative_update.hpp"

#include "multiplicative_terms.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "nmfkit/dist/comm.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/products.hpp"
#include "weighted_rows.hpp"
#include "iteration_report.hpp"

namespace nmfkit {

std::string mu_epoch_line(int n_iter, double seconds, const double* error) {
  char line[128];
  if (error) {
    std::snprintf(line, sizeof line, "Epoch %02d reached after %.3f seconds, error: %f", n_iter,
                  seconds, *error);
  } else {
    std::snprintf(line, sizeof line, "Epoch %02d reached after %.3f seconds.", n_iter, seconds);
  }
  return line;
}

namespace {

using namespace mu;


}  // namespace

template <class T>
template <class Matrix>
SolveReport MultiplicativeUpdate<T>::run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                                 bool update_H) const {
  const auto& s = settings_;
  if (s.comm && s.comm->size() > 1) {  // one process: the exact single-process updates
    return run_spread_whole(X, W, H, update_H);
  }
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const auto error_of = [&] {
    return linalg::divergence_to_error(linalg::beta_divergence(X, W, H, s.beta));
  };
  const auto Xt = linalg::transpose_for_products(X);
  Updater<T> updater(s, exponent_gamma(s.beta));

  const double error_at_init = error_of();
  double previous_error = error_at_init;
  int n_iter = 1;
  bool printed_last = false;
  for (; n_iter <= s.max_iter; ++n_iter) {
    s.progress.check_cancelled();
    updater.update_W(X, W, H, /*H_fixed=*/!update_H);
    if (s.beta < 1) zero_below(W, kFloat64Epsilon);
    if (update_H) {
      updater.update_H(X, Xt, W, H);
      if (s.beta <= 1) zero_below(H, kFloat64Epsilon);
    }
    printed_last = false;
    if (s.tol > 0 && n_iter % 10 == 0) {
      const double error = error_of();
      if (s.verbose) s.progress.message(mu_epoch_line(n_iter, elapsed(), &error));
      printed_last = true;
      report_iteration(s.progress, n_iter, s.max_iter, "change",
                       (previous_error - error) / error_at_init, s.tol);
      if ((previous_error - error) / error_at_init < s.tol) break;
      previous_error = error;
    } else {
      report_iteration(s.progress, n_iter, s.max_iter);
    }
  }
  n_iter = std::min(n_iter, s.max_iter);
  report_last_iteration(s.progress, n_iter);
  if (s.verbose && !printed_last) s.progress.message(mu_epoch_line(n_iter, elapsed(), nullptr));
  SolveReport report;
  report.n_iter = n_iter;
  return report;
}

namespace {

template <class T>
DenseMatrix<T> dense_copy(const DenseMatrix<T>& X) {
  return X;
}
template <class T>
DenseMatrix<T> dense_copy(const SparseMatrix<T>& X) {
  return DenseMatrix<T>(X.toDense());
}

// num = (M ⊙ X ⊙ WH^(β−2)) and den = (M ⊙ WH^(β−1)) as m×n matrices.
template <class T>
void weighted_terms(const DenseMatrix<T>& X, const DenseMatrix<T>& M, const DenseMatrix<T>& WH,
                    double beta, DenseMatrix<T>& ratio, DenseMatrix<T>& power) {
  ratio.resize(X.rows(), X.cols());
  power.resize(X.rows(), X.cols());
  for (Index i = 0; i < X.size(); ++i) {
    const T m = M.data()[i];
    if (m == T(0)) {
      ratio.data()[i] = T(0);
      power.data()[i] = T(0);
      continue;
    }
    const T wh = WH.data()[i];
    ratio.data()[i] = m * (beta == 2 ? X.data()[i] : weighted_ratio(X.data()[i], wh, beta));
    power.data()[i] = m * (beta == 2 ? wh : guarded_power(wh, beta));
  }
}

template <class T>
double weighted_error(const DenseMatrix<T>& X, const DenseMatrix<T>& M, const DenseMatrix<T>& W,
                      const DenseMatrix<T>& H, double beta) {
  const DenseMatrix<T> WH = W * H;
  double sum = 0;
  for (Index i = 0; i < X.size(); ++i) {
    const double m = static_cast<double>(M.data()[i]);
    if (m == 0) continue;
    sum += m * detail::entry_divergence(static_cast<double>(X.data()[i]),
                                        static_cast<double>(WH.data()[i]), beta);
  }
  return linalg::divergence_to_error(sum);
}

}  // namespace

template <class T>
template <class Matrix>
SolveReport MultiplicativeUpdate<T>::run_weighted(const Matrix& X_given,
                                                  const EntryWeights<T>& weights,
                                                  DenseMatrix<T>& W, DenseMatrix<T>& H,
                                                  bool update_H) const {
  const auto& s = settings_;
  const auto start = std::chrono::steady_clock::now();
  const DenseMatrix<T> X = dense_copy(X_given);
  DenseMatrix<T> M(X.rows(), X.cols());
  {
    const auto side = detail::row_side(weights, X_given);
    std::vector<T> row;
    for (Index i = 0; i < X.rows(); ++i) {
      side.dense_weights(i, row);
      for (Index c = 0; c < X.cols(); ++c) M(i, c) = row[static_cast<std::size_t>(c)];
    }
  }
  const double gamma = exponent_gamma(s.beta);
  DenseMatrix<T> WH, ratio, power, num, den;
  const double error_at_init = weighted_error(X, M, W, H, s.beta);
  double previous_error = error_at_init;
  int n_iter = 1;
  for (; n_iter <= s.max_iter; ++n_iter) {
    s.progress.check_cancelled();
    WH.noalias() = W * H;
    weighted_terms(X, M, WH, s.beta, ratio, power);
    num.noalias() = ratio * H.transpose();
    den.noalias() = power * H.transpose();
    apply_update(W, num, den, s.penalties.l1_W, s.penalties.l2_W, gamma);
    if (s.beta < 1) zero_below(W, kFloat64Epsilon);
    if (update_H) {
      WH.noalias() = W * H;
      weighted_terms(X, M, WH, s.beta, ratio, power);
      num.noalias() = W.transpose() * ratio;
      den.noalias() = W.transpose() * power;
      apply_update(H, num, den, s.penalties.l1_H, s.penalties.l2_H, gamma);
      if (s.beta <= 1) zero_below(H, kFloat64Epsilon);
    }
    if (s.tol > 0 && n_iter % 10 == 0) {
      const double error = weighted_error(X, M, W, H, s.beta);
      if (s.verbose) {
        s.progress.message(mu_epoch_line(
            n_iter, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            &error));
      }
      report_iteration(s.progress, n_iter, s.max_iter, "change",
                       (previous_error - error) / error_at_init, s.tol);
      if ((previous_error - error) / error_at_init < s.tol) break;
      previous_error = error;
    } else {
      report_iteration(s.progress, n_iter, s.max_iter);
    }
  }
  n_iter = std::min(n_iter, s.max_iter);
  report_last_iteration(s.progress, n_iter);
  SolveReport report;
  report.n_iter = n_iter;
  return report;
}

NMFKIT_INSTANTIATE_SOLVER(MultiplicativeUpdate)
NMFKIT_INSTANTIATE_WEIGHTED_SOLVER(MultiplicativeUpdate)

}  // namespace nmfkit
