#pragma once
// The data operator of a matrix spread over processes (see linalg/data_operator.hpp).
//
// Each side's factor (W's rows for the rows of X, Hᵀ's rows for its columns) is computed
// from that side's matrix A (X or Xᵀ) cut into a × b blocks, one per process (grid.hpp):
//  - the right-hand sides of block row u are each process's product of its block with its
//    part of the fixed factor, summed over the b processes of the block row ("team"), then
//    gathered over the block rows;
//  - the b processes of block row u solve its rows between them, and every process gathers
//    every solved row.
// The 1-D layout is a × 1 on both sides, with a row block of X for W and a column block for
// Hᵀ: no sums, so each row's products and solve are the serial operator's, row for row, and
// sparse factors are bitwise the serial ones for any process count (dense blocks may round
// their products differently). A grid R × C holds one block X_ij: W's side is R × C over X,
// Hᵀ's side C × R over Xᵀ; its sums round differently from the serial products.
//
// What the solvers then do with W and Hᵀ (extrapolation, the Gram of a factor, the
// stopping rule) is the same arithmetic on the same values on every process, so the
// processes stay in step without talking. The count losses (scd) solve whole rows of A,
// so they need b = 1 (the 1-D layout). Memory per process: 2·nnz/P of X in 1-D, nnz/P on a
// grid, and the factors whole.

#include <algorithm>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/grid.hpp"
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

  // The local operators and layouts refer to the blocks: no copies, no moves.
  DistributedOperator(const DistributedOperator&) = delete;
  DistributedOperator& operator=(const DistributedOperator&) = delete;

  // `grid`: the 1-D layout, or rows × cols = comm.size() processes (resolve_grid).
  DistributedOperator(const Matrix& X, const Comm& comm, Grid grid = Grid::one_d())
      : comm_(comm),
        rows_(X.rows()),
        cols_(X.cols()),
        nonzeros_(nonzeros_of(X)),
        loss_(linalg::plain_loss_terms(X)) {  // of X whole, bitwise the serial sums
    const bool one_d = grid.is_one_d();
    if (one_d) grid = {comm.size(), 1};
    const int i = comm.rank() / grid.cols;
    const int j = comm.rank() % grid.cols;
    row_team_ = comm.split(i, j);
    column_team_ = comm.split(j, i);
    const std::vector<Index> row_offsets = balanced_offsets(X.rows(), grid.rows, row_work(X));
    const std::vector<Index> column_offsets =
        one_d ? balanced_offsets(X.cols(), comm.size(), column_work(X))
              : balanced_offsets(X.cols(), grid.cols, column_work(X));
    if (one_d) {
      blocks_[0] = cut(X, row_offsets[i], row_offsets[i + 1], 0, X.cols());
      blocks_[1] = cut_transposed(X, column_offsets[i], column_offsets[i + 1]);
      make_local(0, false);
      make_local(1, false);
      layouts_[0] = layout(row_offsets, {0, cols_}, i, 0, *local_[0], Side::Rows, *row_team_,
                           *column_team_);
      layouts_[1] = layout(column_offsets, {0, rows_}, i, 0, *local_[1], Side::Rows,
                           *row_team_, *column_team_);
    } else {
      blocks_[0] = cut(X, row_offsets[i], row_offsets[i + 1], column_offsets[j],
                       column_offsets[j + 1]);
      make_local(0, true);
      layouts_[0] = layout(row_offsets, column_offsets, i, j, *local_[0], Side::Rows,
                           *row_team_, *column_team_);
      layouts_[1] = layout(column_offsets, row_offsets, j, i, *local_[0], Side::Columns,
                           *column_team_, *row_team_);
    }
  }

  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index nonzeros() const { return nonzeros_; }
  // Whether every process holds whole rows of `side`'s matrix (the count losses need them).
  bool whole_rows(Side side) const { return layout_of(side).team->size() == 1; }

  void gram(const DenseMatrix<T>& F, DenseMatrix<T>& out) const { linalg::gram(F, out); }

  void rhs(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& out) const {
    const Layout& l = layout_of(side);
    DenseMatrix<T> mine;
    if (l.team->size() == 1) {
      l.op->rhs(l.op_side, O, mine);
    } else {
      l.op->rhs(l.op_side, DenseMatrix<T>(O.middleRows(l.first_column(), l.column_count())), mine);
      l.team->sum(mine.data(), mine.size());
    }
    out.resize(l.blocks.back(), O.cols());
    out.middleRows(l.first_row(), l.row_count()) = mine;
    l.across->gather_rows(out.data(), l.blocks, out.cols());
  }

  void solve_gram_rows(Side side, const DenseMatrix<T>& G, const DenseMatrix<T>& B,
                       const DenseMatrix<T>& O, double ridge, DenseMatrix<T>& F,
                       const linalg::GramRowSolve<T>& solve) const {
    const Layout& l = layout_of(side);
    const Index first = l.first_solved(), count = l.solved_count();
    const DenseMatrix<T> B_mine = B.middleRows(first, count);
    DenseMatrix<T> F_mine = F.middleRows(first, count);
    l.op->solve_gram_rows(Side::Rows, G, B_mine, O, ridge, F_mine, solve);
    share(l, F_mine, F);
  }

  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const linalg::CountRowSolve<T>& solve) const {
    const Layout& l = layout_of(side);
    if (!whole_rows(side)) {
      throw InvalidArgument("the count losses (scd) need whole rows of X on each process: "
                            "use the 1-D layout (no --grid)");
    }
    const Index first = l.first_row();
    DenseMatrix<T> F_mine = F.middleRows(first, l.row_count());
    const double mine = l.op->solve_count_rows(
        l.op_side, O, F_mine, [&](linalg::CountRow<T> row, const DenseMatrix<T>& fixed, T* f) {
          row.row += first;  // the solver knows rows by their index in the whole factor
          return solve(row, fixed, f);
        });
    share(l, F_mine, F);
    return comm_.sum(mine);
  }

  double squared_norm() const { return loss_.squared_norm(); }
  double squared_error(const DenseMatrix<T>&, const DenseMatrix<T>&,
                       linalg::GramTrickTerms t) const {
    return loss_.squared_error(t);
  }
  // Each process's block of X with its rows of W and of Hᵀ.
  double divergence(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double beta) const {
    const Layout& l = layouts_[0];
    const DenseMatrix<T> W_mine = W.middleRows(l.first_row(), l.row_count());
    const DenseMatrix<T> Ht_mine = Ht.middleRows(l.first_column(), l.column_count());
    return comm_.sum(local_[0]->divergence(W_mine, Ht_mine, beta));
  }
  double count_offset() const { return loss_.count_offset(); }
  double combine_max(double value) const { return comm_.max(value); }

 private:
  // One side's a × b blocks and this process's place among them (see the top).
  struct Layout {
    std::vector<Index> blocks;   // a + 1 offsets of the block rows
    std::vector<Index> columns;  // b + 1 offsets of the block columns
    std::vector<Index> solved;   // b + 1: the rows of block row u each team member solves
    int u = 0, v = 0;            // this process's block
    const Local* op = nullptr;   // over this process's block
    Side op_side = Side::Rows;   // the side of `op` that is this side
    const Comm* team = nullptr;    // the b processes of block row u, ranked by v
    const Comm* across = nullptr;  // the a processes of block column v, ranked by u

    Index first_row() const { return blocks[u]; }
    Index row_count() const { return blocks[u + 1] - blocks[u]; }
    Index first_column() const { return columns[v]; }
    Index column_count() const { return columns[v + 1] - columns[v]; }
    Index first_solved() const { return solved[v]; }
    Index solved_count() const { return solved[v + 1] - solved[v]; }
  };

  static Layout layout(std::vector<Index> blocks, std::vector<Index> columns, int u, int v,
                       const Local& op, Side op_side, const Comm& team, const Comm& across) {
    Layout l{std::move(blocks), std::move(columns), {}, u, v, &op, op_side, &team, &across};
    l.solved = balanced_offsets(l.row_count(), team.size());
    for (auto& offset : l.solved) offset += l.first_row();
    return l;
  }

  static Index nonzeros_of(const Matrix& X) {
    if constexpr (kSparse) {
      return X.nonZeros();
    } else {
      return X.size();
    }
  }
  // Cumulative non-zeros before each row (empty for dense: equal work per row).
  static std::vector<Index> row_work(const Matrix& X) {
    if constexpr (kSparse) {
      return {X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1};
    } else {
      return {};
    }
  }
  // The same per column.
  static std::vector<Index> column_work(const Matrix& X) {
    if constexpr (kSparse) {
      std::vector<Index> before(static_cast<std::size_t>(X.cols()) + 1, 0);
      for (Index q = 0; q < X.nonZeros(); ++q) ++before[X.innerIndexPtr()[q] + 1];
      for (Index c = 0; c < X.cols(); ++c) before[c + 1] += before[c];
      return before;
    } else {
      return {};
    }
  }
  static Matrix cut(const Matrix& X, Index row0, Index row1, Index col0, Index col1) {
    if constexpr (kSparse) {
      if (col0 == 0 && col1 == X.cols()) return X.middleRows(row0, row1 - row0);
      return SparseMatrix<T>(X.middleRows(row0, row1 - row0)).middleCols(col0, col1 - col0);
    } else {
      return X.block(row0, col0, row1 - row0, col1 - col0);
    }
  }
  // Columns [col0, col1) of X as rows of Xᵀ, cut from X without a copy of all of Xᵀ;
  // each row's entries in increasing column of Xᵀ, as the transpose stores them.
  static Matrix cut_transposed(const Matrix& X, Index col0, Index col1) {
    if constexpr (kSparse) {
      const auto* outer = X.outerIndexPtr();
      const auto* inner = X.innerIndexPtr();
      std::vector<Index> next(static_cast<std::size_t>(col1 - col0) + 1, 0);
      for (Index q = 0; q < X.nonZeros(); ++q) {
        if (inner[q] >= col0 && inner[q] < col1) ++next[inner[q] - col0 + 1];
      }
      for (Index c = 0; c < col1 - col0; ++c) next[c + 1] += next[c];
      Matrix block(col1 - col0, X.rows());
      block.resizeNonZeros(next.back());
      std::copy(next.begin(), next.end(), block.outerIndexPtr());
      for (Index i = 0; i < X.rows(); ++i) {
        for (auto q = outer[i]; q < outer[i + 1]; ++q) {
          const Index c = inner[q];
          if (c < col0 || c >= col1) continue;
          const Index at = next[c - col0]++;
          block.innerIndexPtr()[at] = i;
          block.valuePtr()[at] = X.valuePtr()[q];
        }
      }
      return block;
    } else {
      return X.middleCols(col0, col1 - col0).transpose();
    }
  }
  void make_local(int which, bool with_transpose) {
    if constexpr (kSparse) {
      local_[which].emplace(blocks_[which], with_transpose);
    } else {
      local_[which].emplace(blocks_[which]);
    }
  }
  const Layout& layout_of(Side side) const { return layouts_[side == Side::Rows ? 0 : 1]; }
  // Writes this process's solved rows into F and gathers everyone's: over the team within
  // the block row, then over the block rows.
  static void share(const Layout& l, const DenseMatrix<T>& mine, DenseMatrix<T>& F) {
    F.middleRows(l.first_solved(), l.solved_count()) = mine;
    l.team->gather_rows(F.data(), l.solved, F.cols());
    l.across->gather_rows(F.data(), l.blocks, F.cols());
  }

  const Comm& comm_;
  Index rows_, cols_, nonzeros_;
  linalg::PlainLossTerms loss_;
  std::unique_ptr<Comm> row_team_;     // the processes of this process's block row of X
  std::unique_ptr<Comm> column_team_;  // and of its block column
  Matrix blocks_[2];                   // 1-D: rows of X, rows of Xᵀ; grid: X_ij only
  std::optional<Local> local_[2];      // operators over the blocks
  Layout layouts_[2];                  // [0]: W's side (X), [1]: Hᵀ's side (Xᵀ)
};

}  // namespace nmfkit::dist
