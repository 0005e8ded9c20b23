#pragma once
// scikit-learn's multiplicative updates (_multiplicative_update_w/_h) as building blocks,
// shared by the 'mu' solver (multiplicative_update.cpp) and MiniBatchNMF (minibatch.cpp).

#include <cmath>
#include <limits>

#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit::mu {

using linalg::kEpsilon;
constexpr double kFloat64Epsilon = std::numeric_limits<double>::epsilon();

inline double exponent_gamma(double beta) {
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

// The updates' products run on the vector kernels (linalg::fast_multiply): scikit-learn's
// come from NumPy's BLAS, so they are matched to rounding, not bit for bit, either way.
// out = Aᵀ·B (k×n) for dense A (m×k) and B (m×n), as (Bᵀ·A)ᵀ.
template <class T>
void transposed_product(const DenseMatrix<T>& A, const DenseMatrix<T>& B, DenseMatrix<T>& out) {
  DenseMatrix<T> Bt_A;
  linalg::fast_dense_multiply(B, true, A, Bt_A);
  out = Bt_A.transpose();
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
        linalg::fast_multiply(X, Ht_, XHt_);
        linalg::gram(Ht_, HHt_);
      }
      num_W_ = XHt_;
      linalg::fast_multiply(W, HHt_, den_W_);
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
    H_terms(X, Xt, W, H);
    apply_update(H, num_H_, den_H_, s_.penalties.l1_H, s_.penalties.l2_H, gamma_);
  }

  // The numerator and denominator of H's update, before penalties (H_numerator(),
  // H_denominator(); overwritten by the next update).
  template <class Matrix, class TransposedMatrix>
  void H_terms(const Matrix& X, const TransposedMatrix& Xt, const DenseMatrix<T>& W,
               const DenseMatrix<T>& H) {
    if (s_.beta == 2) {
      linalg::fast_multiply(Xt, W, XtW_);
      num_H_ = XtW_.transpose();
      linalg::gram(W, WtW_);
      linalg::fast_multiply(WtW_, H, den_H_);
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
  }
  DenseMatrix<T>& H_numerator() { return num_H_; }
  DenseMatrix<T>& H_denominator() { return den_H_; }

 private:
  // Dense X: WH, X ⊙ WH^(β−2) and WH^(β−1) as m×n matrices, as scikit-learn forms them.
  void dense_terms(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
    linalg::fast_multiply(W, H, WH_);
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
    linalg::fast_multiply(ratio_, Ht_, num_W_);
  }
  void denominator_W(const DenseMatrix<T>&, const DenseMatrix<T>&, const DenseMatrix<T>&) {
    linalg::fast_multiply(WH_, Ht_, den_W_);  // WH_ holds WH^(β−1) after dense_terms
  }
  template <class TransposedMatrix>
  void numerator_H(const DenseMatrix<T>& X, const TransposedMatrix&, const DenseMatrix<T>& W,
                   const DenseMatrix<T>& H) {
    dense_terms(X, W, H);
    transposed_product(W, ratio_, num_H_);
  }
  void denominator_H(const DenseMatrix<T>&, const DenseMatrix<T>& W, const DenseMatrix<T>&) {
    transposed_product(W, WH_, den_H_);
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
    linalg::fast_multiply(ratio_sparse_, Ht_, num_W_);
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
    linalg::fast_multiply(ratio_sparse_t_, W, XtW_);
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

}  // namespace nmfkit::mu
