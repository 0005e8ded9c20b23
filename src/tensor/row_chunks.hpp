#pragma once
// Work split by fixed blocks of rows, so that the result does not depend on the number of
// threads: each block is computed by one thread with the same operations whatever the
// team, and reductions over blocks are summed in block order afterwards.
//
// Eigen products inside a block must run single-threaded, with the blocking they get on
// one thread. Eigen starts no threads inside an OpenMP team of more than one, and in a team
// of one only when more than one thread is allowed; outside a team it splits a product
// whose rows × cols × depth reaches 2 × 50000 (Eigen 3.4's Parallelizer.h), with another
// depth blocking. So small work (below kSerialWork, which bounds every product inside)
// runs here without a team, and larger work always opens one.

#include <algorithm>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::tensor_detail {

inline constexpr Index kRowChunk = 64;
inline constexpr double kSerialWork = 5e4;

inline Index chunk_count(Index rows) { return (rows + kRowChunk - 1) / kRowChunk; }

// f(begin, end) for each block of rows, in parallel unless `work` (an upper bound on the
// multiply-adds of any Eigen product that f runs) is below kSerialWork.
template <class F>
void for_row_chunks(Index rows, double work, F&& f) {
  const Index chunks = chunk_count(rows);
  if (work < kSerialWork) {
    for (Index c = 0; c < chunks; ++c) {
      const Index begin = c * kRowChunk;
      f(begin, std::min(rows, begin + kRowChunk));
    }
    return;
  }
#pragma omp parallel for schedule(dynamic, 1)
  for (Index c = 0; c < chunks; ++c) {
    const Index begin = c * kRowChunk;
    f(begin, std::min(rows, begin + kRowChunk));
  }
}

// AᵀA, summed over the row blocks in order.
template <class T>
DenseMatrix<T> gram(const DenseMatrix<T>& A) {
  const Index k = A.cols();
  std::vector<DenseMatrix<T>> parts(static_cast<std::size_t>(chunk_count(A.rows())));
  const double work = static_cast<double>(A.size()) * static_cast<double>(k);
  for_row_chunks(A.rows(), work, [&](Index begin, Index end) {
    const auto block = A.middleRows(begin, end - begin);
    parts[static_cast<std::size_t>(begin / kRowChunk)].noalias() = block.transpose() * block;
  });
  DenseMatrix<T> G = DenseMatrix<T>::Zero(k, k);
  for (const auto& part : parts) G += part;
  return G;
}

}  // namespace nmfkit::tensor_detail
