#include "nmfkit/nmf/init.hpp"

#include <cmath>
#include <functional>
#include <string>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/randomized_svd.hpp"
#include "operator_init.hpp"

namespace nmfkit {

namespace {

constexpr double kTruncation = 1e-6;  // scikit-learn's eps: smaller entries become 0

std::string shape_text(Index rows, Index cols) {
  return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

// |N(0,1)|·avg with the normals drawn in double, cast to T, then scaled in T, as
// NumPy evaluates avg * rng.standard_normal(size).astype(dtype).
template <class T>
DenseMatrix<T> scaled_normals(Index rows, Index cols, double avg, RandomState& rng) {
  DenseMatrix<T> out(rows, cols);
  rng.fill_standard_normal(out);
  out = (out * static_cast<T>(avg)).cwiseAbs();
  return out;
}

// √(Σ x²) with a sequential sum in T, then the root in double (BLAS dot, math.sqrt).
template <class T>
double norm_of(const Vector<T>& x) {
  T sum = 0;
  for (Index i = 0; i < x.size(); ++i) sum += x[i] * x[i];
  return std::sqrt(static_cast<double>(sum));
}

// scikit-learn seeds a fresh RandomState for the SVD and another for nndsvdar's fill.
// `svd` of X's leading k singular triplets; `mean_of_X` is asked only where the init needs it.
template <class T>
Factors<T> nndsvd(const linalg::Svd<T>& svd, Index m, Index n, Index k, Init init,
                  const std::optional<std::uint32_t>& random_state,
                  const std::function<T()>& mean_of_X) {
  Factors<T> f{DenseMatrix<T>::Zero(m, k), DenseMatrix<T>::Zero(k, n)};

  // The leading singular pair of a non-negative matrix is non-negative up to sign.
  const T root0 = std::sqrt(svd.S[0]);
  f.W.col(0) = root0 * svd.U.col(0).cwiseAbs();
  f.H.row(0) = root0 * svd.Vt.row(0).cwiseAbs();

  for (Index j = 1; j < k; ++j) {
    const Vector<T> x = svd.U.col(j);
    const Vector<T> y = svd.Vt.row(j).transpose();
    const Vector<T> x_pos = x.cwiseMax(T(0));
    const Vector<T> y_pos = y.cwiseMax(T(0));
    const Vector<T> x_neg = x.cwiseMin(T(0)).cwiseAbs();
    const Vector<T> y_neg = y.cwiseMin(T(0)).cwiseAbs();
    const double x_pos_norm = norm_of(x_pos);
    const double y_pos_norm = norm_of(y_pos);
    const double x_neg_norm = norm_of(x_neg);
    const double y_neg_norm = norm_of(y_neg);
    const double m_pos = x_pos_norm * y_pos_norm;
    const double m_neg = x_neg_norm * y_neg_norm;

    // Keep the sign pattern with the larger mass, as a unit-norm pair (u, v). When
    // both are empty the column stays zero (scikit-learn would divide 0 by 0).
    if (m_pos == 0 && m_neg == 0) continue;
    const bool positive = m_pos > m_neg;
    const Vector<T> u = positive ? Vector<T>(x_pos / static_cast<T>(x_pos_norm))
                                 : Vector<T>(x_neg / static_cast<T>(x_neg_norm));
    const Vector<T> v = positive ? Vector<T>(y_pos / static_cast<T>(y_pos_norm))
                                 : Vector<T>(y_neg / static_cast<T>(y_neg_norm));
    const double sigma = positive ? m_pos : m_neg;
    const auto lambda = static_cast<T>(std::sqrt(static_cast<double>(svd.S[j]) * sigma));
    f.W.col(j) = lambda * u;
    f.H.row(j) = (lambda * v).transpose();
  }

  for (DenseMatrix<T>* factor : {&f.W, &f.H}) {
    *factor = (factor->array() < static_cast<T>(kTruncation)).select(T(0), *factor);
  }

  if (init == Init::Nndsvda) {
    const T avg = mean_of_X();
    for (DenseMatrix<T>* factor : {&f.W, &f.H}) {
      *factor = (factor->array() == T(0)).select(avg, *factor);
    }
  } else if (init == Init::Nndsvdar) {
    // Small random values, W's zeros first and then H's, in row-major order.
    const double avg = static_cast<double>(mean_of_X());
    RandomState rng = RandomState::from_optional(random_state);
    for (DenseMatrix<T>* factor : {&f.W, &f.H}) {
      T* values = factor->data();
      for (Index i = 0; i < factor->size(); ++i) {
        if (values[i] == T(0))
          values[i] = static_cast<T>(std::abs(avg * rng.standard_normal() / 100));
      }
    }
  }
  return f;
}

// What initialize_from checks first, for X of any kind; returns the init to run.
Init checked_init(Init init, Index k, Index m, Index n) {
  if (init != Init::Auto && init != Init::Random && k > std::min(m, n)) {
    throw InvalidArgument("init = '" + to_string(init) +
                          "' can only be used when n_components <= min(n_samples, n_features) = " +
                          std::to_string(std::min(m, n)) +
                          "; got n_components = " + std::to_string(k) + " (use init = 'random')");
  }
  init = resolve_init(init, k, m, n);
  if (init == Init::Custom) {
    throw InvalidArgument("init = 'custom' needs W and H from the caller");
  }
  return init;
}


template <class T, class Matrix>
Factors<T> initialize_from(const Matrix& X, Index k, Init init,
                           const std::optional<std::uint32_t>& random_state,
                           linalg::SvdArithmetic svd) {
  const Index m = X.rows();
  const Index n = X.cols();
  init = checked_init(init, k, m, n);
  if (init == Init::Random) return random_init<T>(m, n, k, linalg::mean(X), random_state);
  // scikit-learn seeds a fresh RandomState for the SVD.
  RandomState svd_rng = RandomState::from_optional(random_state);
  linalg::RandomizedSvdOptions svd_options;
  svd_options.arithmetic = svd;
  return nndsvd<T>(linalg::randomized_svd(X, k, svd_rng, svd_options), m, n, k, init,
                   random_state, [&] { return linalg::mean(X); });
}

}  // namespace

Init resolve_init(Init init, Index k, Index n_samples, Index n_features) {
  if (init != Init::Auto) return init;
  return k <= std::min(n_samples, n_features) ? Init::Nndsvda : Init::Random;
}

template <class T>
Factors<T> initialize(const DenseMatrix<T>& X, Index k, Init init,
                      const std::optional<std::uint32_t>& random_state, linalg::SvdArithmetic svd) {
  return initialize_from<T>(X, k, init, random_state, svd);
}

template <class T>
Factors<T> initialize(const SparseMatrix<T>& X, Index k, Init init,
                      const std::optional<std::uint32_t>& random_state, linalg::SvdArithmetic svd) {
  return initialize_from<T>(X, k, init, random_state, svd);
}

template <class T>
Factors<T> initialize(Index m, Index n, T mean, const linalg::Product<T>& times,
                      const linalg::Product<T>& transpose_times, Index k, Init init,
                      const std::optional<std::uint32_t>& random_state, linalg::SvdArithmetic svd) {
  init = checked_init(init, k, m, n);
  if (init == Init::Random) return random_init<T>(m, n, k, mean, random_state);
  RandomState svd_rng = RandomState::from_optional(random_state);
  linalg::RandomizedSvdOptions svd_options;
  svd_options.arithmetic = svd;
  return nndsvd<T>(linalg::randomized_svd<T>(m, n, times, transpose_times, k, svd_rng, svd_options),
                   m, n, k, init, random_state, [mean] { return mean; });
}

template <class T>
Factors<T> random_init(Index m, Index n, Index k, T mean,
                       const std::optional<std::uint32_t>& random_state) {
  RandomState rng = RandomState::from_optional(random_state);
  // The mean's division and root happen in double, as for NumPy scalars.
  const double avg = std::sqrt(static_cast<double>(mean) / static_cast<double>(k));
  DenseMatrix<T> H = scaled_normals<T>(k, n, avg, rng);
  DenseMatrix<T> W = scaled_normals<T>(m, k, avg, rng);
  return {std::move(W), std::move(H)};
}

template <class T>
void check_factor(const DenseMatrix<T>& factor, Index rows, Index cols, const std::string& who) {
  if (factor.rows() != rows || factor.cols() != cols) {
    throw InvalidArgument(who + " has the wrong shape: expected " + shape_text(rows, cols) +
                          ", got " + shape_text(factor.rows(), factor.cols()));
  }
  if (!factor.allFinite()) throw InvalidArgument(who + " contains NaN or infinity");
  if ((factor.array() < T(0)).any()) throw InvalidArgument("Negative values in " + who);
  if (factor.size() == 0 || factor.maxCoeff() == T(0)) {
    throw InvalidArgument(who + " is full of zeros");
  }
}

template Factors<float> initialize(const DenseMatrix<float>&, Index, Init,
                                   const std::optional<std::uint32_t>&, linalg::SvdArithmetic);
template Factors<double> initialize(const DenseMatrix<double>&, Index, Init,
                                    const std::optional<std::uint32_t>&, linalg::SvdArithmetic);
template Factors<float> initialize(const SparseMatrix<float>&, Index, Init,
                                   const std::optional<std::uint32_t>&, linalg::SvdArithmetic);
template Factors<double> initialize(const SparseMatrix<double>&, Index, Init,
                                    const std::optional<std::uint32_t>&, linalg::SvdArithmetic);
template Factors<float> initialize(Index, Index, float, const linalg::Product<float>&,
                                   const linalg::Product<float>&, Index, Init,
                                   const std::optional<std::uint32_t>&, linalg::SvdArithmetic);
template Factors<double> initialize(Index, Index, double, const linalg::Product<double>&,
                                    const linalg::Product<double>&, Index, Init,
                                    const std::optional<std::uint32_t>&, linalg::SvdArithmetic);
template Factors<float> random_init(Index, Index, Index, float,
                                    const std::optional<std::uint32_t>&);
template Factors<double> random_init(Index, Index, Index, double,
                                     const std::optional<std::uint32_t>&);
template void check_factor(const DenseMatrix<float>&, Index, Index, const std::string&);
template void check_factor(const DenseMatrix<double>&, Index, Index, const std::string&);

}  // namespace nmfkit
