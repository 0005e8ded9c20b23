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
// The Gram matrix of a factor is shared out by gram()'s row blocks and added in their
// order (its bits). What the solvers then do with W and Hᵀ (extrapolation, the stopping
// rule) is the same arithmetic on the same values on every process, so the processes
// stay in step without talking. The count losses (scd) solve whole rows of A:
// on a grid each process first gathers the whole rows it solves from its team. Memory per process: 2·nnz/P of X in 1-D, nnz/P on a
// grid, and the factors whole.
//
// The blocks are built from the slice of X's rows each process read (row_slice.hpp): in
// 1-D the slice is the row block and the column blocks come from every process's slice
// (one all-to-all exchange); on a grid the C processes of a block row read its rows
// between them and exchange columns. ‖X‖² and the count losses' constant run through the
// slices in rank order, so they are bitwise the single-process sums.

#include <algorithm>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/grid.hpp"
#include "nmfkit/dist/partition.hpp"
#include "nmfkit/dist/row_slice.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/linalg/row_batches.hpp"
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

  // `grid`: the 1-D layout, or rows × cols = comm.size() processes (resolve_grid). Every
  // process holds X whole; the blocks are built as from the slices each would have read.
  DistributedOperator(const Matrix& X, const Comm& comm, Grid grid = Grid::one_d())
      : DistributedOperator(
            slice_of(X, comm.rank(),
                     plan_slices(X.rows(), X.cols(), grid, comm.size(), row_work(X))),
            comm) {}

  // From the rows this process read (row_slice.hpp): the slices' pieces are exchanged so
  // that each process gets its blocks; no process holds X whole.
  DistributedOperator(RowSlice<Matrix> slice, const Comm& comm)
      : comm_(comm),
        rows_(slice.total_rows()),
        cols_(slice.cols),
        nonzeros_(slice_nonzeros(slice, comm)),
        loss_(slice_loss_terms(slice, comm)) {  // bitwise the serial sums
    const SlicePlan& plan = slice.plan;
    Grid grid = plan.grid;
    const bool one_d = grid.is_one_d();
    if (one_d) grid = {comm.size(), 1};
    const int i = comm.rank() / grid.cols;
    const int j = comm.rank() % grid.cols;
    row_team_ = comm.split(i, j);
    column_team_ = comm.split(j, i);
    const std::vector<Index>& row_offsets = plan.block_rows;
    const std::vector<Index> column_offsets =
        balanced_offsets(cols_, one_d ? comm.size() : grid.cols, slice_column_work(slice, comm));
    if (one_d) {
      // This process's rows are its row block; its columns come from every process.
      // Swapped in, not assigned: assigning an Eigen 3.4 SparseMatrix copies it.
      Matrix columns = transposed_block(exchange_columns(slice.rows, column_offsets, comm));
      blocks_[1].swap(columns);
      blocks_[0].swap(slice.rows);
      make_local(0, false);
      make_local(1, false);
      layouts_[0] = layout(row_offsets, {0, cols_}, i, 0, *local_[0], Side::Rows, *row_team_,
                           *column_team_);
      layouts_[1] = layout(column_offsets, {0, rows_}, i, 0, *local_[1], Side::Rows,
                           *row_team_, *column_team_);
    } else {
      // The C processes of block row i read its rows between them; each gets its columns.
      Matrix block = exchange_columns(slice.rows, column_offsets, *row_team_);
      blocks_[0].swap(block);
      Matrix().swap(slice.rows);  // released (assigning an empty one keeps the storage)
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
  // Every process holds F whole: each computes its share of gram()'s row blocks, the
  // partial sums are gathered and added in block order (gram()'s bits, 1/P of its work).
  void gram(const DenseMatrix<T>& F, DenseMatrix<T>& out) const {
    const Index blocks = linalg::gram_blocks(F.rows()), k = F.cols();
    if (comm_.size() == 1 || blocks == 1) return linalg::gram(F, out);
    const std::vector<Index> share = balanced_offsets(blocks, comm_.size());
    const Index first = share[static_cast<std::size_t>(comm_.rank())];
    const Index end = share[static_cast<std::size_t>(comm_.rank()) + 1];
    std::vector<T> partials(static_cast<std::size_t>(blocks * k * k));
    linalg::gram_partials(F, first, end, partials.data() + first * k * k);
    comm_.gather_rows(partials.data(), share, k * k);
    linalg::add_gram_partials(partials.data(), blocks, k, out);
  }

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
                       const DenseMatrix<T>&, double, DenseMatrix<T>& F,
                       const linalg::GramRowSolve<T>& solve) const {
    const Layout& l = layout_of(side);
    // The local operators solve rows that share G one by one (PlainOperator): solved here
    // in place, on this process's rows, without copying them out and back.
    static_assert(std::is_base_of_v<linalg::PlainOperator<T, Matrix>, Local>);
    linalg::solve_shared_gram_rows(G, B, F, solve, l.first_solved(), l.solved_count());
    gather_solved(side, F.data(), F.cols());
  }

  // The rows of `side`'s factor this process solves, [first, first + count): each row is
  // solved by exactly one process.
  std::pair<Index, Index> solved_rows(Side side) const {
    const Layout& l = layout_of(side);
    return {l.first_solved(), l.solved_count()};
  }
  // `rows` holds one entry of `row_length` values per row of `side`'s factor, this
  // process's solved rows filled in; fills in every other process's.
  template <class V>
  void gather_solved(Side side, V* rows, Index row_length) const {
    const Layout& l = layout_of(side);
    l.team->gather_rows(rows, l.solved, row_length);
    l.across->gather_rows(rows, l.blocks, row_length);
  }

  // The count losses (scd) solve whole rows of A: in 1-D a process's block holds them; on
  // a grid each process gathers the whole rows it solves from its team's blocks (once).
  double solve_count_rows(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F,
                          const linalg::CountRowSolve<T>& solve) const {
    const Layout& l = layout_of(side);
    const bool whole = l.team->size() == 1;  // then the solved rows are the block's rows
    const Local& rows = whole ? *l.op : gathered_rows(side);
    const Index first = l.first_solved();
    DenseMatrix<T> F_mine = F.middleRows(first, l.solved_count());
    const double mine = rows.solve_count_rows(
        whole ? l.op_side : Side::Rows, O, F_mine,
        [&](linalg::CountRow<T> row, const DenseMatrix<T>& fixed, T* f) {
          row.row += first;  // the solver knows rows by their index in the whole factor
          return solve(row, fixed, f);
        });
    F.middleRows(first, l.solved_count()) = F_mine;
    gather_solved(side, F.data(), F.cols());
    return comm_.sum(mine);
  }

  // (A ⊘ F·Oᵀ)·O over A's entries (stored entries of sparse data), A = X for Side::Rows
  // and Xᵀ for Side::Columns, F that side's factor and O the other's: the numerator of the
  // Kullback-Leibler multiplicative update ('mu'), with F·Oᵀ = 0 taken as ε as
  // scikit-learn does. Outside the seam's concept: only 'mu' asks for it.
  void divided_rhs(Side side, const DenseMatrix<T>& F, const DenseMatrix<T>& O,
                   DenseMatrix<T>& out) const {
    const Layout& l = layout_of(side);
    const DenseMatrix<T> F_mine = F.middleRows(l.first_row(), l.row_count());
    const DenseMatrix<T> O_mine = O.middleRows(l.first_column(), l.column_count());
    DenseMatrix<T> mine;
    if (l.op_side == Side::Rows) {
      divided_product(blocks_[&l == &layouts_[0] ? 0 : 1], F_mine, O_mine, mine);
    } else if constexpr (kSparse) {
      divided_product(local_[0]->side_matrix(Side::Columns), F_mine, O_mine, mine);
    } else {
      divided_product(blocks_[0].transpose(), F_mine, O_mine, mine);
    }
    if (l.team->size() > 1) l.team->sum(mine.data(), mine.size());
    out.resize(l.blocks.back(), O.cols());
    out.middleRows(l.first_row(), l.row_count()) = mine;
    l.across->gather_rows(out.data(), l.blocks, out.cols());
  }

  double squared_norm() const { return loss_.squared_norm; }
  double squared_error(const DenseMatrix<T>&, const DenseMatrix<T>&,
                       linalg::GramTrickTerms t) const {
    return std::max(0.0, loss_.squared_norm - 2 * t.data + t.grams);  // as PlainLossTerms
  }
  // Each process's block of X with its rows of W and of Hᵀ.
  double divergence(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double beta) const {
    const Layout& l = layouts_[0];
    const DenseMatrix<T> W_mine = W.middleRows(l.first_row(), l.row_count());
    const DenseMatrix<T> Ht_mine = Ht.middleRows(l.first_column(), l.column_count());
    return comm_.sum(local_[0]->divergence(W_mine, Ht_mine, beta));
  }
  double count_offset() const { return loss_.count_offset; }
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

  // Cumulative non-zeros before each row (empty for dense: equal work per row).
  static std::vector<Index> row_work(const Matrix& X) {
    if constexpr (kSparse) {
      return {X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1};
    } else {
      return {};
    }
  }
  // The columns this process got (all of X's rows) as rows of Xᵀ, each row's entries in
  // increasing column of Xᵀ, as the transpose stores them.
  static Matrix transposed_block(const Matrix& columns) {
    if constexpr (kSparse) {
      const auto* outer = columns.outerIndexPtr();
      const auto* inner = columns.innerIndexPtr();
      const Index width = columns.cols();
      std::vector<Index> next(static_cast<std::size_t>(width) + 1, 0);
      for (Index q = 0; q < columns.nonZeros(); ++q) ++next[inner[q] + 1];
      for (Index c = 0; c < width; ++c) next[c + 1] += next[c];
      Matrix block(width, columns.rows());
      block.resizeNonZeros(next.back());
      std::copy(next.begin(), next.end(), block.outerIndexPtr());
      for (Index i = 0; i < columns.rows(); ++i) {
        for (auto q = outer[i]; q < outer[i + 1]; ++q) {
          const Index at = next[inner[q]]++;
          block.innerIndexPtr()[at] = i;
          block.valuePtr()[at] = columns.valuePtr()[q];
        }
      }
      return block;
    } else {
      return columns.transpose();
    }
  }
  // x / max(wh, ε)-style ratio of scikit-learn's KL update (wh = 0 becomes ε).
  static T divided(T x, T wh) {
    if (wh == T(0)) wh = static_cast<T>(linalg::kEpsilon);
    return x / wh;
  }
  // (A ⊘ F·Oᵀ)·O for one block, as the single-process 'mu' forms it: at the non-zeros of
  // sparse A, over all entries of dense A.
  static void divided_product(const SparseMatrix<T>& A, const DenseMatrix<T>& F,
                              const DenseMatrix<T>& O, DenseMatrix<T>& out) {
    SparseMatrix<T> ratio = A;
    const DenseMatrix<T> Ot = O.transpose();
    linalg::product_at_nonzeros(A, F, Ot, ratio.valuePtr());
    for (Index p = 0; p < A.nonZeros(); ++p) {
      ratio.valuePtr()[p] = divided(A.valuePtr()[p], ratio.valuePtr()[p]);
    }
    linalg::multiply(ratio, O, out);
  }
  template <class Dense>
  static void divided_product(const Eigen::MatrixBase<Dense>& A, const DenseMatrix<T>& F,
                              const DenseMatrix<T>& O, DenseMatrix<T>& out) {
    DenseMatrix<T> ratio = F * O.transpose();
    for (Index r = 0; r < ratio.rows(); ++r) {
      for (Index c = 0; c < ratio.cols(); ++c) ratio(r, c) = divided(A(r, c), ratio(r, c));
    }
    out.noalias() = ratio * O;
  }
  // On a grid: the whole rows of `side`'s matrix A that this process solves. Each team
  // member holds a block of A's block row (a range of its columns); in Aᵀ's terms the team's
  // blocks are consecutive rows, so exchanging their columns by solved-row range hands
  // each member its rows whole (transposed back here). Costs nnz/P more memory.
  const Local& gathered_rows(Side side) const {
    const int s = side == Side::Rows ? 0 : 1;
    if (!gathered_[s]) {
      const Layout& l = layout_of(side);
      std::vector<Index> offsets = l.solved;
      for (auto& offset : offsets) offset -= l.first_row();
      Matrix rows = transposed_block(exchange_columns(block_transposed(side), offsets, *l.team));
      gathered_blocks_[s].swap(rows);  // swapped in: assigning a SparseMatrix copies it
      if constexpr (kSparse) {
        gathered_[s].emplace(gathered_blocks_[s], false);
      } else {
        gathered_[s].emplace(gathered_blocks_[s]);
      }
    }
    return *gathered_[s];
  }
  // On a grid: the transpose of `side`'s block (X_ijᵀ for W's side, X_ij for Hᵀ's).
  Matrix block_transposed(Side side) const {
    if (side == Side::Columns) return blocks_[0];
    if constexpr (kSparse) {
      return local_[0]->side_matrix(Side::Columns);
    } else {
      return blocks_[0].transpose();
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
  const Comm& comm_;
  Index rows_, cols_, nonzeros_;
  LossSums loss_;
  std::unique_ptr<Comm> row_team_;     // the processes of this process's block row of X
  std::unique_ptr<Comm> column_team_;  // and of its block column
  Matrix blocks_[2];                   // 1-D: rows of X, rows of Xᵀ; grid: X_ij only
  std::optional<Local> local_[2];      // operators over the blocks
  mutable Matrix gathered_blocks_[2];  // grid, count losses: whole rows solved here
  mutable std::optional<Local> gathered_[2];
  Layout layouts_[2];                  // [0]: W's side (X), [1]: Hᵀ's side (Xᵀ)
};

}  // namespace nmfkit::dist
