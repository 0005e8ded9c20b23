#pragma once
// np.sum over values that arrive in pieces (out-of-core batches, the processes of a
// distributed fit in turn): the pieces are regrouped into numpy_sum's blocks of 8192, so
// the sum is bitwise the one of the whole array. The state (the sum of the full blocks
// and the values of the block not yet full) can be handed on to continue elsewhere.

#include <algorithm>
#include <vector>

#include "nmfkit/linalg/numpy_arithmetic.hpp"

namespace nmfkit::linalg {

template <class T>
class BlockedSum {
 public:
  static constexpr Index kBlock = 8192;  // numpy_sum's block: pairwise inside, blocks in order

  BlockedSum() = default;
  BlockedSum(T full_blocks, std::vector<T> pending)
      : sum_(full_blocks), buffer_(std::move(pending)) {}

  void add(const T* values, Index count) {
    while (count > 0) {
      const Index take = std::min(count, kBlock - static_cast<Index>(buffer_.size()));
      buffer_.insert(buffer_.end(), values, values + take);
      values += take;
      count -= take;
      if (static_cast<Index>(buffer_.size()) == kBlock) flush();
    }
  }
  T total() {
    flush();
    return sum_;
  }
  T full_blocks() const { return sum_; }
  const std::vector<T>& pending() const { return buffer_; }

 private:
  void flush() {
    if (buffer_.empty()) return;
    sum_ += numpy_sum(buffer_.data(), static_cast<Index>(buffer_.size()));
    buffer_.clear();
  }
  T sum_ = 0;
  std::vector<T> buffer_;
};

}  // namespace nmfkit::linalg
