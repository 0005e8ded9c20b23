#include "alternating_nnls.hpp"

#include <chrono>
#include <cmath>
#include <optional>
#include <type_traits>
#include <sstream>

#include "nmfkit/linalg/gram_loss.hpp"
#include "nmfkit/linalg/products.hpp"
#include "weighted_rows.hpp"

namespace nmfkit {

namespace {

// Multiply-adds of one product X·F (rows × k): every stored entry meets k columns.
template <class T>
double product_cost(const SparseMatrix<T>& X, Index k) {
  return static_cast<double>(X.nonZeros()) * static_cast<double>(k);
}
template <class Derived>
double product_cost(const Eigen::MatrixBase<Derived>& X, Index k) {
  return static_cast<double>(X.rows()) * static_cast<double>(X.cols()) * static_cast<double>(k);
}

// One side of the alternation: the factor F (rows × k, a row per sample or per feature)
// updated against the fixed factor O, with the products kept for the objective.
template <class T>
struct HalfStep {
  DenseMatrix<T> gram_O;  // OᵀO + l2·I
  DenseMatrix<T> XO;      // X·O − l1
  double l1 = 0, l2 = 0;
  NnlsOptions nnls;

  // known_gram: OᵀO when the caller has it already; products_fresh = false reuses the
  // products of the previous call (O has not changed).
  template <class Data>
  void update(const Data& X, const DenseMatrix<T>& O, DenseMatrix<T>& F, bool products_fresh,
              const DenseMatrix<T>* known_gram = nullptr,
              const detail::WeightSide<T>* weights = nullptr) {
    if (products_fresh) {
      if (known_gram) {
        gram_O = *known_gram;
      } else {
        linalg::gram(O, gram_O);
      }
      linalg::multiply(X, O, XO);
      if (l2 != 0) gram_O.diagonal().array() += static_cast<T>(l2);
      if (l1 != 0) XO.array() -= static_cast<T>(l1);
    }
    if (!weights) {
      solve_nnls_rows(gram_O, XO, F, nnls);
      return;
    }
    const NnlsOptions& options = nnls;
    detail::solve_weighted_rows(gram_O, XO, O, *weights, l2, F,
                                [&](const DenseMatrix<T>& G, const T* b, T* x) {
                                  solve_nnls(G, b, x, options);
                                });
  }

  // ⟨F, X·O⟩ and ⟨FᵀF, OᵀO⟩ without the penalties folded into the stored products.
  double inner_with_data(const DenseMatrix<T>& F) const {
    return linalg::frobenius_inner(F, XO) + l1 * static_cast<double>(F.sum());
  }
  double inner_of_grams(const DenseMatrix<T>& gram_F) const {
    return linalg::frobenius_inner(gram_F, gram_O) - l2 * static_cast<double>(gram_F.trace());
  }
};

template <class T>
double squared_norm(const SparseMatrix<T>& X) {
  double sum = 0;
  for (Index p = 0; p < X.nonZeros(); ++p) {
    sum += static_cast<double>(X.valuePtr()[p]) * static_cast<double>(X.valuePtr()[p]);
  }
  return sum;
}
template <class T>
double squared_norm(const DenseMatrix<T>& X) {
  return X.template cast<double>().squaredNorm();
}

template <class T>
double penalty(const DenseMatrix<T>& F, double l1, double l2) {
  double value = 0;
  if (l1 != 0) value += l1 * static_cast<double>(F.sum());
  if (l2 != 0) value += 0.5 * l2 * static_cast<double>(F.squaredNorm());
  return value;
}

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

std::string format_value(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

}  // namespace

template <class T>
template <class Matrix>
SolveReport AlternatingNnls<T>::run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                                    bool update_H) const {
  return run_impl(X, nullptr, W, H, update_H);
}

template <class T>
template <class Matrix>
SolveReport AlternatingNnls<T>::run_weighted(const Matrix& X, const EntryWeights<T>& weights,
                                             DenseMatrix<T>& W, DenseMatrix<T>& H,
                                             bool update_H) const {
  return run_impl(X, &weights, W, H, update_H);
}

template <class T>
template <class Matrix>
SolveReport AlternatingNnls<T>::run_impl(const Matrix& X, const EntryWeights<T>* weights,
                                         DenseMatrix<T>& W, DenseMatrix<T>& H,
                                         bool update_H) const {
  const auto& s = settings_;
  const auto start = std::chrono::steady_clock::now();
  const Index m = X.rows();
  const Index n = X.cols();
  const Index k = W.cols();
  DenseMatrix<T> Ht = H.transpose();
  const auto Xt = linalg::transpose_for_products(X);
  const double x_squared_norm = squared_norm(X);
  std::optional<detail::WeightSide<T>> row_weights, column_weights;
  if (weights) {
    row_weights.emplace(detail::row_side(*weights, X));
    if constexpr (std::is_same_v<Matrix, SparseMatrix<T>>) {
      column_weights.emplace(detail::column_side(*weights, Xt));
    } else {
      column_weights.emplace(detail::column_side(*weights, X));
    }
  }
  const auto weighted_objective = [&](const DenseMatrix<T>& W_now, const DenseMatrix<T>& Ht_now) {
    const DenseMatrix<T> H_now = Ht_now.transpose();
    return 0.5 * weighted_squared_error(X, *weights, W_now, H_now);
  };

  HalfStep<T> for_W;
  for_W.l1 = s.penalties.l1_W;
  for_W.l2 = s.penalties.l2_W;
  for_W.nnls = nnls_options(row_solver_, hals_sweeps(product_cost(X, k), n, m, k));
  HalfStep<T> for_H;
  for_H.l1 = s.penalties.l1_H;
  for_H.l2 = s.penalties.l2_H;
  for_H.nnls = nnls_options(row_solver_, hals_sweeps(product_cost(X, k), m, n, k));
  const double fixed_H_penalty = update_H ? 0.0 : penalty(Ht, s.penalties.l1_H, s.penalties.l2_H);

  SolveReport report;
  DenseMatrix<T> gram_updated;  // FᵀF of the factor updated last
  int calm = 0;                 // iterations in a row with a relative decrease below tol
  for (int iteration = 1; iteration <= s.max_iter; ++iteration) {
    s.progress.check_cancelled();
    // With H fixed (transform) its products never change. HᵀH is known from the objective
    // of the previous iteration.
    for_W.update(X, Ht, W, update_H || iteration == 1, iteration > 1 ? &gram_updated : nullptr,
                 weights ? &*row_weights : nullptr);
    double objective = 0;
    if (update_H) {
      for_H.update(Xt, W, Ht, true, nullptr, weights ? &*column_weights : nullptr);
      linalg::gram(Ht, gram_updated);
      const double residual = weights ? 2 * weighted_objective(W, Ht)
                                      : x_squared_norm - 2 * for_H.inner_with_data(Ht) +
                                            for_H.inner_of_grams(gram_updated);
      objective = 0.5 * std::max(residual, 0.0) + penalty(W, for_W.l1, for_W.l2) +
                  penalty(Ht, for_H.l1, for_H.l2);
    } else {
      linalg::gram(W, gram_updated);
      const double residual = weights ? 2 * weighted_objective(W, Ht)
                                      : x_squared_norm - 2 * for_W.inner_with_data(W) +
                                            for_W.inner_of_grams(gram_updated);
      objective = 0.5 * std::max(residual, 0.0) + penalty(W, for_W.l1, for_W.l2) + fixed_H_penalty;
    }
    const double previous = report.objective.empty() ? INFINITY : report.objective.back();
    report.objective.push_back(objective);
    report.seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    report.n_iter = iteration;
    if (s.verbose) {
      s.progress.message("iteration " + std::to_string(iteration) + ", objective " +
                         format_value(objective));
    }
    const double decrease = (previous - objective) / std::max(objective, 1e-300);
    calm = decrease < s.tol ? calm + 1 : 0;
    if (objective == 0 || calm >= s.patience) break;
  }
  if (update_H) H = Ht.transpose();
  return report;
}

NMFKIT_INSTANTIATE_SOLVER(AlternatingNnls)
NMFKIT_INSTANTIATE_WEIGHTED_SOLVER(AlternatingNnls)

}  // namespace nmfkit
