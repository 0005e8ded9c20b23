#pragma once
// The matricised tensor times Khatri-Rao product (MTTKRP) of CP-ALS and HALS (Kolda &
// Bader 2009, §3.4): M = X₍ₙ₎ · (⊙_{m≠n} A⁽ᵐ⁾), an I_n × k matrix, for a dense tensor and
// for a sparse one. Both sum each row of M in a fixed order (see row_chunks.hpp).

#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/tensor/tensor.hpp"

namespace nmfkit::tensor_detail {

// The Khatri-Rao product of factors[first..last) with rows in C order of those modes (the
// last mode's index fastest); a 1 × k row of ones when the range is empty.
template <class T>
DenseMatrix<T> khatri_rao(const std::vector<DenseMatrix<T>>& factors, std::size_t first,
                          std::size_t last, Index k);

// A dense tensor's mode-n MTTKRP. In C order the tensor is a P × I_n × S array (P the
// product of the sizes before mode n, S of those after), so
//   M(i, r) = Σ_p KR_before(p, r) · Σ_s X[p, i, s] · KR_after(s, r),
// a product with the unfolding's blocks, without forming the unfolding.
template <class T>
DenseMatrix<T> mttkrp(const DenseTensor<T>& X, const std::vector<DenseMatrix<T>>& factors,
                      std::size_t mode);

// A sparse tensor with its entries indexed by each mode's coordinate, built once per fit.
template <class T>
class SparseModeIndex {
 public:
  explicit SparseModeIndex(const SparseTensor<T>& X);
  // M(i, :) = Σ over the entries with coordinate i in `mode` of value · Π_{m≠n} A⁽ᵐ⁾(c_m, :).
  DenseMatrix<T> mttkrp(const std::vector<DenseMatrix<T>>& factors, std::size_t mode) const;

 private:
  const SparseTensor<T>& X_;
  // Per mode: entry numbers ordered by that mode's coordinate (stable), and where each
  // coordinate's entries start in that order.
  std::vector<std::vector<Index>> order_;
  std::vector<std::vector<Index>> starts_;
};

}  // namespace nmfkit::tensor_detail
