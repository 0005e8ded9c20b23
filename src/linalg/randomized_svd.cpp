#include "nmfkit/linalg/randomized_svd.hpp"
#include "nmfkit/linalg/randomized_svd_products.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"
#include "nmfkit/linalg/products.hpp"

namespace nmfkit::linalg {

namespace {

// Eigen splits a large product over threads itself, and its blocking, so its rounding,
// then depends on the thread count. The SVD keeps Eigen on one thread (the products with
// X run in our own fixed blocks, in parallel), so that a seed gives bitwise the same
// start, and the same fit, for any thread count.
class EigenOnOneThread {
 public:
  EigenOnOneThread() { Eigen::setNbThreads(1); }
  ~EigenOnOneThread() { Eigen::setNbThreads(-1); }  // back to OpenMP's count
  EigenOnOneThread(const EigenOnOneThread&) = delete;
  EigenOnOneThread& operator=(const EigenOnOneThread&) = delete;
};

template <class T>
DenseMatrix<T> orthonormal_basis(const DenseMatrix<T>& A) {
  const Index r = std::min(A.rows(), A.cols());
  Eigen::HouseholderQR<DenseMatrix<T>> qr(A);
  DenseMatrix<T> Q = DenseMatrix<T>::Identity(A.rows(), r);
  Q.applyOnTheLeft(qr.householderQ());
  return Q;
}

// A ← A·R⁻¹ with RᵀR = AᵀA (Cholesky-QR), in place: an orthonormal basis of A's columns
// from one Gram matrix and one pass, where LU and Householder QR step through A column by
// column. False, with A untouched, when A is too ill-conditioned for it (its columns'
// orthogonality would be lost).
template <class T>
bool orthonormalise_by_cholesky(DenseMatrix<T>& A) {
  DenseMatrix<T> G;
  gram(A, G);
  const Eigen::LLT<DenseMatrix<T>> llt(G);
  if (llt.info() != Eigen::Success) return false;
  const DenseMatrix<T> L = llt.matrixL();
  const auto diagonal = L.diagonal().array();
  // The diagonal's spread estimates A's condition number; orthogonality is lost as eps·κ².
  const T limit = std::pow(std::numeric_limits<T>::epsilon(), T(0.25));
  if (!(diagonal.minCoeff() > limit * diagonal.maxCoeff())) return false;
  const DenseMatrix<T> inverse_transpose = L.template triangularView<Eigen::Lower>()
                                               .solve(DenseMatrix<T>::Identity(L.rows(), L.cols()))
                                               .transpose();
  // Fixed blocks of rows, each product evaluated into a temporary (Eigen assumes aliasing).
  constexpr Index kRows = 256;
  const Index blocks = (A.rows() + kRows - 1) / kRows;
#pragma omp parallel for schedule(static) if (A.size() * A.cols() > 100000)
  for (Index b = 0; b < blocks; ++b) {
    auto rows = A.middleRows(b * kRows, std::min(kRows, A.rows() - b * kRows));
    rows = rows * inverse_transpose;
  }
  return true;
}

template <class T>
DenseMatrix<T> normalize(DenseMatrix<T> A, PowerIterationNormalizer normalizer,
                         SvdArithmetic arithmetic) {
  switch (normalizer) {
    case PowerIterationNormalizer::LU:
      if (arithmetic == SvdArithmetic::Fast && orthonormalise_by_cholesky(A)) return A;
      return permuted_lower_factor(std::move(A));
    case PowerIterationNormalizer::QR:
      return orthonormal_basis(A);
    default:
      return A;
  }
}

// The sign of NumPy's np.sign: 0 for 0.
template <class T>
T sign_of(T value) {
  return static_cast<T>((value > 0) - (value < 0));
}

// The algorithm on A (a_rows×a_cols) given only the products A·Q and Aᵀ·Q.
template <class T, class Times, class TransposeTimes>
Svd<T> randomized_svd_of(Index a_rows, Index a_cols, bool transposed, Index k, RandomState& rng,
                         const RandomizedSvdOptions& options, Times times,
                         TransposeTimes transpose_times) {
  const EigenOnOneThread eigen_on_one_thread;
  const Index n_random = k + options.n_oversamples;
  int n_iter = options.n_iter;
  if (n_iter < 0) n_iter = k < 0.1 * static_cast<double>(std::min(a_rows, a_cols)) ? 7 : 4;
  auto normalizer = options.normalizer;
  if (normalizer == PowerIterationNormalizer::Auto) {
    normalizer = n_iter <= 2 ? PowerIterationNormalizer::None : PowerIterationNormalizer::LU;
  }

  // Gaussian test matrix, drawn in double and cast, as NumPy does for float32 data.
  DenseMatrix<T> Q;
  {
    DenseMatrix<double> omega(a_cols, n_random);
    rng.fill_standard_normal(omega);
    Q = omega.cast<T>();
  }
  for (int it = 0; it < n_iter; ++it) {
    Q = normalize<T>(times(Q), normalizer, options.arithmetic);
    Q = normalize<T>(transpose_times(Q), normalizer, options.arithmetic);
  }
  Q = orthonormal_basis<T>(times(Q));

  // B = QᵀA is small (l×a_cols); its SVD gives A's.
  const DenseMatrix<T> B = transpose_times(Q).transpose();
  using ColMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  Eigen::BDCSVD<ColMajor> svd(ColMajor(B), Eigen::ComputeThinU | Eigen::ComputeThinV);
  const DenseMatrix<T> Ua = Q * svd.matrixU();
  const DenseMatrix<T> Vta = svd.matrixV().transpose();

  Svd<T> result;
  result.U = transposed ? DenseMatrix<T>(Vta.transpose()) : Ua;
  result.Vt = transposed ? DenseMatrix<T>(Ua.transpose()) : Vta;
  result.S = svd.singularValues();
  if (options.flip_sign) {
    // Decided on U's columns in both orientations, as scikit-learn's svd_flip calls do.
    for (Index j = 0; j < result.U.cols(); ++j) {
      Index largest = 0;
      result.U.col(j).cwiseAbs().maxCoeff(&largest);
      const T sign = sign_of(result.U(largest, j));
      result.U.col(j) *= sign;
      result.Vt.row(j) *= sign;
    }
  }
  result.U = result.U.leftCols(k).eval();
  result.Vt = result.Vt.topRows(k).eval();
  result.S = result.S.head(k).eval();
  return result;
}

void check_rank(Index k, Index m, Index n, Index oversamples, std::size_t scalar_size) {
  if (k < 1 || k > std::min(m, n)) {
    throw InvalidArgument("randomized_svd: k must be between 1 and min(m, n) = " +
                          std::to_string(std::min(m, n)) + ", got " + std::to_string(k));
  }
  // The range finder keeps about three (m + n) × (k + oversamples) blocks at once.
  const double width = static_cast<double>(k + std::max<Index>(oversamples, 0));
  require_memory(3 * (static_cast<double>(m) + static_cast<double>(n)) * width *
                     static_cast<double>(scalar_size),
                 "randomized_svd with k = " + std::to_string(k) + " on a " + std::to_string(m) +
                     " × " + std::to_string(n) + " matrix");
}

bool use_transpose(const RandomizedSvdOptions& options, Index m, Index n) {
  return options.transpose.value_or(m < n);
}

}  // namespace

template <class T>
DenseMatrix<T> permuted_lower_factor(DenseMatrix<T> A) {
  const Index m = A.rows();
  const Index n = A.cols();
  const Index r = std::min(m, n);
  std::vector<Index> row_of(static_cast<std::size_t>(m));
  for (Index i = 0; i < m; ++i) row_of[i] = i;
  for (Index j = 0; j < r; ++j) {
    Index pivot = j;
    for (Index i = j + 1; i < m; ++i) {
      if (std::abs(A(i, j)) > std::abs(A(pivot, j))) pivot = i;
    }
    if (A(pivot, j) == T(0)) continue;  // singular column: nothing to eliminate
    if (pivot != j) {
      A.row(j).swap(A.row(pivot));
      std::swap(row_of[j], row_of[pivot]);
    }
    const T reciprocal = T(1) / A(j, j);
    // Rows are eliminated independently of each other, so threads change nothing.
#pragma omp parallel for schedule(static) if ((m - j) * (n - j) > 100000)
    for (Index i = j + 1; i < m; ++i) {
      const T factor = A(i, j) * reciprocal;
      A(i, j) = factor;
      for (Index c = j + 1; c < n; ++c) A(i, c) -= factor * A(j, c);
    }
  }
  DenseMatrix<T> PL = DenseMatrix<T>::Zero(m, r);
  for (Index i = 0; i < m; ++i) {
    for (Index c = 0; c < std::min(i, r); ++c) PL(row_of[i], c) = A(i, c);
    if (i < r) PL(row_of[i], i) = T(1);
  }
  return PL;
}

namespace {

// X·Q by the fast solvers' products or by the exact ones (options.arithmetic).
template <class Matrix, class T>
DenseMatrix<T> product_of(const Matrix& X, const DenseMatrix<T>& Q, bool fast) {
  DenseMatrix<T> out;
  fast ? fast_multiply(X, Q, out) : multiply(X, Q, out);
  return out;
}

}  // namespace

template <class T>
Svd<T> randomized_svd(const DenseMatrix<T>& X, Index k, RandomState& rng,
                      const RandomizedSvdOptions& options) {
  const bool fast = options.arithmetic == SvdArithmetic::Fast;
  return randomized_svd<T>(
      X.rows(), X.cols(), [&](const DenseMatrix<T>& Q) { return product_of(X, Q, fast); },
      [&](const DenseMatrix<T>& Q) { return product_of(X.transpose(), Q, fast); }, k, rng, options);
}

template <class T>
Svd<T> randomized_svd(const SparseMatrix<T>& X, Index k, RandomState& rng,
                      const RandomizedSvdOptions& options) {
  check_rank(k, X.rows(), X.cols(), options.n_oversamples, sizeof(T));  // before copying Xᵀ
  const bool fast = options.arithmetic == SvdArithmetic::Fast;
  // The exact products scatter Xᵀ·Q instead of copying Xᵀ: that SVD is the peak of a
  // scikit-learn-exact fit's memory. The fast ones stream a copy, as the fast solvers do.
  const SparseMatrix<T> Xt = fast ? transposed(X) : SparseMatrix<T>();
  const auto by_Xt = [&](const DenseMatrix<T>& Q) {
    if (fast) return product_of(Xt, Q, true);
    DenseMatrix<T> out;
    transpose_multiply(X, Q, out);
    return out;
  };
  return randomized_svd<T>(
      X.rows(), X.cols(), [&](const DenseMatrix<T>& Q) { return product_of(X, Q, fast); }, by_Xt, k,
      rng, options);
}

template <class T>
Svd<T> randomized_svd(Index m, Index n, const Product<T>& times, const Product<T>& transpose_times,
                      Index k, RandomState& rng, const RandomizedSvdOptions& options) {
  check_rank(k, m, n, options.n_oversamples, sizeof(T));
  if (use_transpose(options, m, n)) {
    return randomized_svd_of<T>(n, m, true, k, rng, options, transpose_times, times);
  }
  return randomized_svd_of<T>(m, n, false, k, rng, options, times, transpose_times);
}

template Svd<float> randomized_svd(Index, Index, const Product<float>&, const Product<float>&,
                                   Index, RandomState&, const RandomizedSvdOptions&);
template Svd<double> randomized_svd(Index, Index, const Product<double>&, const Product<double>&,
                                    Index, RandomState&, const RandomizedSvdOptions&);
template Svd<float> randomized_svd(const DenseMatrix<float>&, Index, RandomState&,
                                   const RandomizedSvdOptions&);
template Svd<double> randomized_svd(const DenseMatrix<double>&, Index, RandomState&,
                                    const RandomizedSvdOptions&);
template Svd<float> randomized_svd(const SparseMatrix<float>&, Index, RandomState&,
                                   const RandomizedSvdOptions&);
template Svd<double> randomized_svd(const SparseMatrix<double>&, Index, RandomState&,
                                    const RandomizedSvdOptions&);
template DenseMatrix<float> permuted_lower_factor(DenseMatrix<float>);
template DenseMatrix<double> permuted_lower_factor(DenseMatrix<double>);

}  // namespace nmfkit::linalg
