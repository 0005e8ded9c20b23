#pragma once
// Plain values in and out of the bytes a Comm moves (src/dist only): the pieces of row
// slices (row_slice.cpp) and the rows process 0 hands out (scatter_rows.cpp).

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/dist/comm.hpp"

namespace nmfkit::dist::detail {

template <class Matrix>
constexpr bool kSparse = std::is_same_v<Matrix, SparseMatrix<typename Matrix::Scalar>>;

class Packer {
 public:
  template <class V>
  void put(const V* values, std::size_t count) {
    if (count == 0 || values == nullptr) return;
    const auto* first = reinterpret_cast<const std::byte*>(values);
    bytes_.insert(bytes_.end(), first, first + count * sizeof(V));
  }
  template <class V>
  void put(V value) {
    put(&value, 1);
  }
  // Zeros up to the next multiple of `bytes` (the words the MPI exchange sends).
  void pad_to(std::size_t bytes) { bytes_.resize((bytes_.size() + bytes - 1) / bytes * bytes); }
  std::size_t size() const { return bytes_.size(); }
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
  Comm::Bytes take() { return std::move(bytes_); }

 private:
  Comm::Bytes bytes_;
};

class Unpacker {
 public:
  explicit Unpacker(const Comm::Bytes& bytes, std::size_t at = 0) : bytes_(bytes), at_(at) {}
  template <class V>
  void get(V* values, std::size_t count) {
    if (at_ + count * sizeof(V) > bytes_.size()) {
      throw std::logic_error("dist: a message is shorter than its contents");
    }
    if (count > 0 && values != nullptr) std::memcpy(values, bytes_.data() + at_, count * sizeof(V));
    at_ += count * sizeof(V);
  }
  template <class V>
  V get() {
    V value{};
    get(&value, 1);
    return value;
  }

 private:
  const Comm::Bytes& bytes_;
  std::size_t at_ = 0;
};

}  // namespace nmfkit::dist::detail
