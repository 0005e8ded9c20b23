#include "nmfkit/dist/row_slice.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "bytes.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/partition.hpp"
#include "nmfkit/linalg/blocked_sum.hpp"

namespace nmfkit::dist {

namespace {

using detail::kSparse;
using detail::Packer;
using detail::Packer;
using detail::Unpacker;

// The smallest of the processes' row-major positions, or none.
std::optional<EntryLocation> first_of(const std::optional<EntryLocation>& mine, Index first_row,
                                      Index cols, const Comm& comm) {
  const double none = -std::numeric_limits<double>::infinity();
  const double position =
      mine ? -(static_cast<double>(first_row + mine->row) * static_cast<double>(cols) +
               static_cast<double>(mine->col))
           : none;
  const double found = comm.max(position);
  if (found == none) return std::nullopt;
  const auto linear = static_cast<Index>(-found);
  return EntryLocation{linear / cols, linear % cols};
}

}  // namespace

SlicePlan plan_slices(Index m, Index n, Grid grid, int processes,
                      const std::vector<Index>& row_prefix) {
  SlicePlan plan;
  plan.grid = resolve_grid(grid, processes, m, n);
  if (plan.grid.is_one_d()) {
    plan.block_rows = balanced_offsets(m, processes, row_prefix);
    plan.slices = plan.block_rows;
    return plan;
  }
  plan.block_rows = balanced_offsets(m, plan.grid.rows, row_prefix);
  plan.slices = {0};
  for (int i = 0; i < plan.grid.rows; ++i) {
    const Index a = plan.block_rows[i], b = plan.block_rows[i + 1];
    std::vector<Index> within;
    if (!row_prefix.empty()) within.assign(row_prefix.begin() + a, row_prefix.begin() + b + 1);
    const std::vector<Index> parts = balanced_offsets(b - a, plan.grid.cols, within);
    for (int j = 1; j <= plan.grid.cols; ++j) plan.slices.push_back(a + parts[j]);
  }
  return plan;
}

template <class Matrix>
RowSlice<Matrix> slice_of(const Matrix& X, int rank, SlicePlan plan) {
  RowSlice<Matrix> slice;
  const Index first = plan.slices[rank];
  slice.rows = X.middleRows(first, plan.slices[rank + 1] - first);
  slice.cols = X.cols();
  slice.plan = std::move(plan);
  return slice;
}

template <class Matrix>
typename Matrix::Scalar slice_mean(const RowSlice<Matrix>& slice, const Comm& comm) {
  using T = typename Matrix::Scalar;
  const double entries = static_cast<double>(slice.total_rows()) * static_cast<double>(slice.cols);
  // Dense: NumPy sums the values in order; CSR: SciPy sums the scaled rows' sums.
  std::vector<T> row_sums;
  const T* values = nullptr;
  Index count = 0;
  if constexpr (kSparse<Matrix>) {
    const T scale = static_cast<T>(1.0 / entries);
    row_sums.assign(static_cast<std::size_t>(slice.rows.rows()), T(0));
    for (Index i = 0; i < slice.rows.rows(); ++i) {
      T sum = 0;
      for (typename Matrix::InnerIterator it(slice.rows, i); it; ++it) sum += it.value() * scale;
      row_sums[static_cast<std::size_t>(i)] = sum;
    }
    values = row_sums.data();
    count = slice.rows.rows();
  } else {
    values = slice.rows.data();
    count = slice.rows.size();
  }
  const Comm::Bytes state = in_rank_order(comm, [&](const Comm::Bytes& before) {
    linalg::BlockedSum<T> sum;
    if (!before.empty()) {
      Unpacker in(before);
      const T full = in.get<T>();
      std::vector<T> pending(in.get<std::uint64_t>());
      in.get(pending.data(), pending.size());
      sum = linalg::BlockedSum<T>(full, std::move(pending));
    }
    sum.add(values, count);
    Packer out;
    out.put(sum.full_blocks());
    out.put<std::uint64_t>(sum.pending().size());
    out.put(sum.pending().data(), sum.pending().size());
    return out.take();
  });
  Unpacker in(state);
  const T full = in.get<T>();
  std::vector<T> pending(in.get<std::uint64_t>());
  in.get(pending.data(), pending.size());
  const T total = linalg::BlockedSum<T>(full, std::move(pending)).total();
  if constexpr (kSparse<Matrix>) {
    return total;
  } else {
    // NumPy divides the sum by the count in double, then casts back to the array's type.
    return static_cast<T>(static_cast<double>(total) / entries);
  }
}

template <class Matrix>
LossSums slice_loss_terms(const RowSlice<Matrix>& slice, const Comm& comm) {
  const Comm::Bytes state = in_rank_order(comm, [&](const Comm::Bytes& before) {
    LossSums sums;
    if (!before.empty()) {
      Unpacker in(before);
      sums.squared_norm = in.get<double>();
      sums.count_offset = in.get<double>();
    }
    const typename Matrix::Scalar* values = nullptr;
    Index count = 0;
    if constexpr (kSparse<Matrix>) {
      values = slice.rows.valuePtr();
      count = slice.rows.nonZeros();
    } else {
      values = slice.rows.data();
      count = slice.rows.size();
    }
    // linalg::PlainLossTerms's loop, continued.
    for (Index p = 0; p < count; ++p) {
      const double x = static_cast<double>(values[p]);
      sums.squared_norm += x * x;
      if (x > 0) sums.count_offset += x * (std::log(x) - 1);
    }
    Packer out;
    out.put(sums.squared_norm);
    out.put(sums.count_offset);
    return out.take();
  });
  Unpacker in(state);
  LossSums sums;
  sums.squared_norm = in.get<double>();
  sums.count_offset = in.get<double>();
  return sums;
}

template <class Matrix>
MatrixSummary slice_summary(const RowSlice<Matrix>& slice, const Comm& comm) {
  const MatrixSummary mine = summarize(slice.rows);
  const Index first = slice.first(comm.rank());
  MatrixSummary all;
  all.rows = slice.total_rows();
  all.cols = slice.cols;
  all.sparse = kSparse<Matrix>;
  double counts[3] = {static_cast<double>(mine.nan_count), static_cast<double>(mine.inf_count),
                      static_cast<double>(mine.negative_count)};
  comm.sum(counts, 3);
  all.nan_count = static_cast<Index>(counts[0]);
  all.inf_count = static_cast<Index>(counts[1]);
  all.negative_count = static_cast<Index>(counts[2]);
  all.has_zero = !comm.all(!(mine.has_zero && slice.rows.size() > 0));
  all.first_nan = first_of(mine.first_nan, first, slice.cols, comm);
  all.first_inf = first_of(mine.first_inf, first, slice.cols, comm);
  all.first_negative = first_of(mine.first_negative, first, slice.cols, comm);
  return all;
}

template <class Matrix>
Index slice_nonzeros(const RowSlice<Matrix>& slice, const Comm& comm) {
  if constexpr (kSparse<Matrix>) {
    return static_cast<Index>(comm.sum(static_cast<double>(slice.rows.nonZeros())));
  } else {
    return static_cast<Index>(comm.sum(static_cast<double>(slice.rows.size())));
  }
}

template <class Matrix>
std::vector<Index> slice_column_work(const RowSlice<Matrix>& slice, const Comm& comm) {
  if constexpr (kSparse<Matrix>) {
    std::vector<double> counts(static_cast<std::size_t>(slice.cols), 0.0);
    for (Index q = 0; q < slice.rows.nonZeros(); ++q) counts[slice.rows.innerIndexPtr()[q]] += 1;
    comm.sum(counts.data(), slice.cols);
    std::vector<Index> before(static_cast<std::size_t>(slice.cols) + 1, 0);
    for (Index c = 0; c < slice.cols; ++c) before[c + 1] = before[c] + static_cast<Index>(counts[c]);
    return before;
  } else {
    return {};
  }
}

template <class Matrix>
Matrix exchange_columns(const Matrix& rows, const std::vector<Index>& offsets, const Comm& comm) {
  using T = typename Matrix::Scalar;
  const int P = comm.size();
  // One piece per process, back to back, each padded to whole words of 8 bytes.
  Packer out;
  std::vector<std::size_t> sizes;
  {
    std::size_t bytes = static_cast<std::size_t>(P) * 24;  // headers and padding
    if constexpr (kSparse<Matrix>) {
      bytes += static_cast<std::size_t>(P) * 8 * static_cast<std::size_t>(rows.rows() + 1) +
               static_cast<std::size_t>(rows.nonZeros()) * (8 + sizeof(T));
    } else {
      bytes += static_cast<std::size_t>(rows.size()) * sizeof(T);
    }
    out.reserve(bytes);
  }
  for (int q = 0; q < P; ++q) {
    const std::size_t start = out.size();
    const Index c0 = offsets[q], width = offsets[q + 1] - offsets[q];
    out.put<std::int64_t>(rows.rows());
    if constexpr (kSparse<Matrix>) {
      // Each row's entries are sorted by column: its piece is one run of them.
      const auto* index = rows.innerIndexPtr();
      std::vector<std::int64_t> outer(static_cast<std::size_t>(rows.rows()) + 1, 0);
      std::vector<std::pair<std::int64_t, std::int64_t>> runs(static_cast<std::size_t>(rows.rows()));
      for (Index i = 0; i < rows.rows(); ++i) {
        const auto* begin = index + rows.outerIndexPtr()[i];
        const auto* end = index + rows.outerIndexPtr()[i + 1];
        const auto* from = std::lower_bound(begin, end, c0);
        const auto* to = std::lower_bound(from, end, c0 + width);
        runs[i] = {from - index, to - index};
        outer[i + 1] = outer[i] + (to - from);
      }
      out.put<std::int64_t>(outer.back());
      out.put(outer.data(), outer.size());
      for (const auto& [from, to] : runs) {
        for (auto at = from; at < to; ++at) out.put<std::int64_t>(index[at] - c0);
      }
      for (const auto& [from, to] : runs) out.put(rows.valuePtr() + from, to - from);
    } else {
      for (Index i = 0; i < rows.rows(); ++i) out.put(rows.data() + i * rows.cols() + c0, width);
    }
    out.pad_to(8);
    sizes.push_back(out.size() - start);
  }
  const Comm::Parts in = comm.exchange({out.take(), std::move(sizes)});
  const Index width = offsets[comm.rank() + 1] - offsets[comm.rank()];
  // The pieces stacked in the senders' order: consecutive rows of one matrix.
  std::vector<std::size_t> at(in.sizes.size(), 0);
  for (std::size_t p = 1; p < in.sizes.size(); ++p) at[p] = at[p - 1] + in.sizes[p - 1];
  const auto piece = [&](std::size_t p) { return Unpacker(in.bytes, at[p]); };
  Index total_rows = 0, total_nonzeros = 0;
  for (std::size_t p = 0; p < in.sizes.size(); ++p) {
    Unpacker header = piece(p);
    total_rows += header.get<std::int64_t>();
    if constexpr (kSparse<Matrix>) total_nonzeros += header.get<std::int64_t>();
  }
  if constexpr (kSparse<Matrix>) {
    Matrix stacked(total_rows, width);
    stacked.resizeNonZeros(total_nonzeros);
    Index row = 0, done = 0;
    stacked.outerIndexPtr()[0] = 0;
    for (std::size_t p = 0; p < in.sizes.size(); ++p) {
      Unpacker part = piece(p);
      const Index count = part.get<std::int64_t>();
      const Index nonzeros = part.get<std::int64_t>();
      part.get<std::int64_t>();  // outer[0] = 0
      for (Index i = 0; i < count; ++i) {
        stacked.outerIndexPtr()[row + i + 1] = done + part.get<std::int64_t>();
      }
      part.get(stacked.innerIndexPtr() + done, static_cast<std::size_t>(nonzeros));
      part.get(stacked.valuePtr() + done, static_cast<std::size_t>(nonzeros));
      row += count;
      done += nonzeros;
    }
    return stacked;
  } else {
    DenseMatrix<T> stacked(total_rows, width);
    Index row = 0;
    for (std::size_t p = 0; p < in.sizes.size(); ++p) {
      Unpacker part = piece(p);
      const Index count = part.get<std::int64_t>();
      part.get(stacked.data() + row * width, static_cast<std::size_t>(count * width));
      row += count;
    }
    return stacked;
  }
}

#define NMFKIT_INSTANTIATE(Matrix)                                                          \
  template RowSlice<Matrix> slice_of(const Matrix&, int, SlicePlan);                        \
  template Matrix::Scalar slice_mean(const RowSlice<Matrix>&, const Comm&);                 \
  template LossSums slice_loss_terms(const RowSlice<Matrix>&, const Comm&);                 \
  template MatrixSummary slice_summary(const RowSlice<Matrix>&, const Comm&);               \
  template Index slice_nonzeros(const RowSlice<Matrix>&, const Comm&);                      \
  template std::vector<Index> slice_column_work(const RowSlice<Matrix>&, const Comm&);      \
  template Matrix exchange_columns(const Matrix&, const std::vector<Index>&, const Comm&);
NMFKIT_INSTANTIATE(DenseMatrix<float>)
NMFKIT_INSTANTIATE(DenseMatrix<double>)
NMFKIT_INSTANTIATE(SparseMatrix<float>)
NMFKIT_INSTANTIATE(SparseMatrix<double>)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit::dist
