#pragma once
// What the dense and CSR data operators (data_operator.hpp) share: X itself, Gram matrices
// of the factors, NNLS rows that all share one Gram matrix, and the unweighted losses from
// X's stored values.

#include <algorithm>

#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/data_operator.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/linalg/row_batches.hpp"

namespace nmfkit::linalg {

template <class T>
PlainLossTerms plain_loss_terms(const DenseMatrix<T>& X) {
  return PlainLossTerms(X.data(), X.size());
}
template <class T>
PlainLossTerms plain_loss_terms(const SparseMatrix<T>& X) {
  return PlainLossTerms(X.valuePtr(), X.nonZeros());
}

template <class T, class Matrix>
class PlainOperator {
 public:
  using Scalar = T;

  explicit PlainOperator(const Matrix& X) : X_(X), loss_(plain_loss_terms(X)) {}

  Index rows() const { return X_.rows(); }
  Index cols() const { return X_.cols(); }

  void gram(const DenseMatrix<T>& F, DenseMatrix<T>& out) const { linalg::gram(F, out); }
  void solve_gram_rows(Side, const DenseMatrix<T>& G, const DenseMatrix<T>& B,
                       const DenseMatrix<T>&, double, DenseMatrix<T>& F,
                       const GramRowSolve<T>& solve) const {
    solve_shared_gram_rows(G, B, F, solve);
  }
  double squared_norm() const { return loss_.squared_norm(); }
  double squared_error(const DenseMatrix<T>&, const DenseMatrix<T>&, GramTrickTerms t) const {
    return loss_.squared_error(t);
  }
  double divergence(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double beta) const {
    return beta_divergence(X_, W, DenseMatrix<T>(Ht.transpose()), beta);
  }
  double count_offset() const { return loss_.count_offset(); }
  double combine_max(double value) const { return value; }  // one process

 protected:
  const Matrix& X_;

 private:
  PlainLossTerms loss_;
};

}  // namespace nmfkit::linalg
