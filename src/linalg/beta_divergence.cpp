#include "nmfkit/linalg/beta_divergence.hpp"

#include <algorithm>
#include <cmath>

#include "nmfkit/linalg/kernels.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/products.hpp"
#include "half_squared_residual.hpp"

namespace nmfkit::linalg {

namespace {

template <class T>
T sequential_dot(const T* a, const T* b, Index n) {
  T sum = 0;
  for (Index i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// The pairs (x, wh) with x > ε, and wh = 0 replaced by ε.
template <class T>
struct FilteredPairs {
  std::vector<T> x;
  std::vector<T> wh;

  void reserve(std::size_t n) {
    x.reserve(n);
    wh.reserve(n);
  }
  void add(T x_value, T wh_value) {
    if (!(x_value > static_cast<T>(kEpsilon))) return;
    x.push_back(x_value);
    wh.push_back(wh_value == T(0) ? static_cast<T>(kEpsilon) : wh_value);
  }
  T sum_of(const std::vector<T>& v) const {
    return numpy_sum(v.data(), static_cast<Index>(v.size()));
  }
};

// np.sum(W, axis=0) · np.sum(H, axis=1): the sum of all entries of WH without forming it.
template <class T>
T sum_of_product(const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  const Vector<T> w_sums = column_sums(W);
  const Vector<T> h_sums = row_sums(H);
  return sequential_dot(w_sums.data(), h_sums.data(), W.cols());
}

// The terms of D_β that involve x, combined with Σ_all (WH)^β, for β ∉ {2}.
template <class T>
double divergence_from_pairs(const FilteredPairs<T>& pairs, double beta, double total_wh_power,
                             T total_wh, double entry_count) {
  const auto n = pairs.x.size();
  std::vector<T> work(n);
  if (beta == 1 || beta == 0) {
    std::vector<T> ratio(n);
    for (std::size_t i = 0; i < n; ++i) ratio[i] = pairs.x[i] / pairs.wh[i];
    // The vector kernels' logarithm (kernels.hpp): within 2 ulp of std::log.
    active_kernels().get<T>().log_array(ratio.data(), work.data(), static_cast<Index>(n));
    if (beta == 1) {
      T result = sequential_dot(pairs.x.data(), work.data(), static_cast<Index>(n));
      result += total_wh - pairs.sum_of(pairs.x);
      return static_cast<double>(result);
    }
    return static_cast<double>(pairs.sum_of(ratio)) - entry_count -
           static_cast<double>(pairs.sum_of(work));
  }
  for (std::size_t i = 0; i < n; ++i) {
    work[i] = numpy_power(pairs.wh[i], beta - 1);
  }
  const T sum_x_wh = sequential_dot(pairs.x.data(), work.data(), static_cast<Index>(n));
  for (std::size_t i = 0; i < n; ++i) work[i] = numpy_power(pairs.x[i], beta);
  double result = static_cast<double>(pairs.sum_of(work)) - beta * static_cast<double>(sum_x_wh);
  result += total_wh_power * (beta - 1);
  return result / (beta * (beta - 1));
}

}  // namespace

double divergence_to_error(double divergence) {
  return std::sqrt(2 * std::max(divergence, 0.0));
}

template <class T>
void product_at_nonzeros(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                         T* values) {
  const Index k = W.cols();
  const auto* outer = X.outerIndexPtr();
  const auto* inner = X.innerIndexPtr();
#pragma omp parallel if (X.nonZeros() * k > 100000)
  {
    std::vector<T> terms(static_cast<std::size_t>(k));
#pragma omp for schedule(dynamic, 64)
    for (Index i = 0; i < X.rows(); ++i) {
      for (auto p = outer[i]; p < outer[i + 1]; ++p) {
        const Index j = inner[p];
        for (Index r = 0; r < k; ++r) terms[r] = W(i, r) * H(r, j);
        values[p] = numpy_sum(terms.data(), k);
      }
    }
  }
}

template <class T>
double beta_divergence(const DenseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                       double beta) {
  if (beta == 2) {
    return detail::half_squared_residual(
        X.rows(), X.cols(), [&](Index first, Index count) { return X.middleRows(first, count); },
        W, H);
  }
  DenseMatrix<T> WH;
  fast_multiply(W, H, WH);
  FilteredPairs<T> pairs;
  pairs.reserve(static_cast<std::size_t>(X.size()));
  for (Index i = 0; i < X.size(); ++i) pairs.add(X.data()[i], WH.data()[i]);
  double total_wh_power = 0;
  if (beta != 1 && beta != 0) {
    std::vector<T> powers(static_cast<std::size_t>(WH.size()));
    for (Index i = 0; i < WH.size(); ++i) powers[i] = numpy_power(WH.data()[i], beta);
    total_wh_power = static_cast<double>(numpy_sum(powers.data(), WH.size()));
  }
  const T total_wh = beta == 1 ? sum_of_product(W, H) : T(0);
  return divergence_from_pairs(pairs, beta, total_wh_power, total_wh,
                               static_cast<double>(X.rows()) * static_cast<double>(X.cols()));
}

template <class T>
double beta_divergence(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                       double beta) {
  const Index nnz = X.nonZeros();
  const T* x = X.valuePtr();
  if (beta == 2) {
    // ½(‖X‖² + tr(WᵀW·HHᵀ) − 2⟨XHᵀ, W⟩) without forming WH.
    const T norm_x = sequential_dot(x, x, nnz);
    const DenseMatrix<T> WtWH = gram(W) * H;
    const T norm_wh = sequential_dot(WtWH.data(), H.data(), H.size());
    const DenseMatrix<T> Ht = H.transpose();
    const DenseMatrix<T> XHt = multiply(X, Ht);
    const T cross = sequential_dot(XHt.data(), W.data(), W.size());
    return (static_cast<double>(norm_x + norm_wh) - 2.0 * static_cast<double>(cross)) / 2.0;
  }
  std::vector<T> wh(static_cast<std::size_t>(nnz));
  product_at_nonzeros(X, W, H, wh.data());
  FilteredPairs<T> pairs;
  pairs.reserve(static_cast<std::size_t>(nnz));
  for (Index p = 0; p < nnz; ++p) pairs.add(x[p], wh[p]);
  double total_wh_power = 0;
  if (beta != 1 && beta != 0) {
    // Column by column, as scikit-learn does to bound memory; the column sums are
    // added in order afterwards so the thread count does not change the result.
    std::vector<double> column_sums(static_cast<std::size_t>(H.cols()));
#pragma omp parallel if (W.rows() * H.cols() * W.cols() > 100000)
    {
      std::vector<T> column(static_cast<std::size_t>(W.rows()));
#pragma omp for schedule(static)
      for (Index j = 0; j < H.cols(); ++j) {
        for (Index i = 0; i < W.rows(); ++i) {
          T dot = 0;
          for (Index r = 0; r < W.cols(); ++r) dot += W(i, r) * H(r, j);
          column[i] = numpy_power(dot, beta);
        }
        column_sums[j] = static_cast<double>(numpy_sum(column.data(), W.rows()));
      }
    }
    for (double sum : column_sums) total_wh_power += sum;
  }
  const T total_wh = beta == 1 ? sum_of_product(W, H) : T(0);
  return divergence_from_pairs(pairs, beta, total_wh_power, total_wh,
                               static_cast<double>(X.rows()) * static_cast<double>(X.cols()));
}

template double beta_divergence(const DenseMatrix<float>&, const DenseMatrix<float>&,
                                const DenseMatrix<float>&, double);
template double beta_divergence(const DenseMatrix<double>&, const DenseMatrix<double>&,
                                const DenseMatrix<double>&, double);
template double beta_divergence(const SparseMatrix<float>&, const DenseMatrix<float>&,
                                const DenseMatrix<float>&, double);
template double beta_divergence(const SparseMatrix<double>&, const DenseMatrix<double>&,
                                const DenseMatrix<double>&, double);
template void product_at_nonzeros(const SparseMatrix<float>&, const DenseMatrix<float>&,
                                  const DenseMatrix<float>&, float*);
template void product_at_nonzeros(const SparseMatrix<double>&, const DenseMatrix<double>&,
                                  const DenseMatrix<double>&, double*);

}  // namespace nmfkit::linalg
