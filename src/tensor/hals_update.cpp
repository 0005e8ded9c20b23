#include "hals_update.hpp"

#include <algorithm>

#include "row_chunks.hpp"

namespace nmfkit::tensor_detail {

template <class T>
void hals_sweep(DenseMatrix<T>& A, const DenseMatrix<T>& M, const DenseMatrix<T>& G) {
  const Index k = A.cols();
  // No Eigen products inside: dot products only.
  const double work = static_cast<double>(A.rows()) * static_cast<double>(k * k);
  for_row_chunks(A.rows(), work, [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      auto a = A.row(i);
      for (Index r = 0; r < k; ++r) {
        const T diagonal = G(r, r);
        if (!(diagonal > 0)) continue;
        const T step = (M(i, r) - a.dot(G.col(r))) / diagonal;
        a(r) = std::max(T(0), a(r) + step);
      }
    }
  });
}

template <class T>
void weighted_hals_sweep(DenseMatrix<T>& A, std::vector<T>& residual,
                         const std::vector<std::uint8_t>& observed, const DenseMatrix<T>& before,
                         const DenseMatrix<T>& after) {
  const Index rows = A.rows();
  const Index k = A.cols();
  const Index P = before.rows();
  const Index S = after.rows();
  // Row i's entries are (p, i, s) for every p and s; different rows touch different
  // entries of the residual, so rows run in parallel without sharing.
  const double work = static_cast<double>(residual.size()) * static_cast<double>(k);
  for_row_chunks(rows, work, [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      for (Index r = 0; r < k; ++r) {
        const T a = A(i, r);
        double numerator = 0;
        double denominator = 0;
        for (Index p = 0; p < P; ++p) {
          const T bp = before(p, r);
          const std::size_t base = static_cast<std::size_t>((p * rows + i) * S);
          for (Index s = 0; s < S; ++s) {
            if (!observed[base + static_cast<std::size_t>(s)]) continue;
            const double b = static_cast<double>(bp * after(s, r));
            numerator += (static_cast<double>(residual[base + static_cast<std::size_t>(s)]) +
                          static_cast<double>(a) * b) * b;
            denominator += b * b;
          }
        }
        if (!(denominator > 0)) continue;
        const T updated = static_cast<T>(std::max(0.0, numerator / denominator));
        const T delta = updated - a;
        if (delta == 0) continue;
        A(i, r) = updated;
        for (Index p = 0; p < P; ++p) {
          const T bp = before(p, r);
          const std::size_t base = static_cast<std::size_t>((p * rows + i) * S);
          for (Index s = 0; s < S; ++s) {
            if (observed[base + static_cast<std::size_t>(s)]) {
              residual[base + static_cast<std::size_t>(s)] -= delta * bp * after(s, r);
            }
          }
        }
      }
    }
  });
}

#define NMFKIT_INSTANTIATE(T)                                                                  \
  template void hals_sweep(DenseMatrix<T>&, const DenseMatrix<T>&, const DenseMatrix<T>&);     \
  template void weighted_hals_sweep(DenseMatrix<T>&, std::vector<T>&,                          \
                                    const std::vector<std::uint8_t>&, const DenseMatrix<T>&,   \
                                    const DenseMatrix<T>&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit::tensor_detail
