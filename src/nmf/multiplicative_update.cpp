#include "multiplicative_update.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/products.hpp"
#include "weighted_rows.hpp"

namespace nmfkit {

namespace {

using linalg::kEpsilon;
constexpr double kFloat64Epsilon = std::numeric_limits<double>::epsilon();

double exponent_gamma(double beta) {
  if (beta < 1) return 1.0 / (2.0 - beta);
  if (beta > 2) return 1.0 / (beta - 1.0);
  return 1.0;
}

// x ⊙ (wh)^(β−2) for one entry, in scikit-learn's sequence of operations; wh = 0 is
// replaced by ε first where β < 2.
template <class T>
T weighted_ratio(T x, T wh, double beta) {
  if (beta < 2 && wh == T(0)) wh = static_cast<T>(kEpsilon);
  if (beta == 1) return x / wh;
  if (beta == 0) {
    T inverse = T(1) / wh;
    inverse = inverse * inverse;
    return inverse * x;
  }
  return linalg::numpy_power(wh, beta - 2) * x;
}

// (wh)^(β−1), with wh = 0 replaced by ε where the exponent is negative.
template <class T>
T guarded_power(T wh, double beta) {
  if (beta < 1 && wh == T(0)) wh = static_cast<T>(kEpsilon);
  return linalg::numpy_power(wh, beta - 1);
}

template <class T>
void zero_below(DenseMatrix<T>& F, double threshold) {
  for (Index i = 0; i < F.size(); ++i) {
    if (F.data()[i] < static_cast<T>(threshold)) F.data()[i] = T(0);
  }
}

// F ← F ⊙ (N ⊘ (D + l1 + l2·F))^γ with zeros of the denominator set to ε. N and D are
// scratch space and are overwritten.
template <class T>
void apply_update(DenseMatrix<T>& F, DenseMatrix<T>& numerator, DenseMatrix<T>& denominator,
                  double l1, double l2, double gamma) {
  if (l1 > 0) denominator.array() += static_cast<T>(l1);
  if (l2 > 0) denominator += static_cast<T>(l2) * F;
  T* num = numerator.data();
  const T* den = denominator.data();
  for (Index i = 0; i < numerator.size(); ++i) {
    const T d = den[i] == T(0) ? static_cast<T>(kEpsilon) : den[i];
    T delta = num[i] / d;
    if (gamma != 1) delta = linalg::numpy_power(delta, gamma);
    F.data()[i] *= delta;
  }
}

// out(i, r) = Σ_j (WH)_ij^(β−1) H_rj for every row i, one row of WH at a time (as
// scikit-learn does for sparse X, so no m×n matrix is formed).
template <class T>
void power_times_Ht(const DenseMatrix<T>& W, const DenseMatrix<T>& H, double beta,
                    DenseMatrix<T>& out) {
  out.resize(W.rows(), H.rows());
  const Index n = H.cols();
#pragma omp parallel if (W.rows() * n * H.rows() > 100000)
  {
    Vector<T> wh(n);
#pragma omp for schedule(static)
    for (Index i = 0; i < W.rows(); ++i) {
      for (Index j = 0; j < n; ++j) {
        T dot = 0;
        for (Index r = 0; r < W.cols(); ++r) dot += W(i, r) * H(r, j);
        wh[j] = guarded_power(dot, beta);
      }
      for (Index r = 0; r < H.rows(); ++r) {
        T dot = 0;
        for (Index j = 0; j < n; ++j) dot += wh[j] * H(r, j);
        out(i, r) = dot;
      }
    }
  }
}

// The two sides of one iteration. Every matrix the updates need is a member, sized on
// first use and reused afterwards.
template <class T>
class Updater {
 public:
  Updater(const SolverSettings& settings, double gamma) : s_(settings), gamma_(gamma) {}

  // W ← W ⊙ (N ⊘ D)^γ. With H fixed (transform), the terms that depend on H alone are
  // computed once.
  template <class Matrix>
  void update_W(const Matrix& X, DenseMatrix<T>& W, const DenseMatrix<T>& H, bool H_fixed) {
    const bool fresh = !(H_fixed && have_H_terms_);
    if (fresh) Ht_ = H.transpose();
    if (s_.beta == 2) {
      if (fresh) {
        linalg::multiply(X, Ht_, XHt_);
        linalg::gram(Ht_, HHt_);
      }
      num_W_ = XHt_;
      den_W_.noalias() = W * HHt_;
    } else {
      numerator_W(X, W, H);
      if (s_.beta == 1) {
        if (fresh) H_sum_ = linalg::row_sums(H);
        den_W_.resize(W.rows(), H.rows());
        den_W_.rowwise() = H_sum_.transpose();
      } else {
        denominator_W(X, W, H);
      }
    }
    have_H_terms_ = H_fixed;
    apply_update(W, num_W_, den_W_, s_.penalties.l1_W, s_.penalties.l2_W, gamma_);
  }

  template <class Matrix, class TransposedMatrix>
  void update_H(const Matrix& X, const TransposedMatrix& Xt, const DenseMatrix<T>& W,
                DenseMatrix<T>& H) {
    if (s_.beta == 2) {
      linalg::multiply(Xt, W, XtW_);
      num_H_ = XtW_.transpose();
      linalg::gram(W, WtW_);
      den_H_.noalias() = WtW_ * H;
    } else {
      numerator_H(X, Xt, W, H);
      if (s_.beta == 1) {
        Vector<T> sums = linalg::column_sums(W);
        for (Index r = 0; r < sums.size(); ++r) {
          if (sums[r] == T(0)) sums[r] = T(1);
        }
        den_H_.resize(W.cols(), H.cols());
        den_H_.colwise() = sums;
      } else {
        denominator_H(X, W, H);
      }
    }
    apply_update(H, num_H_, den_H_, s_.penalties.l1_H, s_.penalties.l2_H, gamma_);
  }

 private:
  // Dense X: WH, X ⊙ WH^(β−2) and WH^(β−1) as m×n matrices, as scikit-learn forms them.
  void dense_terms(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
    WH_.noalias() = W * H;
    ratio_.resize(WH_.rows(), WH_.cols());
    for (Index i = 0; i < WH_.size(); ++i) {
      ratio_.data()[i] = weighted_ratio(X.data()[i], WH_.data()[i], s_.beta);
    }
    if (s_.beta != 1) {
      for (Index i = 0; i < WH_.size(); ++i) WH_.data()[i] = guarded_power(WH_.data()[i], s_.beta);
    }
  }

  void numerator_W(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
    dense_terms(X, W, H);
    num_W_.noalias() = ratio_ * Ht_;
  }
  void denominator_W(const DenseMatrix<T>&, const DenseMatrix<T>&, const DenseMatrix<T>&) {
    den_W_.noalias() = WH_ * Ht_;  // WH_ holds WH^(β−1) after dense_terms
  }
  template <class TransposedMatrix>
  void numerator_H(const DenseMatrix<T>& X, const TransposedMatrix&, const DenseMatrix<T>& W,
                   const DenseMatrix<T>& H) {
    dense_terms(X, W, H);
    num_H_.noalias() = W.transpose() * ratio_;
  }
  void denominator_H(const DenseMatrix<T>&, const DenseMatrix<T>& W, const DenseMatrix<T>&) {
    den_H_.noalias() = W.transpose() * WH_;
  }

  // Sparse X: the ratio only at X's non-zeros, on a copy of X's pattern (made once).
  static void fill_ratio(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                         double beta, SparseMatrix<T>& ratio) {
    if (ratio.nonZeros() != X.nonZeros()) ratio = X;
    T* values = ratio.valuePtr();
    linalg::product_at_nonzeros(X, W, H, values);
    const T* x = X.valuePtr();
    for (Index p = 0; p < X.nonZeros(); ++p) values[p] = weighted_ratio(x[p], values[p], beta);
  }

  void numerator_W(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
    fill_ratio(X, W, H, s_.beta, ratio_sparse_);
    linalg::multiply(ratio_sparse_, Ht_, num_W_);
  }
  void denominator_W(const SparseMatrix<T>&, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
    power_times_Ht(W, H, s_.beta, den_W_);
  }
  // On Xᵀ's pattern the ratio has the same values, in the order Wᵀ·ratio needs them.
  void numerator_H(const SparseMatrix<T>&, const SparseMatrix<T>& Xt, const DenseMatrix<T>& W,
                   const DenseMatrix<T>& H) {
    Ht_ = H.transpose();
    Wt_ = W.transpose();
    fill_ratio(Xt, Ht_, Wt_, s_.beta, ratio_sparse_t_);
    linalg::multiply(ratio_sparse_t_, W, XtW_);
    num_H_ = XtW_.transpose();
  }
  void denominator_H(const SparseMatrix<T>&, const DenseMatrix<T>&, const DenseMatrix<T>&) {
    power_times_Ht(Ht_, Wt_, s_.beta, XtW_);
    den_H_ = XtW_.transpose();
  }

  const SolverSettings& s_;
  double gamma_;
  bool have_H_terms_ = false;
  DenseMatrix<T> Ht_, Wt_, XHt_, HHt_, XtW_, WtW_;
  DenseMatrix<T> num_W_, den_W_, num_H_, den_H_;
  DenseMatrix<T> WH_, ratio_;
  SparseMatrix<T> ratio_sparse_, ratio_sparse_t_;
  Vector<T> H_sum_;
};

std::string epoch_line(int n_iter, double seconds, const double* error) {
  char line[128];
  if (error) {
    std::snprintf(line, sizeof line, "Epoch %02d reached after %.3f seconds, error: %f", n_iter,
                  seconds, *error);
  } else {
    std::snprintf(line, sizeof line, "Epoch %02d reached after %.3f seconds.", n_iter, seconds);
  }
  return line;
}

}  // namespace

template <class T>
template <class Matrix>
SolveReport MultiplicativeUpdate<T>::run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                                 bool update_H) const {
  const auto& s = settings_;
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
      if (s.verbose) s.progress.message(epoch_line(n_iter, elapsed(), &error));
      printed_last = true;
      if ((previous_error - error) / error_at_init < s.tol) break;
      previous_error = error;
    }
  }
  n_iter = std::min(n_iter, s.max_iter);
  if (s.verbose && !printed_last) s.progress.message(epoch_line(n_iter, elapsed(), nullptr));
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
        s.progress.message(epoch_line(
            n_iter, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            &error));
      }
      if ((previous_error - error) / error_at_init < s.tol) break;
      previous_error = error;
    }
  }
  n_iter = std::min(n_iter, s.max_iter);
  SolveReport report;
  report.n_iter = n_iter;
  return report;
}

NMFKIT_INSTANTIATE_SOLVER(MultiplicativeUpdate)
NMFKIT_INSTANTIATE_WEIGHTED_SOLVER(MultiplicativeUpdate)

}  // namespace nmfkit
