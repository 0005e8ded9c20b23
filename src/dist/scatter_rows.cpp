// Process 0 parses a text matrix file and hands every process its rows (scatter_rows.hpp):
// text formats cannot be read by rows, and every process parsing the whole file would hold
// X whole on every process.

#include "nmfkit/dist/scatter_rows.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <new>
#include <type_traits>
#include <variant>
#include <vector>

#include "bytes.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/matrix_file.hpp"

namespace nmfkit::dist {

namespace {

using detail::kSparse;
using detail::Packer;
using detail::Unpacker;

// AnyRowSlice's alternatives are AnyMatrix's, in the same order: the index process 0 sends
// names the type of every process's slice.
template <std::size_t... I>
constexpr bool same_order(std::index_sequence<I...>) {
  return (std::is_same_v<std::variant_alternative_t<I, AnyRowSlice>,
                         RowSlice<std::variant_alternative_t<I, AnyMatrix::Storage>>> &&
          ...);
}
static_assert(std::variant_size_v<AnyRowSlice> == std::variant_size_v<AnyMatrix::Storage> &&
              same_order(std::make_index_sequence<std::variant_size_v<AnyRowSlice>>()));

enum class Outcome : std::int64_t { Done, InvalidArgument, Format, Io, OutOfMemory, Other };

// Runs `work` on process 0 and gives every process its answer, or its failure, which every
// process then throws alike (same type, same message): the others learn of it here instead
// of waiting for rows that never come.
Comm::Bytes from_first_process(const Comm& comm, const std::function<Comm::Bytes()>& work) {
  Comm::Bytes message;
  if (comm.rank() == 0) {
    Outcome outcome = Outcome::Done;
    std::string what;
    Comm::Bytes answer;
    try {
      answer = work();
    } catch (const FormatError& e) {
      outcome = Outcome::Format;
      what = e.what();
    } catch (const IoError& e) {
      outcome = Outcome::Io;
      what = e.what();
    } catch (const InvalidArgument& e) {
      outcome = Outcome::InvalidArgument;
      what = e.what();
    } catch (const std::bad_alloc&) {
      outcome = Outcome::OutOfMemory;
    } catch (const std::exception& e) {
      outcome = Outcome::Other;
      what = e.what();
    }
    Packer out;
    out.put(static_cast<std::int64_t>(outcome));
    if (outcome == Outcome::Done) {
      out.put(answer.data(), answer.size());
    } else {
      out.put(what.data(), what.size());
    }
    message = out.take();
  }
  comm.broadcast(message, 0);
  Unpacker in(message);
  const auto outcome = static_cast<Outcome>(in.get<std::int64_t>());
  Comm::Bytes rest(message.begin() + sizeof(std::int64_t), message.end());
  const std::string what(reinterpret_cast<const char*>(rest.data()), rest.size());
  switch (outcome) {
    case Outcome::Done:
      return rest;
    case Outcome::InvalidArgument:
      throw InvalidArgument(what);
    case Outcome::Format:
      throw FormatError::from_message(what);
    case Outcome::Io:
      throw IoError(what);
    case Outcome::OutOfMemory:
      throw std::bad_alloc();
    case Outcome::Other:
      break;
  }
  throw Error(what);
}

// The bytes of rows [first, first + count) of X as pack_rows writes them: whole words.
template <class Matrix>
std::size_t packed_size(const Matrix& X, Index first, Index count) {
  using T = typename Matrix::Scalar;
  std::size_t bytes = 0;
  if constexpr (kSparse<Matrix>) {
    const auto nonzeros = static_cast<std::size_t>(X.outerIndexPtr()[first + count] -
                                                   X.outerIndexPtr()[first]);
    bytes = 8 * static_cast<std::size_t>(count + 1) + nonzeros * (8 + sizeof(T));
  } else {
    bytes = static_cast<std::size_t>(count) * static_cast<std::size_t>(X.cols()) * sizeof(T);
  }
  return (bytes + 7) / 8 * 8;
}

// Sparse: the rows' offsets (from 0), column indices and values, as CSR stores them.
// Dense: the rows' values, row after row.
template <class Matrix>
void pack_rows(const Matrix& X, Index first, Index count, Packer& out) {
  if constexpr (kSparse<Matrix>) {
    const std::int64_t* outer = X.outerIndexPtr() + first;
    for (Index i = 0; i <= count; ++i) out.put<std::int64_t>(outer[i] - outer[0]);
    const auto nonzeros = static_cast<std::size_t>(outer[count] - outer[0]);
    out.put(X.innerIndexPtr() + outer[0], nonzeros);
    out.put(X.valuePtr() + outer[0], nonzeros);
  } else {
    out.put(X.data() + first * X.cols(), static_cast<std::size_t>(count * X.cols()));
  }
  out.pad_to(8);
}

template <class Matrix>
void unpack_rows(const Comm::Bytes& bytes, Index count, Index cols, Matrix& rows) {
  Unpacker in(bytes);
  rows.resize(count, cols);
  if constexpr (kSparse<Matrix>) {
    std::vector<std::int64_t> outer(static_cast<std::size_t>(count) + 1);
    in.get(outer.data(), outer.size());
    const auto nonzeros = static_cast<std::size_t>(outer.back());
    rows.resizeNonZeros(static_cast<Index>(nonzeros));
    std::copy(outer.begin(), outer.end(), rows.outerIndexPtr());
    in.get(rows.innerIndexPtr(), nonzeros);
    in.get(rows.valuePtr(), nonzeros);
  } else {
    in.get(rows.data(), static_cast<std::size_t>(count * cols));
  }
}

void put_offsets(Packer& out, const std::vector<Index>& offsets) {
  out.put<std::int64_t>(static_cast<std::int64_t>(offsets.size()));
  for (const Index offset : offsets) out.put<std::int64_t>(offset);
}

std::vector<Index> get_offsets(Unpacker& in) {
  std::vector<Index> offsets(static_cast<std::size_t>(in.get<std::int64_t>()));
  for (Index& offset : offsets) offset = in.get<std::int64_t>();
  return offsets;
}

// On process 0: the plan, and every process's rows packed into `parts`. What every process
// needs before its rows (the type, the shape, the plan) is the answer.
template <class Matrix>
Comm::Bytes plan_and_pack(Matrix& X, std::size_t type, const std::string& path, Grid grid,
                          const Comm& comm, Comm::Parts& parts) {
  std::vector<Index> row_work;  // empty for dense: every row weighs the same
  if constexpr (kSparse<Matrix>) {
    X.makeCompressed();
    row_work.assign(X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1);
  }
  const SlicePlan plan = plan_slices(X.rows(), X.cols(), grid, comm.size(), row_work);
  const auto P = static_cast<std::size_t>(comm.size());
  parts.sizes.assign(P, 0);
  std::size_t total = 0;
  for (std::size_t q = 0; q < P; ++q) {
    parts.sizes[q] = packed_size(X, plan.slices[q], plan.slices[q + 1] - plan.slices[q]);
    total += parts.sizes[q];
  }
  // Comm::exchange counts words of 8 bytes in MPI's ints.
  if (total / 8 > static_cast<std::size_t>(INT_MAX)) {
    throw InvalidArgument("'" + path + "' is too large for process 0 to send its rows in one "
                          "message (16 GiB); convert it (a dense X to .npy, a sparse one to a "
                          "CSR .h5ad) so that each process reads its own rows");
  }
  Packer out;
  out.reserve(total);
  for (std::size_t q = 0; q < P; ++q) {
    pack_rows(X, plan.slices[q], plan.slices[q + 1] - plan.slices[q], out);
  }
  parts.bytes = out.take();
  Packer header;
  header.put<std::int64_t>(static_cast<std::int64_t>(type));
  header.put<std::int64_t>(X.cols());
  header.put<std::int64_t>(plan.grid.rows);
  header.put<std::int64_t>(plan.grid.cols);
  put_offsets(header, plan.block_rows);
  put_offsets(header, plan.slices);
  return header.take();
}

// Every process: its own part of process 0's rows, as the slice of a RowSlice<Matrix>.
template <class Matrix>
AnyRowSlice receive_rows(const Comm& comm, Comm::Parts parts, SlicePlan plan, Index cols) {
  const Comm::Parts in = comm.exchange(std::move(parts));
  // Only process 0 sent anything: its part for this process is all that came.
  AnyRowSlice result(std::in_place_type<RowSlice<Matrix>>);
  auto& slice = std::get<RowSlice<Matrix>>(result);
  const int rank = comm.rank();
  unpack_rows(in.bytes, plan.slices[rank + 1] - plan.slices[rank], cols, slice.rows);
  slice.cols = cols;
  slice.plan = std::move(plan);
  return result;
}

template <std::size_t I = 0>
AnyRowSlice receive_as(std::size_t type, const Comm& comm, Comm::Parts parts, SlicePlan plan,
                       Index cols) {
  if constexpr (I < std::variant_size_v<AnyMatrix::Storage>) {
    if (type == I) {
      using Matrix = std::variant_alternative_t<I, AnyMatrix::Storage>;
      return receive_rows<Matrix>(comm, std::move(parts), std::move(plan), cols);
    }
    return receive_as<I + 1>(type, comm, std::move(parts), std::move(plan), cols);
  } else {
    throw std::logic_error("scatter_row_slice: an unknown matrix type");
  }
}

}  // namespace

AnyRowSlice scatter_row_slice(const std::string& path, std::optional<DType> dtype, Grid grid,
                              const Comm& comm) {
  Comm::Parts parts;
  parts.sizes.assign(static_cast<std::size_t>(comm.size()), 0);  // the others send nothing
  const Comm::Bytes header = from_first_process(comm, [&] {
    // X lives only here: process 0 releases it once every process's rows are packed.
    AnyMatrix X = io::read_matrix(path, dtype);
    const std::size_t type = X.storage().index();
    return X.visit(
        [&](auto& matrix) { return plan_and_pack(matrix, type, path, grid, comm, parts); });
  });
  Unpacker in(header);
  const auto type = static_cast<std::size_t>(in.get<std::int64_t>());
  const Index cols = in.get<std::int64_t>();
  SlicePlan plan;
  plan.grid.rows = static_cast<int>(in.get<std::int64_t>());
  plan.grid.cols = static_cast<int>(in.get<std::int64_t>());
  plan.block_rows = get_offsets(in);
  plan.slices = get_offsets(in);
  return receive_as(type, comm, std::move(parts), std::move(plan), cols);
}

}  // namespace nmfkit::dist
