#pragma once
// The data operator of a matrix spread over processes (see linalg/data_operator.hpp).
//
// Each process keeps two blocks of X: a block of its rows (for the W half-step) and a
// block of its columns, stored as rows of Xᵀ (for the H half-step), balanced by non-zeros.
// The factors W and Hᵀ are whole on every process. A half-step computes the right-hand
// sides of the rows it owns and solves them; every process gathers every owner's rows of
// both (the solvers' objective uses the whole right-hand sides). Each row's products and
// solve are the serial operator's, row for row, so the factors are bitwise the serial ones
// for any process count (sparse data; dense blocks may round their products differently);
// the count objectives add per-process partial sums and differ in rounding only.
//
// What the solvers then do with W and Hᵀ (extrapolation, the Gram of a factor, the
// stopping rule) is the same arithmetic on the same values on every process, so the
// processes stay in step without talking. Memory per process: 2·nnz/P of X, and the
// factors whole.

#include <algorithm>
#include <type_traits>
#include <vector>

#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/partition.hpp"
#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/linalg/sparse_operator.hpp"

namespace nmfkit::dist {

template <class T, class Matrix>
class DistributedOperator {
  static constexpr bool kSparse = std::is_same_v<Matrix, SparseMatrix<T>>;
  using Local = std::conditional_t<kSparse, linalg::SparseOperator<T>, linalg::DenseOperator<T>>;

 public:
  using Scalar = T;
  using Side = linalg::Side;

  // The local operators refer to the blocks: no copies, no moves.
  DistributedOperator(const DistributedOperator&) = delete;
  DistributedOperator& operator=(const DistributedOperator&) = delete;

  DistributedOperator(const Matrix& X, const Comm& comm)
      : comm_(comm),
        rows_(X.rows()),
        cols_(X.cols()),
        nonzeros_(nonzeros_of(X)),
        parts_{row_part(X, comm), column_part(X, comm)},
        local_{local_operator(parts_[0].data), local_operator(parts_[1].data)},
        loss_(linalg::plain_loss_terms(X)) {}  // of X whole, bitwise the serial sums

  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index nonzeros() const { return nonzeros_; }
  // The rows of `side`'s factor this process owns: [first, first + count).
  Index first_row(Side side) const { return part(side).offsets[comm_.rank()]; }
  Index row_count(Side side) const {
    const auto& o = part(side).offsets;
    return o[comm_.rank() + 1] - o[comm_.rank()];
  }

  void gram(const DenseMatrix<T>& F, DenseMatrix<T>& out) const { linalg::gram(F, out); }

  void rhs(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& out) const {
    DenseMatrix<T> mine;
    local(side).rhs(Side::Rows, O, mine);
    out.resize(side == Side::Rows ? rows_ : cols_, O.cols());
    out.middleRows(first_row(side), row_count(side)) = mine;
    comm_.gather_rows(out.data(), part(side).offsets, out.cols());
  }

  void solve_gram_rows(Side side, const DenseMatrix<T>& G, const DenseMatrix<T>& B,
                       const DenseMatrix<T>& O, double ridge, DenseMatrix<T>& F,
                       const linalg::GramRowSolve<T>& solve) const {
    const DenseMatrix<T> B_mine = B.middleRows(first_row(side), row_count(side));
    DenseMatrix<T> F_mine = F.middleRows(first_row(side), row_count(side));
    local(side).solve_gram_rows(Side::Rows, G, B_mine, O, ridge, F_mine, solve);
    share(side, F_mine, F);
  }

  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const linalg::CountRowSolve<T>& solve) const {
    const Index first = first_row(side);
    DenseMatrix<T> F_mine = F.middleRows(first, row_count(side));
    const double mine = local(side).solve_count_rows(
        Side::Rows, O, F_mine, [&](linalg::CountRow<T> row, const DenseMatrix<T>& fixed, T* f) {
          row.row += first;  // the solver knows rows by their index in the whole factor
          return solve(row, fixed, f);
        });
    share(side, F_mine, F);
    return comm_.sum(mine);
  }

  double squared_norm() const { return loss_.squared_norm(); }
  double squared_error(const DenseMatrix<T>&, const DenseMatrix<T>&,
                       linalg::GramTrickTerms t) const {
    return loss_.squared_error(t);
  }
  double divergence(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double beta) const {
    const DenseMatrix<T> W_mine = W.middleRows(first_row(Side::Rows), row_count(Side::Rows));
    return comm_.sum(local_[0].divergence(W_mine, Ht, beta));
  }
  double count_offset() const { return loss_.count_offset(); }
  double combine_max(double value) const { return comm_.max(value); }

 private:
  struct Part {
    std::vector<Index> offsets;  // rows of each process, see balanced_offsets
    Matrix data;                 // this process's rows
  };

  static Index nonzeros_of(const Matrix& X) {
    if constexpr (kSparse) {
      return X.nonZeros();
    } else {
      return X.size();
    }
  }
  static Part row_part(const Matrix& X, const Comm& comm) {
    std::vector<Index> work;
    if constexpr (kSparse) {
      work.assign(X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1);
    }
    Part p;
    p.offsets = balanced_offsets(X.rows(), comm.size(), work);
    const Index first = p.offsets[comm.rank()];
    p.data = X.middleRows(first, p.offsets[comm.rank() + 1] - first);
    return p;
  }
  // This process's columns of X as rows of Xᵀ, cut from X without a copy of all of Xᵀ;
  // each row's entries in increasing column of Xᵀ, as the transpose stores them.
  static Part column_part(const Matrix& X, const Comm& comm) {
    Part p;
    if constexpr (kSparse) {
      const auto* outer = X.outerIndexPtr();
      const auto* inner = X.innerIndexPtr();
      std::vector<Index> before(static_cast<std::size_t>(X.cols()) + 1, 0);  // per column
      for (Index q = 0; q < outer[X.rows()]; ++q) ++before[inner[q] + 1];
      for (Index c = 0; c < X.cols(); ++c) before[c + 1] += before[c];
      p.offsets = balanced_offsets(X.cols(), comm.size(), before);
      const Index first = p.offsets[comm.rank()];
      const Index last = p.offsets[comm.rank() + 1];
      p.data.resize(last - first, X.rows());
      p.data.resizeNonZeros(before[last] - before[first]);
      std::vector<Index> next(before.begin() + first, before.begin() + last + 1);
      for (auto& position : next) position -= before[first];
      std::copy(next.begin(), next.end(), p.data.outerIndexPtr());
      for (Index i = 0; i < X.rows(); ++i) {
        for (auto q = outer[i]; q < outer[i + 1]; ++q) {
          const Index c = inner[q];
          if (c < first || c >= last) continue;
          const Index at = next[c - first]++;
          p.data.innerIndexPtr()[at] = i;
          p.data.valuePtr()[at] = X.valuePtr()[q];
        }
      }
    } else {
      p.offsets = balanced_offsets(X.cols(), comm.size());
      const Index first = p.offsets[comm.rank()];
      p.data = X.middleCols(first, p.offsets[comm.rank() + 1] - first).transpose();
    }
    return p;
  }
  static Local local_operator(const Matrix& data) {
    if constexpr (kSparse) {
      return Local(data, /*with_transpose=*/false);
    } else {
      return Local(data);
    }
  }
  const Part& part(Side side) const { return parts_[side == Side::Rows ? 0 : 1]; }
  const Local& local(Side side) const { return local_[side == Side::Rows ? 0 : 1]; }
  // Writes this process's solved rows into F and gathers everyone's.
  void share(Side side, const DenseMatrix<T>& mine, DenseMatrix<T>& F) const {
    F.middleRows(first_row(side), row_count(side)) = mine;
    comm_.gather_rows(F.data(), part(side).offsets, F.cols());
  }

  const Comm& comm_;
  Index rows_, cols_, nonzeros_;
  Part parts_[2];   // [0]: rows of X, [1]: rows of Xᵀ (columns of X)
  Local local_[2];  // operators over the two blocks, used on their Side::Rows
  linalg::PlainLossTerms loss_;
};

}  // namespace nmfkit::dist
