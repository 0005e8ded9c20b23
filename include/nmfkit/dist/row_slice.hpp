#pragma once
// What each process of a distributed fit reads: a contiguous slice of X's rows, the slices
// in rank order (process p's rows come right after process p − 1's). From the slices the
// processes build their blocks (dist/distributed_operator.hpp, by exchanging pieces), and
// the sums a fit needs over X whole run through the slices in rank order, so they are
// bitwise the sums of one process over X (the mean that scales the initial factors, ‖X‖²).
// No process ever holds X whole.

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/grid.hpp"

namespace nmfkit::dist {

// How an m × n X is spread over P processes.
struct SlicePlan {
  Grid grid;                      // 1-D, or rows × cols = P (resolved, never automatic)
  std::vector<Index> block_rows;  // offsets of the block rows of W's side: P + 1 (1-D), R + 1
  std::vector<Index> slices;      // P + 1 offsets: process p reads rows [slices[p], slices[p+1])
};

// Row blocks balanced by work (`row_prefix`: rows + 1 cumulative non-zeros, empty for
// dense); on a grid each block row is read by its C processes, split between them by work.
SlicePlan plan_slices(Index m, Index n, Grid grid, int processes,
                      const std::vector<Index>& row_prefix = {});

template <class Matrix>
struct RowSlice {
  Matrix rows;  // rows [plan.slices[rank], plan.slices[rank + 1]) of X, every column
  Index cols = 0;
  SlicePlan plan;

  RowSlice() = default;
  RowSlice(const RowSlice&) = default;
  RowSlice& operator=(const RowSlice&) = default;
  // Eigen 3.4's SparseMatrix has no move constructor or assignment: moving a slice (into a
  // variant, a fit, the operator) would copy its rows each time. Swapping hands them over.
  RowSlice(RowSlice&& other) noexcept : cols(other.cols), plan(std::move(other.plan)) {
    rows.swap(other.rows);
  }
  RowSlice& operator=(RowSlice&& other) noexcept {
    rows.swap(other.rows);
    cols = other.cols;
    plan = std::move(other.plan);
    return *this;
  }

  Index total_rows() const { return plan.slices.back(); }
  Index first(int rank) const { return plan.slices[static_cast<std::size_t>(rank)]; }
};

// A process's slice of an X that it holds whole.
template <class Matrix>
RowSlice<Matrix> slice_of(const Matrix& X, int rank, SlicePlan plan);

// mean(X) (linalg/numpy_arithmetic.hpp) over every process's slice: bitwise the mean of X.
template <class Matrix>
typename Matrix::Scalar slice_mean(const RowSlice<Matrix>& slice, const Comm& comm);

// The two sums over X's stored values the plain losses need (linalg::PlainLossTerms),
// added in the same order as one process adds them over X: bitwise its sums.
struct LossSums {
  double squared_norm = 0;  // Σ x²
  double count_offset = 0;  // Σ x·(log x − 1) over x > 0
};
template <class Matrix>
LossSums slice_loss_terms(const RowSlice<Matrix>& slice, const Comm& comm);

// summarize(X) for what the input checks need (the counts and first positions of NaN,
// infinity and negative entries, whether a zero occurs), combined over the slices;
// positions are in X's rows.
template <class Matrix>
MatrixSummary slice_summary(const RowSlice<Matrix>& slice, const Comm& comm);

// The stored entries of X: Σ over the slices.
template <class Matrix>
Index slice_nonzeros(const RowSlice<Matrix>& slice, const Comm& comm);

// Non-zeros per column of X before each column (n + 1 prefix sums), summed over the
// slices; empty for dense X (equal work per column).
template <class Matrix>
std::vector<Index> slice_column_work(const RowSlice<Matrix>& slice, const Comm& comm);

// Cuts `rows` into the column ranges [offsets[q], offsets[q + 1]) (one piece per process q)
// and sends each to its process; returns the pieces received, by sender, stacked: the
// senders' rows must be consecutive rows of one matrix, in the order of their ranks.
template <class Matrix>
Matrix exchange_columns(const Matrix& rows, const std::vector<Index>& offsets, const Comm& comm);

}  // namespace nmfkit::dist
