#pragma once
// The data operator of a dense matrix (see data_operator.hpp). Xᵀ is a view, never a copy.

#include <cmath>
#include <vector>

#include "nmfkit/linalg/data_operator.hpp"
#include "nmfkit/linalg/plain_operator.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/linalg/row_batches.hpp"

namespace nmfkit::linalg {

template <class T>
class DenseOperator : public PlainOperator<T, DenseMatrix<T>> {
  using Base = PlainOperator<T, DenseMatrix<T>>;
  using Base::X_;

 public:
  explicit DenseOperator(const DenseMatrix<T>& X) : Base(X) {}

  Index nonzeros() const { return X_.size(); }
  void rhs(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& out) const {
    if (side == Side::Rows) {
      fast_multiply(X_, O, out);
    } else {
      fast_multiply(X_.transpose(), O, out);
    }
  }
  // Each row's non-zeros are gathered into the thread's buffers first.
  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const CountRowSolve<T>& solve) const {
    struct Gathered {
      std::vector<std::int64_t> index;
      std::vector<T> value;
    };
    const std::vector<double> linear = column_sums(O);
    const Index length = side == Side::Rows ? X_.cols() : X_.rows();
    return sum_over_rows<Gathered>(F.rows(), static_cast<double>(length * F.cols()),
                                   [&](Index r, Gathered& g) {
                                     g.index.clear();
                                     g.value.clear();
                                     for_each_nonzero(side, r, [&](Index c, T x) {
                                       g.index.push_back(c);
                                       g.value.push_back(x);
                                     });
                                     CountRow<T> row;
                                     row.row = r;
                                     row.size = static_cast<Index>(g.index.size());
                                     row.index = g.index.data();
                                     row.value = g.value.data();
                                     row.linear = linear.data();
                                     return solve(row, O, F.data() + r * F.cols());
                                   });
  }
  template <class Visit>
  void for_each_nonzero(Side side, Index r, Visit&& f) const {
    if (side == Side::Rows) {
      const T* row = X_.data() + r * X_.cols();
      for (Index c = 0; c < X_.cols(); ++c) {
        if (row[c] != T(0)) f(c, row[c]);
      }
    } else {
      for (Index c = 0; c < X_.rows(); ++c) {
        const T x = X_(c, r);
        if (x != T(0)) f(c, x);
      }
    }
  }

 private:
};

}  // namespace nmfkit::linalg
