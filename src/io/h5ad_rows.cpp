#include "nmfkit/io/h5ad_rows.hpp"

#include "anndata_rows.hpp"

namespace nmfkit::io {

DType h5ad_row_dtype(const std::string& path, std::optional<DType> dtype) {
  return detail::read_h5ad_csr_layout(path, dtype).dtype;
}

template <class T>
H5adRows<T>::H5adRows(const std::string& path)
    : path_(path),
      layout_(std::make_unique<detail::CsrLayout>(detail::read_h5ad_csr_layout(
          path, sizeof(T) == 4 ? DType::Float32 : DType::Float64))) {}

template <class T>
H5adRows<T>::~H5adRows() = default;

template <class T>
Index H5adRows<T>::rows() const {
  return layout_->rows;
}

template <class T>
Index H5adRows<T>::cols() const {
  return layout_->cols;
}

template <class T>
SparseMatrix<T> H5adRows<T>::read_rows(Index first, Index count) {
  return detail::read_h5ad_csr_rows<T>(path_, *layout_, first, count);
}

template <class T>
const std::vector<std::int64_t>& H5adRows<T>::indptr() const {
  return layout_->indptr;
}

template class H5adRows<float>;
template class H5adRows<double>;

}  // namespace nmfkit::io
