#include "mttkrp.hpp"

#include <algorithm>
#include <numeric>

#include "row_chunks.hpp"

namespace nmfkit::tensor_detail {

template <class T>
DenseMatrix<T> khatri_rao(const std::vector<DenseMatrix<T>>& factors, std::size_t first,
                          std::size_t last, Index k) {
  DenseMatrix<T> product = DenseMatrix<T>::Ones(1, k);
  for (std::size_t m = first; m < last; ++m) {
    const DenseMatrix<T>& A = factors[m];
    DenseMatrix<T> next(product.rows() * A.rows(), k);
    for (Index row = 0; row < product.rows(); ++row) {
      for (Index i = 0; i < A.rows(); ++i) {
        next.row(row * A.rows() + i) = product.row(row).cwiseProduct(A.row(i));
      }
    }
    product = std::move(next);
  }
  return product;
}

template <class T>
DenseMatrix<T> mttkrp(const DenseTensor<T>& X, const std::vector<DenseMatrix<T>>& factors,
                      std::size_t mode) {
  const Index k = factors[0].cols();
  const Index rows = X.shape[mode];
  const DenseMatrix<T> before = khatri_rao(factors, 0, mode, k);
  const DenseMatrix<T> after = khatri_rao(factors, mode + 1, factors.size(), k);
  const Index P = before.rows();
  const Index S = after.rows();
  DenseMatrix<T> M = DenseMatrix<T>::Zero(rows, k);
  using Block = Eigen::Map<const DenseMatrix<T>, 0, Eigen::OuterStride<>>;
  const double work = static_cast<double>(X.values.size()) * static_cast<double>(k);
  for_row_chunks(rows, work, [&](Index begin, Index end) {
    const Index n = end - begin;
    auto Mc = M.middleRows(begin, n);
    if (S == 1) {
      // The last mode: X is P × I_n and M = Xᵀ·KR_before.
      const Block block(X.values.data() + begin, P, n, Eigen::OuterStride<>(rows));
      Mc.noalias() = block.transpose() * before;
      return;
    }
    DenseMatrix<T> partial(n, k);
    for (Index p = 0; p < P; ++p) {
      const Block block(X.values.data() + (p * rows + begin) * S, n, S, Eigen::OuterStride<>(S));
      partial.noalias() = block * after;
      Mc.array() += partial.array().rowwise() * before.row(p).array();
    }
  });
  return M;
}

template <class T>
SparseModeIndex<T>::SparseModeIndex(const SparseTensor<T>& X) : X_(X) {
  const std::size_t modes = X.shape.size();
  const Index count = static_cast<Index>(X.values.size());
  order_.resize(modes);
  starts_.resize(modes);
  for (std::size_t m = 0; m < modes; ++m) {
    // A counting sort by coordinate keeps the file order within a coordinate.
    std::vector<Index>& starts = starts_[m];
    starts.assign(static_cast<std::size_t>(X.shape[m]) + 1, 0);
    for (Index e = 0; e < count; ++e) ++starts[static_cast<std::size_t>(X.coords[e * modes + m]) + 1];
    std::partial_sum(starts.begin(), starts.end(), starts.begin());
    std::vector<Index> next(starts.begin(), starts.end() - 1);
    std::vector<Index>& order = order_[m];
    order.resize(static_cast<std::size_t>(count));
    for (Index e = 0; e < count; ++e) {
      order[static_cast<std::size_t>(next[static_cast<std::size_t>(X.coords[e * modes + m])]++)] = e;
    }
  }
}

template <class T>
DenseMatrix<T> SparseModeIndex<T>::mttkrp(const std::vector<DenseMatrix<T>>& factors,
                                          std::size_t mode) const {
  const std::size_t modes = X_.shape.size();
  const Index k = factors[0].cols();
  const Index rows = X_.shape[mode];
  DenseMatrix<T> M = DenseMatrix<T>::Zero(rows, k);
  const std::vector<Index>& order = order_[mode];
  const std::vector<Index>& starts = starts_[mode];
  const double work = static_cast<double>(X_.values.size()) * static_cast<double>(k * modes);
  for_row_chunks(rows, work, [&](Index begin, Index end) {
    Vector<T> term(k);
    for (Index i = begin; i < end; ++i) {
      auto row = M.row(i);
      for (Index at = starts[static_cast<std::size_t>(i)]; at < starts[static_cast<std::size_t>(i) + 1]; ++at) {
        const Index e = order[static_cast<std::size_t>(at)];
        const Index* c = &X_.coords[static_cast<std::size_t>(e) * modes];
        term.setConstant(X_.values[static_cast<std::size_t>(e)]);
        for (std::size_t m = 0; m < modes; ++m) {
          if (m != mode) term.array() *= factors[m].row(c[m]).transpose().array();
        }
        row += term.transpose();
      }
    }
  });
  return M;
}

#define NMFKIT_INSTANTIATE(T)                                                                 \
  template DenseMatrix<T> khatri_rao(const std::vector<DenseMatrix<T>>&, std::size_t,         \
                                     std::size_t, Index);                                     \
  template DenseMatrix<T> mttkrp(const DenseTensor<T>&, const std::vector<DenseMatrix<T>>&,   \
                                 std::size_t);                                                \
  template class SparseModeIndex<T>;
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit::tensor_detail
