#include "nmfkit/nmf/mask.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "weighted_rows.hpp"

namespace nmfkit {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string shape(Index rows, Index cols) {
  return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

template <class T>
using Triplets = std::vector<Eigen::Triplet<T, std::int64_t>>;

template <class T>
SparseMatrix<T> from_triplets(Index rows, Index cols, const Triplets<T>& entries) {
  SparseMatrix<T> out(rows, cols);
  out.setFromTriplets(entries.begin(), entries.end());
  return out;
}

template <class T>
void require_finite(T value, Index i, Index j, const char* what) {
  if (!std::isfinite(static_cast<double>(value))) {
    throw InvalidArgument(std::string(what) + " has a non-finite value at row " +
                          std::to_string(i) + ", column " + std::to_string(j) + " (0-based)");
  }
}

// Per-row partial sums added in row order: the same value for any thread count, and for
// any number of processes sharing the rows.
template <class RowSum>
double sum_rows(Index rows, RowSum&& row_sum, const RowShare* share = nullptr) {
  std::vector<double> partial(static_cast<std::size_t>(rows));
  const Index first = share ? share->first : 0;
  const Index last = share ? share->first + share->count : rows;
#pragma omp parallel for schedule(dynamic, 16)
  for (Index i = first; i < last; ++i) partial[static_cast<std::size_t>(i)] = row_sum(i);
  if (share) share->gather(partial);
  double total = 0;
  for (const double value : partial) total += value;
  return total;
}

template <class T>
double dot_row(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, Index i, Index c) {
  double sum = 0;
  for (Index r = 0; r < W.cols(); ++r) {
    sum += static_cast<double>(W(i, r)) * static_cast<double>(Ht(c, r));
  }
  return sum;
}

template <class T>
void check_weights_of(const EntryWeights<T>& weights, Index rows, Index cols) {
  weights.check_shape(rows, cols);
}

// The mean squared error from the summed squares and each row's number of entries.
HoldoutError mean_over_entries(double sum, const std::vector<Index>& counts) {
  HoldoutError out;
  for (const Index c : counts) out.entries += c;
  out.mean_squared_error = out.entries > 0 ? sum / static_cast<double>(out.entries) : 0.0;
  return out;
}

}  // namespace

void SpeckledHoldout::validate() const {
  if (!(fraction > 0 && fraction <= 0.5)) {
    throw InvalidArgument("holdout fraction must be in (0, 0.5], got " + std::to_string(fraction));
  }
}

bool SpeckledHoldout::held_out(Index row, Index col) const {
  const std::uint64_t h = splitmix64(splitmix64(splitmix64(seed) ^ static_cast<std::uint64_t>(row)) ^
                                     static_cast<std::uint64_t>(col));
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

template <class T>
void EntryWeights<T>::set_explicit(SparseMatrix<T> weights) {
  explicit_ = std::move(weights);
  explicit_t_ = explicit_.transpose();
}

template <class T>
EntryWeights<T> EntryWeights<T>::missing(const SparseMatrix<T>& mask) {
  Triplets<T> entries;
  for (Index i = 0; i < mask.rows(); ++i) {
    for (typename SparseMatrix<T>::InnerIterator it(mask, i); it; ++it) {
      require_finite(it.value(), i, it.col(), "the mask");
      if (it.value() != T(0)) entries.emplace_back(i, it.col(), T(0));
    }
  }
  EntryWeights out;
  out.set_explicit(from_triplets(mask.rows(), mask.cols(), entries));
  return out;
}

// Only the non-zero entries of a mask matter; sparseView() keeps exactly those (NaN
// included, so that the sparse overload still rejects it).
template <class T>
EntryWeights<T> EntryWeights<T>::missing(const DenseMatrix<T>& mask) {
  return missing(SparseMatrix<T>(mask.sparseView()));
}

template <class T>
EntryWeights<T> EntryWeights<T>::weights(const DenseMatrix<T>& weights) {
  Triplets<T> entries;
  for (Index i = 0; i < weights.rows(); ++i) {
    for (Index j = 0; j < weights.cols(); ++j) {
      const T w = weights(i, j);
      require_finite(w, i, j, "the weights");
      if (w < T(0)) {
        throw InvalidArgument("weights must be >= 0, got " + std::to_string(w) + " at row " +
                              std::to_string(i) + ", column " + std::to_string(j) + " (0-based)");
      }
      if (w != T(1)) entries.emplace_back(i, j, w);
    }
  }
  EntryWeights out;
  out.set_explicit(from_triplets(weights.rows(), weights.cols(), entries));
  return out;
}

template <class T>
EntryWeights<T> EntryWeights<T>::zeros_missing() {
  EntryWeights out;
  out.zeros_missing_ = true;
  return out;
}

template <class T>
EntryWeights<T> EntryWeights<T>::missing_nan(DenseMatrix<T>& X) {
  Triplets<T> entries;
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) {
      if (std::isnan(static_cast<double>(X(i, j)))) {
        entries.emplace_back(i, j, T(0));
        X(i, j) = T(0);
      }
    }
  }
  EntryWeights out;
  out.set_explicit(from_triplets(X.rows(), X.cols(), entries));
  return out;
}

template <class T>
EntryWeights<T> EntryWeights<T>::missing_nan(SparseMatrix<T>& X) {
  Triplets<T> entries;
  for (Index i = 0; i < X.rows(); ++i) {
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) {
      if (std::isnan(static_cast<double>(it.value()))) {
        entries.emplace_back(i, it.col(), T(0));
        it.valueRef() = T(0);
      }
    }
  }
  EntryWeights out;
  out.set_explicit(from_triplets(X.rows(), X.cols(), entries));
  return out;
}

template <class T>
EntryWeights<T> EntryWeights<T>::with_holdout(const SpeckledHoldout& holdout) const {
  holdout.validate();
  EntryWeights out = *this;
  out.holdout_ = holdout;
  return out;
}

template <class T>
EntryWeights<T> EntryWeights<T>::with_zeros_missing() const {
  EntryWeights out = *this;
  out.zeros_missing_ = true;
  return out;
}

template <class T>
void EntryWeights<T>::check_shape(Index rows, Index cols) const {
  if (explicit_.size() == 0) return;
  if (explicit_.rows() != rows || explicit_.cols() != cols) {
    throw InvalidArgument("the mask has shape " + shape(explicit_.rows(), explicit_.cols()) +
                          " but X has shape " + shape(rows, cols));
  }
}

template <class T>
double weighted_squared_error(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                              const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                              const RowShare* share) {
  check_weights_of(weights, X.rows(), X.cols());
  const DenseMatrix<T> Ht = H.transpose();
  const auto side = detail::row_side(weights, X);
  return sum_rows(X.rows(), [&](Index i) {
    std::vector<T> w;
    side.dense_weights(i, w);
    double sum = 0;
    for (Index c = 0; c < X.cols(); ++c) {
      if (w[static_cast<std::size_t>(c)] == T(0)) continue;
      const double d = static_cast<double>(X(i, c)) - dot_row(W, Ht, i, c);
      sum += static_cast<double>(w[static_cast<std::size_t>(c)]) * d * d;
    }
    return sum;
  }, share);
}

template <class T>
double weighted_squared_error(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                              const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                              const RowShare* share) {
  check_weights_of(weights, X.rows(), X.cols());
  const DenseMatrix<T> Ht = H.transpose();
  const auto side = detail::row_side(weights, X);
  if (weights.zeros_are_missing()) {
    return sum_rows(X.rows(), [&](Index i) {
      double sum = 0;
      side.for_each_exception(i, [&](const detail::WeightException<T>& e) {
        const double d = static_cast<double>(e.value) - dot_row(W, Ht, i, e.col);
        sum += static_cast<double>(e.weight) * d * d;
      });
      return sum;
    }, share);
  }
  // Every entry with weight 1 by the Gram trick, then the exceptions taken back out.
  const Eigen::MatrixXd WtW = W.template cast<double>().transpose() * W.template cast<double>();
  const Eigen::MatrixXd HHt = H.template cast<double>() * H.template cast<double>().transpose();
  double total = (WtW.array() * HHt.array()).sum();
  total += sum_rows(X.rows(), [&](Index i) {
    double sum = 0;
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) {
      const double x = static_cast<double>(it.value());
      sum += x * x - 2 * x * dot_row(W, Ht, i, it.col());
    }
    side.for_each_exception(i, [&](const detail::WeightException<T>& e) {
      const double d = static_cast<double>(e.value) - dot_row(W, Ht, i, e.col);
      sum -= (1 - static_cast<double>(e.weight)) * d * d;
    });
    return sum;
  }, share);
  return std::max(total, 0.0);
}

template <class T>
double weighted_beta_divergence(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                                const DenseMatrix<T>& W, const DenseMatrix<T>& H, double beta,
                                const RowShare* share) {
  if (beta == 2) return 0.5 * weighted_squared_error(X, weights, W, H, share);
  check_weights_of(weights, X.rows(), X.cols());
  const DenseMatrix<T> Ht = H.transpose();
  const auto side = detail::row_side(weights, X);
  return sum_rows(X.rows(), [&](Index i) {
    std::vector<T> w;
    side.dense_weights(i, w);
    double sum = 0;
    for (Index c = 0; c < X.cols(); ++c) {
      const double wc = static_cast<double>(w[static_cast<std::size_t>(c)]);
      if (wc == 0) continue;
      sum += wc * detail::entry_divergence(static_cast<double>(X(i, c)), dot_row(W, Ht, i, c), beta);
    }
    return sum;
  }, share);
}

template <class T>
double weighted_beta_divergence(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                                const DenseMatrix<T>& W, const DenseMatrix<T>& H, double beta,
                                const RowShare* share) {
  if (beta == 2) return 0.5 * weighted_squared_error(X, weights, W, H, share);
  check_weights_of(weights, X.rows(), X.cols());
  const DenseMatrix<T> Ht = H.transpose();
  const auto side = detail::row_side(weights, X);
  return sum_rows(X.rows(), [&](Index i) {
    std::vector<T> w;
    side.dense_weights(i, w);
    std::vector<double> x(static_cast<std::size_t>(X.cols()), 0.0);
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) {
      x[static_cast<std::size_t>(it.col())] = static_cast<double>(it.value());
    }
    double sum = 0;
    for (Index c = 0; c < X.cols(); ++c) {
      const double wc = static_cast<double>(w[static_cast<std::size_t>(c)]);
      if (wc == 0) continue;
      sum += wc * detail::entry_divergence(x[static_cast<std::size_t>(c)], dot_row(W, Ht, i, c), beta);
    }
    return sum;
  }, share);
}

template <class T>
HoldoutError holdout_error(const DenseMatrix<T>& X, const EntryWeights<T>& base,
                           const SpeckledHoldout& holdout, const DenseMatrix<T>& W,
                           const DenseMatrix<T>& H) {
  check_weights_of(base, X.rows(), X.cols());
  const DenseMatrix<T> Ht = H.transpose();
  const auto side = detail::row_side(base, X);
  std::vector<Index> counts(static_cast<std::size_t>(X.rows()));
  const double sum = sum_rows(X.rows(), [&](Index i) {
    std::vector<T> w;
    side.dense_weights(i, w);
    double s = 0;
    Index count = 0;
    for (Index c = 0; c < X.cols(); ++c) {
      if (w[static_cast<std::size_t>(c)] == T(0) || !holdout.held_out(i, c)) continue;
      const double d = static_cast<double>(X(i, c)) - dot_row(W, Ht, i, c);
      s += d * d;
      ++count;
    }
    counts[static_cast<std::size_t>(i)] = count;
    return s;
  });
  return mean_over_entries(sum, counts);
}

template <class T>
HoldoutError holdout_error(const SparseMatrix<T>& X, const EntryWeights<T>& base,
                           const SpeckledHoldout& holdout, const DenseMatrix<T>& W,
                           const DenseMatrix<T>& H) {
  check_weights_of(base, X.rows(), X.cols());
  const DenseMatrix<T> Ht = H.transpose();
  const auto& E = base.explicit_weights();
  std::vector<Index> counts(static_cast<std::size_t>(X.rows()));
  const double sum = sum_rows(X.rows(), [&](Index i) {
    double s = 0;
    Index count = 0;
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) {
      if (!holdout.held_out(i, it.col())) continue;
      if (base.zeros_are_missing() && it.value() == T(0)) continue;
      if (E.nonZeros() > 0) {
        const auto* inner = E.innerIndexPtr();
        const auto* begin = inner + E.outerIndexPtr()[i];
        const auto* end = inner + E.outerIndexPtr()[i + 1];
        const auto* at = std::lower_bound(begin, end, static_cast<std::int64_t>(it.col()));
        if (at != end && *at == it.col() && E.valuePtr()[at - inner] == T(0)) continue;
      }
      const double d = static_cast<double>(it.value()) - dot_row(W, Ht, i, it.col());
      s += d * d;
      ++count;
    }
    counts[static_cast<std::size_t>(i)] = count;
    return s;
  });
  return mean_over_entries(sum, counts);
}

template <class T>
DenseMatrix<T> impute(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                      const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  check_weights_of(weights, X.rows(), X.cols());
  DenseMatrix<T> out = X;
  const auto side = detail::row_side(weights, X);
  std::vector<T> w;
  for (Index i = 0; i < X.rows(); ++i) {
    side.dense_weights(i, w);
    for (Index c = 0; c < X.cols(); ++c) {
      if (w[static_cast<std::size_t>(c)] == T(0)) out(i, c) = W.row(i).dot(H.col(c));
    }
  }
  return out;
}

template <class T>
SparseMatrix<T> impute(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                       const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  check_weights_of(weights, X.rows(), X.cols());
  Triplets<T> entries;
  const auto side = detail::row_side(weights, X);
  std::vector<T> w;
  for (Index i = 0; i < X.rows(); ++i) {
    side.dense_weights(i, w);
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) {
      if (w[static_cast<std::size_t>(it.col())] != T(0)) {
        entries.emplace_back(i, it.col(), it.value());
      }
    }
    for (Index c = 0; c < X.cols(); ++c) {
      if (w[static_cast<std::size_t>(c)] == T(0)) entries.emplace_back(i, c, W.row(i).dot(H.col(c)));
    }
  }
  return from_triplets(X.rows(), X.cols(), entries);
}

namespace {
template <class T, class Matrix>
MissingSummary count_missing(const Matrix& X, const EntryWeights<T>& weights) {
  check_weights_of(weights, X.rows(), X.cols());
  const auto side = detail::row_side(weights, X);
  const bool default_one = side.default_weight() == T(1);
  MissingSummary out;
  // per column: missing entries (default 1) or observed ones (default 0)
  std::vector<Index> per_column(static_cast<std::size_t>(X.cols()));
  for (Index i = 0; i < X.rows(); ++i) {
    const Index observed = side.for_each_exception(i, [&](const detail::WeightException<T>& e) {
      if (default_one ? e.weight == T(0) : e.weight != T(0)) ++per_column[static_cast<std::size_t>(e.col)];
    });
    out.missing += X.cols() - observed;
    if (observed == 0) ++out.empty_rows;
  }
  for (const Index count : per_column) {
    const Index observed = default_one ? X.rows() - count : count;
    if (observed == 0) ++out.empty_cols;
  }
  return out;
}
}  // namespace

template <class T>
MissingSummary summarize_missing(const DenseMatrix<T>& X, const EntryWeights<T>& weights) {
  return count_missing<T>(X, weights);
}
template <class T>
MissingSummary summarize_missing(const SparseMatrix<T>& X, const EntryWeights<T>& weights) {
  return count_missing<T>(X, weights);
}

#define NMFKIT_INSTANTIATE(T)                                                                  \
  template class EntryWeights<T>;                                                              \
  template double weighted_squared_error(const DenseMatrix<T>&, const EntryWeights<T>&,        \
                                         const DenseMatrix<T>&, const DenseMatrix<T>&,         \
                                         const RowShare*);                                     \
  template double weighted_squared_error(const SparseMatrix<T>&, const EntryWeights<T>&,       \
                                         const DenseMatrix<T>&, const DenseMatrix<T>&,         \
                                         const RowShare*);                                     \
  template double weighted_beta_divergence(const DenseMatrix<T>&, const EntryWeights<T>&,      \
                                           const DenseMatrix<T>&, const DenseMatrix<T>&,       \
                                           double, const RowShare*);                           \
  template double weighted_beta_divergence(const SparseMatrix<T>&, const EntryWeights<T>&,     \
                                           const DenseMatrix<T>&, const DenseMatrix<T>&,       \
                                           double, const RowShare*);                           \
  template HoldoutError holdout_error(const DenseMatrix<T>&, const EntryWeights<T>&,           \
                                      const SpeckledHoldout&, const DenseMatrix<T>&,           \
                                      const DenseMatrix<T>&);                                  \
  template HoldoutError holdout_error(const SparseMatrix<T>&, const EntryWeights<T>&,          \
                                      const SpeckledHoldout&, const DenseMatrix<T>&,           \
                                      const DenseMatrix<T>&);                                  \
  template DenseMatrix<T> impute(const DenseMatrix<T>&, const EntryWeights<T>&,                \
                                 const DenseMatrix<T>&, const DenseMatrix<T>&);                \
  template SparseMatrix<T> impute(const SparseMatrix<T>&, const EntryWeights<T>&,              \
                                  const DenseMatrix<T>&, const DenseMatrix<T>&);               \
  template MissingSummary summarize_missing(const DenseMatrix<T>&, const EntryWeights<T>&);    \
  template MissingSummary summarize_missing(const SparseMatrix<T>&, const EntryWeights<T>&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit
