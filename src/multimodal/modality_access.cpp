#include "modality_access.hpp"

#include <type_traits>
#include <utility>

#include "nmfkit/core/error.hpp"

namespace nmfkit::multimodal::detail {

namespace {

template <class>
constexpr bool kIsSparse = false;
template <class T>
constexpr bool kIsSparse<SparseMatrix<T>> = true;

}  // namespace

Modality& modality_to_change(MultiModalData& data, const std::string& name) {
  const Modality& found = std::as_const(data).modality(name);
  return data.modalities[static_cast<std::size_t>(&found - data.modalities.data())];
}

AnyMatrix select(const AnyMatrix& X, const std::vector<bool>& keep_rows,
                 const std::vector<bool>& keep_cols) {
  std::vector<Index> rows;
  std::vector<Index> new_col(keep_cols.size(), -1);
  std::vector<Index> cols;
  for (std::size_t i = 0; i < keep_rows.size(); ++i) {
    if (keep_rows[i]) rows.push_back(static_cast<Index>(i));
  }
  for (std::size_t j = 0; j < keep_cols.size(); ++j) {
    if (!keep_cols[j]) continue;
    new_col[j] = static_cast<Index>(cols.size());
    cols.push_back(static_cast<Index>(j));
  }
  return X.visit([&](const auto& m) -> AnyMatrix {
    using M = std::decay_t<decltype(m)>;
    using T = typename M::Scalar;
    if constexpr (kIsSparse<M>) {
      M out(static_cast<Index>(rows.size()), static_cast<Index>(cols.size()));
      Index kept = 0;
      for (Index i : rows) {
        for (typename M::InnerIterator it(m, i); it; ++it) kept += new_col[it.col()] >= 0;
      }
      out.reserve(kept);
      for (Index r = 0; r < static_cast<Index>(rows.size()); ++r) {
        out.startVec(r);
        for (typename M::InnerIterator it(m, rows[r]); it; ++it) {
          const Index c = new_col[it.col()];
          if (c >= 0) out.insertBack(r, c) = it.value();
        }
      }
      out.finalize();
      return out;
    } else {
      DenseMatrix<T> out(static_cast<Index>(rows.size()), static_cast<Index>(cols.size()));
      for (Index r = 0; r < out.rows(); ++r) {
        for (Index c = 0; c < out.cols(); ++c) out(r, c) = m(rows[r], cols[c]);
      }
      return out;
    }
  });
}

}  // namespace nmfkit::multimodal::detail
