#pragma once
// The weights of one side of the alternation, row by row. The W half-step works on the
// rows of X, the H half-step on the rows of Xᵀ; each row has a default weight (1, or 0
// when zeros are missing) and a few exceptions, which for_each_exception lists in
// increasing column order. Everything is computed on the fly from the EntryWeights and
// the data; holdout entries are never stored.

#include <algorithm>
#include <cmath>
#include <vector>

#include "nmfkit/nmf/mask.hpp"

namespace nmfkit::detail {

// d_β(x, y) for one entry, with x ≤ ε leaving out the terms in x and y = 0 taken as ε
// (scikit-learn's conventions).
inline double entry_divergence(double x, double y, double beta) {
  constexpr double eps = 1.1920928955078125e-07;
  if (beta == 2) return 0.5 * (x - y) * (x - y);
  if (y == 0) y = eps;
  if (beta == 1) return x > eps ? x * std::log(x / y) - x + y : y;
  if (beta == 0) return x / y - std::log(x / y) - 1;
  if (x <= eps) return std::pow(y, beta) / beta;
  return (std::pow(x, beta) + (beta - 1) * std::pow(y, beta) - beta * x * std::pow(y, beta - 1)) /
         (beta * (beta - 1));
}

template <class T>
struct WeightException {
  Index col;
  T weight;
  T value;  // x at the entry (of the data the side was built on)
};

template <class T>
class WeightSide {
 public:
  // Rows of X (transposed = false) or of Xᵀ (transposed = true). For sparse data `sparse`
  // holds the matrix whose rows are this side's rows (X, or Xᵀ as CSR).
  WeightSide(const EntryWeights<T>& weights, const DenseMatrix<T>* dense,
             const SparseMatrix<T>* sparse, bool transposed)
      : weights_(weights), dense_(dense), sparse_(sparse), transposed_(transposed) {
    const auto& E = transposed ? weights.explicit_weights_transposed() : weights.explicit_weights();
    if (E.nonZeros() > 0) explicit_ = &E;
    if (dense) {
      rows_ = transposed ? dense->cols() : dense->rows();
      length_ = transposed ? dense->rows() : dense->cols();
    } else {
      rows_ = sparse->rows();
      length_ = sparse->cols();
    }
  }

  Index rows() const { return rows_; }
  Index length() const { return length_; }
  T default_weight() const { return weights_.zeros_are_missing() ? T(0) : T(1); }

  T value(Index r, Index c) const {
    if (dense_) return transposed_ ? (*dense_)(c, r) : (*dense_)(r, c);
    const auto* inner = sparse_->innerIndexPtr();
    const auto* begin = inner + sparse_->outerIndexPtr()[r];
    const auto* end = inner + sparse_->outerIndexPtr()[r + 1];
    const auto* at = std::lower_bound(begin, end, static_cast<std::int64_t>(c));
    return (at != end && *at == c) ? sparse_->valuePtr()[at - inner] : T(0);
  }

  // Calls f(WeightException) for each entry of row r whose weight differs from the
  // default, in increasing column order; returns the number of observed (w > 0) entries.
  template <class F>
  Index for_each_exception(Index r, F&& f) const {
    const auto& hold = weights_.holdout();
    const auto held = [&](Index c) {
      return hold && (transposed_ ? hold->held_out(c, r) : hold->held_out(r, c));
    };
    const std::int64_t* e_index = nullptr;
    const T* e_value = nullptr;
    Index e_count = 0;
    if (explicit_) {
      const auto begin = explicit_->outerIndexPtr()[r];
      e_index = explicit_->innerIndexPtr() + begin;
      e_value = explicit_->valuePtr() + begin;
      e_count = explicit_->outerIndexPtr()[r + 1] - begin;
    }
    Index p = 0;
    const auto explicit_weight = [&](Index c) -> T {
      while (p < e_count && e_index[p] < c) ++p;
      return (p < e_count && e_index[p] == c) ? e_value[p] : T(1);
    };
    Index observed = 0;
    if (!weights_.zeros_are_missing()) {
      observed = length_;
      const auto visit = [&](Index c, T x, bool eligible) {
        T w = explicit_weight(c);
        if (eligible && w != T(0) && held(c)) w = T(0);
        if (w != T(1)) {
          if (w == T(0)) --observed;
          f(WeightException<T>{c, w, x});
        }
      };
      if (hold && dense_) {
        for (Index c = 0; c < length_; ++c) visit(c, value(r, c), true);
      } else if (hold) {
        const auto begin = sparse_->outerIndexPtr()[r];
        const auto end = sparse_->outerIndexPtr()[r + 1];
        const auto* inner = sparse_->innerIndexPtr();
        const T* values = sparse_->valuePtr();
        Index q = 0;
        for (auto s = begin; s < end; ++s) {
          // entries of the explicit weights before this stored entry are zeros of X
          while (q < e_count && e_index[q] < inner[s]) {
            visit(e_index[q], T(0), false);
            ++q;
          }
          if (q < e_count && e_index[q] == inner[s]) ++q;
          visit(inner[s], values[s], true);
        }
        for (; q < e_count; ++q) visit(e_index[q], T(0), false);
      } else {
        for (Index q = 0; q < e_count; ++q) {
          const T w = e_value[q];
          if (w == T(1)) continue;
          if (w == T(0)) --observed;
          f(WeightException<T>{e_index[q], w, value(r, e_index[q])});
        }
      }
    } else {
      const auto visit = [&](Index c, T x) {
        if (x == T(0)) return;
        T w = explicit_weight(c);
        if (w != T(0) && held(c)) w = T(0);
        if (w != T(0)) {
          ++observed;
          f(WeightException<T>{c, w, x});
        }
      };
      if (dense_) {
        for (Index c = 0; c < length_; ++c) visit(c, value(r, c));
      } else {
        const auto* inner = sparse_->innerIndexPtr();
        const T* values = sparse_->valuePtr();
        for (auto s = sparse_->outerIndexPtr()[r]; s < sparse_->outerIndexPtr()[r + 1]; ++s) {
          visit(inner[s], values[s]);
        }
      }
    }
    return observed;
  }

  // The row's weights as a dense vector (length()).
  Index dense_weights(Index r, std::vector<T>& out) const {
    out.assign(static_cast<std::size_t>(length_), default_weight());
    return for_each_exception(r, [&](const WeightException<T>& e) {
      out[static_cast<std::size_t>(e.col)] = e.weight;
    });
  }

 private:
  const EntryWeights<T>& weights_;
  const DenseMatrix<T>* dense_;
  const SparseMatrix<T>* sparse_;
  bool transposed_;
  const SparseMatrix<T>* explicit_ = nullptr;
  Index rows_ = 0;
  Index length_ = 0;
};

template <class T>
WeightSide<T> row_side(const EntryWeights<T>& weights, const DenseMatrix<T>& X) {
  return WeightSide<T>(weights, &X, nullptr, false);
}
template <class T>
WeightSide<T> row_side(const EntryWeights<T>& weights, const SparseMatrix<T>& X) {
  return WeightSide<T>(weights, nullptr, &X, false);
}
// Xt: Xᵀ as CSR for sparse X; for dense X the dense matrix itself.
template <class T>
WeightSide<T> column_side(const EntryWeights<T>& weights, const DenseMatrix<T>& X) {
  return WeightSide<T>(weights, &X, nullptr, true);
}
template <class T>
WeightSide<T> column_side(const EntryWeights<T>& weights, const SparseMatrix<T>& Xt) {
  return WeightSide<T>(weights, nullptr, &Xt, true);
}

// X with every missing entry (weight 0) set to 0, the sparse pattern kept: the values a
// weighted solver reads, so that what lies under the mask cannot change the fit.
template <class T>
DenseMatrix<T> zero_missing(const DenseMatrix<T>& X, const EntryWeights<T>& weights) {
  const auto side = row_side(weights, X);
  if (weights.zeros_are_missing()) {
    // only the listed entries are observed
    DenseMatrix<T> out = DenseMatrix<T>::Zero(X.rows(), X.cols());
    for (Index i = 0; i < X.rows(); ++i) {
      side.for_each_exception(i, [&](const WeightException<T>& e) { out(i, e.col) = e.value; });
    }
    return out;
  }
  DenseMatrix<T> out = X;
  for (Index i = 0; i < X.rows(); ++i) {
    side.for_each_exception(i, [&](const WeightException<T>& e) {
      if (e.weight == T(0)) out(i, e.col) = T(0);
    });
  }
  return out;
}
template <class T>
SparseMatrix<T> zero_missing(const SparseMatrix<T>& X, const EntryWeights<T>& weights) {
  SparseMatrix<T> out = X;
  const auto side = row_side(weights, X);
  const auto* outer = out.outerIndexPtr();
  const auto* inner = out.innerIndexPtr();
  T* values = out.valuePtr();
  const bool only_listed = weights.zeros_are_missing();
  if (only_listed) std::fill(values, values + out.nonZeros(), T(0));
  for (Index i = 0; i < X.rows(); ++i) {
    side.for_each_exception(i, [&](const WeightException<T>& e) {
      if (!only_listed && e.weight != T(0)) return;
      const auto* at = std::lower_bound(inner + outer[i], inner + outer[i + 1],
                                        static_cast<std::int64_t>(e.col));
      if (at != inner + outer[i + 1] && *at == e.col) {
        values[at - inner] = only_listed ? e.value : T(0);
      }
    });
  }
  return out;
}

// Solves every row r of F for the weighted problem: G_r = Σ_c w_rc o_c o_cᵀ (+ l2·I),
// b_r = Σ_c w_rc x_rc o_c (− l1). G (OᵀO + l2·I) and B (X·O − l1, X with its missing
// entries zeroed) are the unweighted products; a row's few exceptions correct them, or,
// when most of a row differs from the default, G_r is summed directly. Rows with no
// observed entry get 0. Returns how many rows that was. B and F may hold only the side's
// rows [first, first + F.rows()) (one process's share of a spread fit).
template <class T, class Solve>
Index solve_weighted_rows(const DenseMatrix<T>& G, const DenseMatrix<T>& B, const DenseMatrix<T>& O,
                          const WeightSide<T>& side, double l2, DenseMatrix<T>& F, Solve&& solve,
                          Index first = 0) {
  const Index rows = F.rows();
  const Index k = F.cols();
  const Index length = side.length();
  const bool default_one = side.default_weight() == T(1);
  Index empty = 0;
#pragma omp parallel reduction(+ : empty)
  {
    DenseMatrix<T> Gr(k, k);
    Vector<T> br(k);
    std::vector<WeightException<T>> exceptions;
    std::vector<Index> picked;  // rows of O that enter the correction (or the direct sum)
    std::vector<T> coefficient;
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> gathered, scaled;
#pragma omp for schedule(dynamic, 16)
    for (Index r = 0; r < rows; ++r) {
      exceptions.clear();
      const Index observed = side.for_each_exception(
          first + r, [&](const WeightException<T>& e) { exceptions.push_back(e); });
      if (observed == 0) {
        F.row(r).setZero();
        ++empty;
        continue;
      }
      br = B.row(r).transpose();
      for (const auto& e : exceptions) {
        // B holds x·o at weight 1 (0 where missing); fractional weights rescale it.
        if (e.weight != T(0) && e.weight != T(1)) {
          br.noalias() -= ((T(1) - e.weight) * e.value) * O.row(e.col).transpose();
        }
      }
      // G minus the exceptions when they are few; else the observed entries summed directly.
      const bool direct = !default_one || 2 * static_cast<Index>(exceptions.size()) > length;
      picked.clear();
      coefficient.clear();
      if (!direct) {
        for (const auto& e : exceptions) {
          picked.push_back(e.col);
          coefficient.push_back(T(1) - e.weight);
        }
      } else if (default_one) {
        std::size_t q = 0;
        for (Index c = 0; c < length; ++c) {
          T w = T(1);
          if (q < exceptions.size() && exceptions[q].col == c) w = exceptions[q++].weight;
          if (w == T(0)) continue;
          picked.push_back(c);
          coefficient.push_back(w);
        }
      } else {
        for (const auto& e : exceptions) {
          picked.push_back(e.col);
          coefficient.push_back(e.weight);
        }
      }
      const auto count = static_cast<Index>(picked.size());
      gathered.resize(count, k);
      scaled.resize(count, k);
      for (Index p = 0; p < count; ++p) {
        gathered.row(p) = O.row(picked[static_cast<std::size_t>(p)]);
        scaled.row(p) = coefficient[static_cast<std::size_t>(p)] * gathered.row(p);
      }
      if (!direct) {
        Gr = G;
        if (count > 0) Gr.noalias() -= gathered.transpose() * scaled;
      } else {
        Gr.noalias() = gathered.transpose() * scaled;
        if (l2 != 0) Gr.diagonal().array() += static_cast<T>(l2);
      }
      if (observed < k) {
        // Fewer observations than unknowns: a tiny ridge keeps exact solvers well defined.
        const T ridge = std::max(Gr.trace() / static_cast<T>(k), T(1e-30)) * T(1e-10);
        Gr.diagonal().array() += ridge;
      }
      solve(Gr, br.data(), F.data() + r * k);
    }
  }
  return empty;
}

}  // namespace nmfkit::detail
