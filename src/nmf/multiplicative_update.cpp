#include "multiplicative_update.hpp"

#include "multiplicative_terms.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/partition.hpp"
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
  // Over several processes, each updates a block of W's rows and of H's columns from its
  // rows and columns of X and M, and the blocks are gathered: every entry is computed as
  // one process computes it. The error is taken over X whole, as one process takes it.
  const dist::Comm* comm = s.comm && s.comm->size() > 1 ? s.comm : nullptr;
  const int me = comm ? comm->rank() : 0;
  const std::vector<Index> row_blocks = dist::balanced_offsets(X.rows(), comm ? comm->size() : 1);
  const std::vector<Index> column_blocks =
      dist::balanced_offsets(X.cols(), comm ? comm->size() : 1);
  const Index first_row = row_blocks[me], row_count = row_blocks[me + 1] - first_row;
  const Index first_col = column_blocks[me], col_count = column_blocks[me + 1] - first_col;
  const DenseMatrix<T> X_rows = comm ? X.middleRows(first_row, row_count) : DenseMatrix<T>();
  const DenseMatrix<T> M_rows = comm ? M.middleRows(first_row, row_count) : DenseMatrix<T>();
  const DenseMatrix<T> X_cols = comm ? X.middleCols(first_col, col_count) : DenseMatrix<T>();
  const DenseMatrix<T> M_cols = comm ? M.middleCols(first_col, col_count) : DenseMatrix<T>();
  DenseMatrix<T> WH, ratio, power, num, den, mine;
  const double error_at_init = weighted_error(X, M, W, H, s.beta);
  double previous_error = error_at_init;
  int n_iter = 1;
  for (; n_iter <= s.max_iter; ++n_iter) {
    s.progress.check_cancelled();
    // One process updates W and H in place; several update a copy of their block.
    DenseMatrix<T>& W_mine = comm ? (mine = W.middleRows(first_row, row_count)) : W;
    WH.noalias() = W_mine * H;
    weighted_terms(comm ? X_rows : X, comm ? M_rows : M, WH, s.beta, ratio, power);
    num.noalias() = ratio * H.transpose();
    den.noalias() = power * H.transpose();
    apply_update(W_mine, num, den, s.penalties.l1_W, s.penalties.l2_W, gamma);
    if (s.beta < 1) zero_below(W_mine, kFloat64Epsilon);
    if (comm) {
      W.middleRows(first_row, row_count) = mine;
      comm->gather_rows(W.data(), row_blocks, W.cols());
    }
    if (update_H) {
      DenseMatrix<T>& H_mine = comm ? (mine = H.middleCols(first_col, col_count)) : H;
      WH.noalias() = W * H_mine;
      weighted_terms(comm ? X_cols : X, comm ? M_cols : M, WH, s.beta, ratio, power);
      num.noalias() = W.transpose() * ratio;
      den.noalias() = W.transpose() * power;
      apply_update(H_mine, num, den, s.penalties.l1_H, s.penalties.l2_H, gamma);
      if (s.beta <= 1) zero_below(H_mine, kFloat64Epsilon);
      if (comm) {
        H.middleCols(first_col, col_count) = mine;
        DenseMatrix<T> Ht = H.transpose();
        comm->gather_rows(Ht.data(), column_blocks, Ht.cols());
        H = Ht.transpose();
      }
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
