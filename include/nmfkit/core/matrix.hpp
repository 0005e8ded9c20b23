#pragma once
// Matrix types shared by every layer: row-major dense and CSR sparse, in float or double.

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <cstdint>
#include <string>
#include <variant>

namespace nmfkit {

using Index = Eigen::Index;

// Row-major so that a row of W (one sample's codes) is contiguous, as in NumPy's C order.
template <class T>
using DenseMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// CSR with 64-bit indices: corpora with more than 2^31 non-zeros are ordinary.
template <class T>
using SparseMatrix = Eigen::SparseMatrix<T, Eigen::RowMajor, std::int64_t>;

template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

enum class DType { Float32, Float64 };

std::string to_string(DType dtype);
DType parse_dtype(const std::string& name);  // "float32" | "float64"

template <class T>
constexpr DType dtype_of() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  return std::is_same_v<T, float> ? DType::Float32 : DType::Float64;
}

// A matrix of any supported storage and element type, as produced by the readers.
class AnyMatrix {
 public:
  using Storage = std::variant<DenseMatrix<float>, DenseMatrix<double>, SparseMatrix<float>,
                               SparseMatrix<double>>;

  AnyMatrix() = default;
  template <class M>
  requires std::is_constructible_v<Storage, M&&> AnyMatrix(M&& matrix)
      : storage_(std::forward<M>(matrix)) {}  // NOLINT: implicit by design

  Index rows() const;
  Index cols() const;
  DType dtype() const;
  bool is_sparse() const;
  // Stored entries: the non-zeros of a sparse matrix, every entry of a dense one.
  Index stored() const;

  // Converts the values to another element type in place; no work when it already matches.
  void convert(DType dtype);

  const Storage& storage() const { return storage_; }
  Storage& storage() { return storage_; }

  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), storage_);
  }
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), storage_);
  }

 private:
  Storage storage_ = DenseMatrix<double>();
};

}  // namespace nmfkit
