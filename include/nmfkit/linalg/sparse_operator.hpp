#pragma once
// The data operator of a CSR matrix (see data_operator.hpp). It keeps a CSR copy of Xᵀ so
// that both right-hand sides and both sides' count rows stream rows in order.

#include <cmath>
#include <vector>

#include "nmfkit/linalg/data_operator.hpp"
#include "nmfkit/linalg/plain_operator.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/linalg/row_batches.hpp"

namespace nmfkit::linalg {

template <class T>
class SparseOperator : public PlainOperator<T, SparseMatrix<T>> {
  using Base = PlainOperator<T, SparseMatrix<T>>;
  using Base::X_;

 public:
  // Without the transposed copy only Side::Rows may be used (a distributed block's rows).
  explicit SparseOperator(const SparseMatrix<T>& X, bool with_transpose = true)
      : Base(X), Xt_(with_transpose ? transposed(X) : SparseMatrix<T>()) {}

  Index nonzeros() const { return X_.nonZeros(); }
  // The rows of the given side: X's for Side::Rows, Xᵀ's for Side::Columns.
  const SparseMatrix<T>& side_matrix(Side side) const { return side == Side::Rows ? X_ : Xt_; }

  void rhs(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& out) const {
    fast_multiply(side_matrix(side), O, out);
  }
  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const CountRowSolve<T>& solve) const {
    const SparseMatrix<T>& S = side_matrix(side);
    const std::vector<double> linear = column_sums(O);
    const auto* outer = S.outerIndexPtr();
    const double work = static_cast<double>(S.nonZeros()) / std::max<Index>(1, S.rows()) *
                        static_cast<double>(F.cols());
    return sum_over_rows<int>(S.rows(), work, [&](Index r, int&) {
      CountRow<T> row;
      row.row = r;
      row.size = outer[r + 1] - outer[r];
      row.index = S.innerIndexPtr() + outer[r];
      row.value = S.valuePtr() + outer[r];
      row.linear = linear.data();
      return solve(row, O, F.data() + r * F.cols());
    });
  }
  // Calls f(column, value) for the stored entries of row r of the side, in column order.
  template <class Visit>
  void for_each_nonzero(Side side, Index r, Visit&& f) const {
    const SparseMatrix<T>& S = side_matrix(side);
    for (auto p = S.outerIndexPtr()[r]; p < S.outerIndexPtr()[r + 1]; ++p) {
      f(static_cast<Index>(S.innerIndexPtr()[p]), S.valuePtr()[p]);
    }
  }

 private:
  SparseMatrix<T> Xt_;
};

}  // namespace nmfkit::linalg
