#include "nmfkit/linalg/products.hpp"

namespace nmfkit::linalg {

template <class T>
void gram(const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  out.noalias() = A.transpose() * A;
}

template <class T>
void multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  const Index m = X.rows();
  const Index k = A.cols();
  out.resize(m, k);
  const auto* outer = X.outerIndexPtr();
  const auto* inner = X.innerIndexPtr();
  const T* values = X.valuePtr();
#pragma omp parallel for schedule(dynamic, 64) if (X.nonZeros() * k > 100000)
  for (Index i = 0; i < m; ++i) {
    T* row = out.data() + i * k;
    for (Index r = 0; r < k; ++r) row[r] = T(0);
    for (auto p = outer[i]; p < outer[i + 1]; ++p) {
      const T x = values[p];
      const T* a = A.data() + inner[p] * k;
      for (Index r = 0; r < k; ++r) row[r] += x * a[r];
    }
  }
}

template <class T>
SparseMatrix<T> transposed(const SparseMatrix<T>& X) {
  SparseMatrix<T> t = X.transpose();
  return t;
}

template void gram(const DenseMatrix<float>&, DenseMatrix<float>&);
template void gram(const DenseMatrix<double>&, DenseMatrix<double>&);
template void multiply(const SparseMatrix<float>&, const DenseMatrix<float>&, DenseMatrix<float>&);
template void multiply(const SparseMatrix<double>&, const DenseMatrix<double>&,
                       DenseMatrix<double>&);
template SparseMatrix<float> transposed(const SparseMatrix<float>&);
template SparseMatrix<double> transposed(const SparseMatrix<double>&);

}  // namespace nmfkit::linalg
