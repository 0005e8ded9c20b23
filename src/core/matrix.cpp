#include "nmfkit/core/matrix.hpp"

#include "nmfkit/core/error.hpp"

namespace nmfkit {

namespace {
template <class>
constexpr bool kIsSparse = false;
template <class T>
constexpr bool kIsSparse<SparseMatrix<T>> = true;
}  // namespace

std::string to_string(DType dtype) {
  return dtype == DType::Float32 ? "float32" : "float64";
}

DType parse_dtype(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "float64") return DType::Float64;
  throw InvalidArgument("dtype must be float32 or float64, got '" + name + "'");
}

Index AnyMatrix::rows() const {
  return visit([](const auto& m) { return static_cast<Index>(m.rows()); });
}

Index AnyMatrix::cols() const {
  return visit([](const auto& m) { return static_cast<Index>(m.cols()); });
}

DType AnyMatrix::dtype() const {
  return visit(
      [](const auto& m) { return dtype_of<typename std::decay_t<decltype(m)>::Scalar>(); });
}

bool AnyMatrix::is_sparse() const {
  return visit([](const auto& m) { return kIsSparse<std::decay_t<decltype(m)>>; });
}

Index AnyMatrix::stored() const {
  return visit([](const auto& m) -> Index {
    if constexpr (kIsSparse<std::decay_t<decltype(m)>>) {
      return m.nonZeros();
    } else {
      return m.size();
    }
  });
}

void AnyMatrix::convert(DType dtype) {
  if (dtype == this->dtype()) return;
  // The converted copy replaces the matrix in place: moving a SparseMatrix copies it
  // (Eigen 3.4 has no move constructor), so it is swapped in instead.
  const auto replace_with = [&]<class T>(const auto& m) {
    using M = std::decay_t<decltype(m)>;
    if constexpr (kIsSparse<M>) {
      SparseMatrix<T> converted(m.template cast<T>());
      storage_.template emplace<SparseMatrix<T>>().swap(converted);
    } else {
      DenseMatrix<T> converted = m.template cast<T>();
      storage_ = std::move(converted);
    }
  };
  std::visit(
      [&](const auto& m) {
        if (dtype == DType::Float32) {
          replace_with.template operator()<float>(m);
        } else {
          replace_with.template operator()<double>(m);
        }
      },
      storage_);
}

}  // namespace nmfkit
