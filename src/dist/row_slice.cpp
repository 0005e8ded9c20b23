#include "nmfkit/dist/row_slice.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/partition.hpp"
#include "nmfkit/linalg/blocked_sum.hpp"

namespace nmfkit::dist {

namespace {

template <class Matrix>
constexpr bool kSparse = std::is_same_v<Matrix, SparseMatrix<typename Matrix::Scalar>>;

// Plain values in and out of the bytes a Comm moves.
class Packer {
 public:
  template <class V>
  void put(const V* values, std::size_t count) {
    if (count == 0 || values == nullptr) return;
    const auto* first = reinterpret_cast<const std::byte*>(values);
    bytes_.insert(bytes_.end(), first, first + count * sizeof(V));
  }
  template <class V>
  void put(V value) {
    put(&value, 1);
  }
  Comm::Bytes take() { return std::move(bytes_); }

 private:
  Comm::Bytes bytes_;
};

class Unpacker {
 public:
  explicit Unpacker(const Comm::Bytes& bytes) : bytes_(bytes) {}
  template <class V>
  void get(V* values, std::size_t count) {
    if (at_ + count * sizeof(V) > bytes_.size()) {
      throw std::logic_error("dist: a message is shorter than its contents");
    }
    if (count > 0 && values != nullptr) std::memcpy(values, bytes_.data() + at_, count * sizeof(V));
    at_ += count * sizeof(V);
  }
  template <class V>
  V get() {
    V value{};
    get(&value, 1);
    return value;
  }

 private:
  const Comm::Bytes& bytes_;
  std::size_t at_ = 0;
};

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
  std::vector<Comm::Bytes> out(static_cast<std::size_t>(P));
  for (int q = 0; q < P; ++q) {
    const Index c0 = offsets[q], width = offsets[q + 1] - offsets[q];
    Packer piece;
    piece.put<std::int64_t>(rows.rows());
    if constexpr (kSparse<Matrix>) {
      // Each row's entries are sorted by column: its piece is one run of them.
      std::vector<std::int64_t> outer(static_cast<std::size_t>(rows.rows()) + 1, 0);
      std::vector<std::int64_t> inner;
      std::vector<T> values;
      const auto* index = rows.innerIndexPtr();
      for (Index i = 0; i < rows.rows(); ++i) {
        const auto* begin = index + rows.outerIndexPtr()[i];
        const auto* end = index + rows.outerIndexPtr()[i + 1];
        const auto* from = std::lower_bound(begin, end, c0);
        const auto* to = std::lower_bound(from, end, c0 + width);
        for (const auto* at = from; at < to; ++at) {
          inner.push_back(*at - c0);
          values.push_back(rows.valuePtr()[at - index]);
        }
        outer[i + 1] = static_cast<std::int64_t>(inner.size());
      }
      piece.put<std::int64_t>(static_cast<std::int64_t>(inner.size()));
      piece.put(outer.data(), outer.size());
      piece.put(inner.data(), inner.size());
      piece.put(values.data(), values.size());
    } else {
      const DenseMatrix<T> block = rows.middleCols(c0, width);
      piece.put(block.data(), static_cast<std::size_t>(block.size()));
    }
    out[q] = piece.take();
  }
  const std::vector<Comm::Bytes> in = comm.exchange(std::move(out));
  const Index width = offsets[comm.rank() + 1] - offsets[comm.rank()];
  // The pieces stacked in the senders' order: consecutive rows of one matrix.
  std::vector<Index> piece_rows;
  Index total_rows = 0;
  for (const auto& bytes : in) {
    Unpacker piece(bytes);
    piece_rows.push_back(piece.get<std::int64_t>());
    total_rows += piece_rows.back();
  }
  if constexpr (kSparse<Matrix>) {
    Index total_nonzeros = 0;
    for (const auto& bytes : in) {
      Unpacker piece(bytes);
      piece.get<std::int64_t>();
      total_nonzeros += piece.get<std::int64_t>();
    }
    Matrix stacked(total_rows, width);
    stacked.resizeNonZeros(total_nonzeros);
    Index row = 0, at = 0;
    stacked.outerIndexPtr()[0] = 0;
    for (std::size_t p = 0; p < in.size(); ++p) {
      Unpacker piece(in[p]);
      const Index count = piece.get<std::int64_t>();
      const Index nonzeros = piece.get<std::int64_t>();
      std::vector<std::int64_t> outer(static_cast<std::size_t>(count) + 1);
      piece.get(outer.data(), outer.size());
      for (Index i = 0; i < count; ++i) stacked.outerIndexPtr()[row + i + 1] = at + outer[i + 1];
      piece.get(stacked.innerIndexPtr() + at, static_cast<std::size_t>(nonzeros));
      piece.get(stacked.valuePtr() + at, static_cast<std::size_t>(nonzeros));
      row += count;
      at += nonzeros;
    }
    return stacked;
  } else {
    DenseMatrix<T> stacked(total_rows, width);
    Index row = 0;
    for (std::size_t p = 0; p < in.size(); ++p) {
      Unpacker piece(in[p]);
      piece.get<std::int64_t>();
      piece.get(stacked.data() + row * width, static_cast<std::size_t>(piece_rows[p] * width));
      row += piece_rows[p];
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
