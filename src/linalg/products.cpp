#include "nmfkit/linalg/products.hpp"

#include <algorithm>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/kernels.hpp"

namespace nmfkit::linalg {

constexpr Index kGramRows = 2048;

Index gram_blocks(Index rows) { return std::max<Index>(1, (rows + kGramRows - 1) / kGramRows); }

template <class T>
void gram_partials(const DenseMatrix<T>& A, Index first, Index end, T* partials) {
  const Index k = A.cols();
  const double work = static_cast<double>(std::min(A.rows(), (end - first) * kGramRows)) *
                      static_cast<double>(k) * static_cast<double>(k);
#pragma omp parallel for schedule(dynamic) if (work >= kEigenParallelWork)
  for (Index block = first; block < end; ++block) {
    const Index top = block * kGramRows;
    const auto rows = A.middleRows(top, std::min(kGramRows, A.rows() - top));
    DenseMatrix<T> partial;
    partial.noalias() = rows.transpose() * rows;
    std::copy(partial.data(), partial.data() + k * k, partials + (block - first) * k * k);
  }
}

template <class T>
void add_gram_partials(const T* partials, Index blocks, Index k, DenseMatrix<T>& out) {
  out = Eigen::Map<const DenseMatrix<T>>(partials, k, k);
  for (Index block = 1; block < blocks; ++block) {
    out += Eigen::Map<const DenseMatrix<T>>(partials + block * k * k, k, k);
  }
}

template <class T>
void gram(const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  const Index blocks = gram_blocks(A.rows());
  std::vector<T> partials(static_cast<std::size_t>(blocks * A.cols() * A.cols()));
  gram_partials(A, 0, blocks, partials.data());
  add_gram_partials(partials.data(), blocks, A.cols(), out);
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
void fast_multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  const Index m = X.rows();
  const Index k = A.cols();
  out.resize(m, k);
  const auto& kernel = active_kernels().get<T>();
  // Blocks of rows are handed out dynamically: row lengths vary a lot in text data.
  constexpr Index kRows = 64;
  const Index blocks = (m + kRows - 1) / kRows;
#pragma omp parallel for schedule(dynamic) if (X.nonZeros() * k > 100000)
  for (Index block = 0; block < blocks; ++block) {
    const Index first = block * kRows;
    kernel.csr_times_dense(X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(), A.data(), k,
                           out.data(), first, std::min(first + kRows, m));
  }
}

template <class T>
void fast_dense_multiply(const DenseMatrix<T>& X, bool transposed, const DenseMatrix<T>& A,
                         DenseMatrix<T>& out) {
  const Index rows = transposed ? X.cols() : X.rows();
  const Index terms = transposed ? X.rows() : X.cols();
  const Index k = A.cols();
  if (A.rows() != terms) throw InvalidArgument("fast_dense_multiply: shapes do not match");
  out.resize(rows, k);
  const Index row_stride = transposed ? 1 : X.cols();
  const Index term_stride = transposed ? X.cols() : 1;
  const Kernels& kernels = active_kernels();
  if (kernels.isa == Isa::Portable) {
    // Without vector instructions Eigen's blocked product is the faster one.
    transposed ? multiply(X.transpose(), A, out) : multiply(X, A, out);
    return;
  }
  const auto& kernel = kernels.get<T>();
  constexpr Index kRows = 64;
  const Index blocks = (rows + kRows - 1) / kRows;
  const double work = static_cast<double>(rows) * static_cast<double>(terms) * static_cast<double>(k);
#pragma omp parallel for schedule(dynamic) if (work > 100000)
  for (Index block = 0; block < blocks; ++block) {
    const Index first = block * kRows;
    kernel.dense_times_dense(X.data(), row_stride, term_stride, terms, A.data(), k, out.data(),
                             first, std::min(first + kRows, rows));
  }
}

template <class T>
SparseMatrix<T> transposed(const SparseMatrix<T>& X) {
  SparseMatrix<T> t = X.transpose();
  return t;
}

template void gram(const DenseMatrix<float>&, DenseMatrix<float>&);
template void gram(const DenseMatrix<double>&, DenseMatrix<double>&);
template void gram_partials(const DenseMatrix<float>&, Index, Index, float*);
template void gram_partials(const DenseMatrix<double>&, Index, Index, double*);
template void add_gram_partials(const float*, Index, Index, DenseMatrix<float>&);
template void add_gram_partials(const double*, Index, Index, DenseMatrix<double>&);
template void multiply(const SparseMatrix<float>&, const DenseMatrix<float>&, DenseMatrix<float>&);
template void multiply(const SparseMatrix<double>&, const DenseMatrix<double>&,
                       DenseMatrix<double>&);
template void fast_dense_multiply(const DenseMatrix<float>&, bool, const DenseMatrix<float>&,
                                  DenseMatrix<float>&);
template void fast_dense_multiply(const DenseMatrix<double>&, bool, const DenseMatrix<double>&,
                                  DenseMatrix<double>&);
template void fast_multiply(const SparseMatrix<float>&, const DenseMatrix<float>&,
                            DenseMatrix<float>&);
template void fast_multiply(const SparseMatrix<double>&, const DenseMatrix<double>&,
                            DenseMatrix<double>&);
template <class T>
void transpose_multiply(const SparseMatrix<T>& X, const DenseMatrix<T>& A, DenseMatrix<T>& out) {
  const Index k = A.cols();
  out.setZero(X.cols(), k);
  constexpr Index kColumns = 8;  // columns per block: one cache line of doubles
  const Index blocks = (k + kColumns - 1) / kColumns;
  const auto* outer = X.outerIndexPtr();
  const auto* inner = X.innerIndexPtr();
  const T* values = X.valuePtr();
#pragma omp parallel for schedule(dynamic) if (X.nonZeros() * k > 100000)
  for (Index block = 0; block < blocks; ++block) {
    const Index first = block * kColumns;
    const Index count = std::min(kColumns, k - first);
    for (Index i = 0; i < X.rows(); ++i) {
      const T* a = A.data() + i * k + first;
      for (auto p = outer[i]; p < outer[i + 1]; ++p) {
        const T x = values[p];
        T* row = out.data() + inner[p] * k + first;
        for (Index c = 0; c < count; ++c) row[c] += x * a[c];
      }
    }
  }
}

template void transpose_multiply(const SparseMatrix<float>&, const DenseMatrix<float>&,
                                 DenseMatrix<float>&);
template void transpose_multiply(const SparseMatrix<double>&, const DenseMatrix<double>&,
                                 DenseMatrix<double>&);
template SparseMatrix<float> transposed(const SparseMatrix<float>&);
template SparseMatrix<double> transposed(const SparseMatrix<double>&);

}  // namespace nmfkit::linalg
