#include "nmfkit/linalg/numpy_arithmetic.hpp"

#include <algorithm>
#include <vector>

namespace nmfkit::linalg {

namespace {
constexpr Index kPairwiseBlock = 128;  // NumPy's PW_BLOCKSIZE
constexpr Index kBufferSize = 8192;    // NumPy's default ufunc buffer

template <class T>
T pairwise_sum(const T* a, Index n) {
  if (n < 8) {
    T sum = 0;
    for (Index i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n <= kPairwiseBlock) {
    T r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    Index i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    T sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i];
    return sum;
  }
  Index half = n / 2;
  half -= half % 8;
  return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}
}  // namespace

template <class T>
T numpy_sum(const T* data, Index n) {
  T sum = 0;
  for (Index start = 0; start < n; start += kBufferSize) {
    sum += pairwise_sum(data + start, std::min(kBufferSize, n - start));
  }
  return sum;
}

template <class T>
T mean(const DenseMatrix<T>& X) {
  // NumPy divides the sum by the count in double, then casts back to the array's type.
  const double count = static_cast<double>(X.size());
  return static_cast<T>(static_cast<double>(numpy_sum(X.data(), X.size())) / count);
}

template <class T>
T mean(const SparseMatrix<T>& X) {
  const T scale =
      static_cast<T>(1.0 / (static_cast<double>(X.rows()) * static_cast<double>(X.cols())));
  std::vector<T> row_sums(static_cast<std::size_t>(X.rows()), T(0));
  for (Index i = 0; i < X.rows(); ++i) {
    T sum = 0;
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) sum += it.value() * scale;
    row_sums[static_cast<std::size_t>(i)] = sum;
  }
  return numpy_sum(row_sums.data(), X.rows());
}

template <class T>
Vector<T> column_sums(const DenseMatrix<T>& A) {
  if (A.cols() == 1) return Vector<T>::Constant(1, numpy_sum(A.data(), A.rows()));
  Vector<T> sums = Vector<T>::Zero(A.cols());
  for (Index i = 0; i < A.rows(); ++i) sums += A.row(i).transpose();
  return sums;
}

template <class T>
Vector<T> row_sums(const DenseMatrix<T>& A) {
  Vector<T> sums(A.rows());
  for (Index r = 0; r < A.rows(); ++r) sums[r] = numpy_sum(A.data() + r * A.cols(), A.cols());
  return sums;
}

template float numpy_sum(const float*, Index);
template double numpy_sum(const double*, Index);
template float mean(const DenseMatrix<float>&);
template double mean(const DenseMatrix<double>&);
template float mean(const SparseMatrix<float>&);
template double mean(const SparseMatrix<double>&);
template Vector<float> column_sums(const DenseMatrix<float>&);
template Vector<double> column_sums(const DenseMatrix<double>&);
template Vector<float> row_sums(const DenseMatrix<float>&);
template Vector<double> row_sums(const DenseMatrix<double>&);

}  // namespace nmfkit::linalg
