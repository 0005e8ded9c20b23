#pragma once
// The data operator of weighted (masked) data: the weighted objective of mask.hpp through
// the same seam as plain data, so every seam solver takes masks and weights by one code
// path. The products are the plain ones of X with its missing entries zeroed; what
// weights change is each row's problem (the shared Gram matrix corrected by the row's few
// exceptions, RcppML's per-column correction) and the loss.

#include <cmath>
#include <type_traits>
#include <vector>

#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/sparse_operator.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "weighted_rows.hpp"

namespace nmfkit {

template <class T, class Matrix>
class WeightedOperator {
  using Base = std::conditional_t<std::is_same_v<Matrix, SparseMatrix<T>>,
                                  linalg::SparseOperator<T>, linalg::DenseOperator<T>>;
  using Side = linalg::Side;

 public:
  using Scalar = T;

  // X has its missing entries set to 0 already (detail::zero_missing).
  WeightedOperator(const Matrix& X, const EntryWeights<T>& weights)
      : X_(X),
        base_(X),
        weights_(weights),
        row_weights_(detail::row_side(weights, X)),
        column_weights_(column_side()) {
    squared_norm_ =
        weighted_squared_error(X, weights, DenseMatrix<T>(DenseMatrix<T>::Zero(X.rows(), 1)),
                               DenseMatrix<T>(DenseMatrix<T>::Zero(1, X.cols())));
    Observed observed;
    for (Index r = 0; r < X.rows(); ++r) {
      observed_nonzeros(Side::Rows, r, observed);
      for (std::size_t p = 0; p < observed.index.size(); ++p) {
        const double x = static_cast<double>(observed.value[p]);
        count_offset_ += static_cast<double>(observed.weight[p]) * x * (std::log(x) - 1);
      }
    }
  }

  Index rows() const { return base_.rows(); }
  Index cols() const { return base_.cols(); }
  Index nonzeros() const { return base_.nonzeros(); }

  void gram(const DenseMatrix<T>& F, DenseMatrix<T>& out) const { base_.gram(F, out); }
  void rhs(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& out) const {
    base_.rhs(side, O, out);
  }
  void solve_gram_rows(Side side, const DenseMatrix<T>& G, const DenseMatrix<T>& B,
                       const DenseMatrix<T>& O, double ridge, DenseMatrix<T>& F,
                       const linalg::GramRowSolve<T>& solve) const {
    solve_gram_rows_from(side, 0, G, B, O, ridge, F, solve);
  }
  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const linalg::CountRowSolve<T>& solve) const {
    return solve_count_rows_from(side, 0, O, F, solve);
  }
  // The two solves for `side`'s rows [first, first + F.rows()) only, B and F holding just
  // those rows: one process's share of a fit spread over several
  // (weighted_spread_operator.hpp).
  void solve_gram_rows_from(Side side, Index first, const DenseMatrix<T>& G,
                            const DenseMatrix<T>& B, const DenseMatrix<T>& O, double ridge,
                            DenseMatrix<T>& F, const linalg::GramRowSolve<T>& solve) const {
    detail::solve_weighted_rows(G, B, O, weights_of(side), ridge, F, solve, first);
  }
  // Each row's observed non-zeros with their weights, and its own linear term Σ_c w_rc·o_c.
  double solve_count_rows_from(Side side, Index first, const DenseMatrix<T>& O,
                               DenseMatrix<T>& F, const linalg::CountRowSolve<T>& solve) const {
    const std::vector<double> all = linalg::column_sums(O);
    const bool default_one = weights_of(side).default_weight() == T(1);
    const Index k = O.cols();
    return linalg::sum_over_rows<Observed>(
        F.rows(), static_cast<double>(weights_of(side).length() * k),
        [&](Index r, Observed& observed) {
          observed_nonzeros(side, first + r, observed);
          observed.linear.assign(static_cast<std::size_t>(k), 0.0);
          if (default_one) observed.linear = all;
          for (const auto& e : observed.exceptions) {
            const double scale =
                default_one ? -(1 - static_cast<double>(e.weight)) : static_cast<double>(e.weight);
            const T* o = O.data() + e.col * k;
            for (Index c = 0; c < k; ++c) {
              observed.linear[static_cast<std::size_t>(c)] += scale * static_cast<double>(o[c]);
            }
          }
          linalg::CountRow<T> row;
          row.row = first + r;
          row.size = static_cast<Index>(observed.index.size());
          row.index = observed.index.data();
          row.value = observed.value.data();
          row.weight = observed.weight.data();
          row.linear = observed.linear.data();
          return solve(row, O, F.data() + r * k);
        });
  }

  double squared_norm() const { return squared_norm_; }
  double squared_error(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht,
                       linalg::GramTrickTerms) const {
    return weighted_squared_error(X_, weights_, W, DenseMatrix<T>(Ht.transpose()));
  }
  double divergence(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double beta) const {
    return weighted_beta_divergence(X_, weights_, W, DenseMatrix<T>(Ht.transpose()), beta);
  }
  double count_offset() const { return count_offset_; }
  double combine_max(double value) const { return value; }

 private:
  // A row's observed entries with x > 0, and the entries whose weight is not the default.
  struct Observed {
    std::vector<std::int64_t> index;
    std::vector<T> value;
    std::vector<T> weight;
    std::vector<detail::WeightException<T>> exceptions;
    std::vector<double> linear;
  };

  detail::WeightSide<T> column_side() const {
    if constexpr (std::is_same_v<Matrix, SparseMatrix<T>>) {
      return detail::column_side(weights_, base_.side_matrix(Side::Columns));
    } else {
      return detail::column_side(weights_, X_);
    }
  }
  const detail::WeightSide<T>& weights_of(Side side) const {
    return side == Side::Rows ? row_weights_ : column_weights_;
  }

  void observed_nonzeros(Side side, Index r, Observed& out) const {
    out.index.clear();
    out.value.clear();
    out.weight.clear();
    out.exceptions.clear();
    const auto& weights = weights_of(side);
    weights.for_each_exception(
        r, [&](const detail::WeightException<T>& e) { out.exceptions.push_back(e); });
    const auto keep = [&](Index c, T x, T w) {
      if (x > T(0) && w > T(0)) {
        out.index.push_back(c);
        out.value.push_back(x);
        out.weight.push_back(w);
      }
    };
    if (weights.default_weight() == T(0)) {
      for (const auto& e : out.exceptions) keep(e.col, e.value, e.weight);
      return;
    }
    std::size_t q = 0;  // both lists are in column order
    base_.for_each_nonzero(side, r, [&](Index c, T x) {
      while (q < out.exceptions.size() && out.exceptions[q].col < c) ++q;
      const bool listed = q < out.exceptions.size() && out.exceptions[q].col == c;
      keep(c, x, listed ? out.exceptions[q].weight : T(1));
    });
  }

  const Matrix& X_;
  Base base_;
  const EntryWeights<T>& weights_;
  detail::WeightSide<T> row_weights_;
  detail::WeightSide<T> column_weights_;
  double squared_norm_ = 0;
  double count_offset_ = 0;
};

}  // namespace nmfkit
