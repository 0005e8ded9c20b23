#pragma once
// The data operator of weighted (masked) data spread over processes. Every process holds X
// (missing entries zeroed) and the weights whole, as a weighted fit reads them; the work is
// shared: the products of X come from the distributed operator's blocks, each process
// solves its share of the rows with their weights (weighted_operator.hpp) and sums its
// rows of the loss. Each row's solve is the single-process solve of that row, and the loss
// adds every row's sum in row order, so only the products' rounding can differ from one
// process (dist/distributed_operator.hpp says when they do not).

#include <vector>

#include "nmfkit/dist/distributed_operator.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "weighted_operator.hpp"

namespace nmfkit {

template <class T, class Matrix>
class WeightedSpreadOperator {
  using Side = linalg::Side;

 public:
  using Scalar = T;

  // X has its missing entries set to 0 already (detail::zero_missing).
  WeightedSpreadOperator(const Matrix& X, const EntryWeights<T>& weights, const dist::Comm& comm,
                         dist::Grid grid)
      : X_(X), weights_(weights), comm_(comm), spread_(X, comm, grid), weighted_(X, weights) {}

  Index rows() const { return spread_.rows(); }
  Index cols() const { return spread_.cols(); }
  Index nonzeros() const { return spread_.nonzeros(); }

  void gram(const DenseMatrix<T>& F, DenseMatrix<T>& out) const { spread_.gram(F, out); }
  void rhs(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& out) const {
    spread_.rhs(side, O, out);
  }
  void solve_gram_rows(Side side, const DenseMatrix<T>& G, const DenseMatrix<T>& B,
                       const DenseMatrix<T>& O, double ridge, DenseMatrix<T>& F,
                       const linalg::GramRowSolve<T>& solve) const {
    const auto [first, count] = spread_.solved_rows(side);
    const DenseMatrix<T> B_mine = B.middleRows(first, count);
    DenseMatrix<T> F_mine = F.middleRows(first, count);
    weighted_.solve_gram_rows_from(side, first, G, B_mine, O, ridge, F_mine, solve);
    F.middleRows(first, count) = F_mine;
    spread_.gather_solved(side, F.data(), F.cols());
  }
  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const linalg::CountRowSolve<T>& solve) const {
    const auto [first, count] = spread_.solved_rows(side);
    DenseMatrix<T> F_mine = F.middleRows(first, count);
    const double mine = weighted_.solve_count_rows_from(side, first, O, F_mine, solve);
    F.middleRows(first, count) = F_mine;
    spread_.gather_solved(side, F.data(), F.cols());
    return comm_.sum(mine);
  }

  double squared_norm() const { return weighted_.squared_norm(); }
  double squared_error(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht,
                       linalg::GramTrickTerms) const {
    const RowShare share = row_share();
    return weighted_squared_error(X_, weights_, W, DenseMatrix<T>(Ht.transpose()), &share);
  }
  double divergence(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double beta) const {
    const RowShare share = row_share();
    return weighted_beta_divergence(X_, weights_, W, DenseMatrix<T>(Ht.transpose()), beta,
                                    &share);
  }
  double count_offset() const { return weighted_.count_offset(); }
  double combine_max(double value) const { return comm_.max(value); }

 private:
  // The rows of X whose loss this process sums: the rows of W it solves.
  RowShare row_share() const {
    const auto [first, count] = spread_.solved_rows(Side::Rows);
    return {first, count, [this](std::vector<double>& sums) {
              spread_.gather_solved(Side::Rows, sums.data(), 1);
            }};
  }

  const Matrix& X_;
  const EntryWeights<T>& weights_;
  const dist::Comm& comm_;
  dist::DistributedOperator<T, Matrix> spread_;
  WeightedOperator<T, Matrix> weighted_;
};

}  // namespace nmfkit
