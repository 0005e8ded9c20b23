#include "nmfkit/dist/read_slice.hpp"

#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/scatter_rows.hpp"
#include "nmfkit/io/h5ad_rows.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/npy_rows.hpp"

namespace nmfkit::dist {

namespace {

template <class Target, class Source>
RowSlice<Target> read_with(linalg::RowBatchSource<Source>& file, SlicePlan plan, int rank) {
  RowSlice<Target> slice;
  slice.cols = file.cols();
  const Index first = plan.slices[rank], count = plan.slices[rank + 1] - first;
  if (count > 0) {
    slice.rows = file.read_rows(first, count).template cast<typename Target::Scalar>();
  } else {
    slice.rows = Target(0, file.cols());
  }
  slice.plan = std::move(plan);
  return slice;
}

template <class T>
AnyRowSlice read_npy(const std::string& path, DType target, Grid grid, const Comm& comm) {
  io::NpyRows<T> file(path);
  SlicePlan plan = plan_slices(file.rows(), file.cols(), grid, comm.size());
  if (target == DType::Float32) {
    return read_with<DenseMatrix<float>>(file, std::move(plan), comm.rank());
  }
  return read_with<DenseMatrix<double>>(file, std::move(plan), comm.rank());
}

template <class T>
AnyRowSlice read_h5ad(const std::string& path, Grid grid, const Comm& comm) {
  io::H5adRows<T> file(path);
  const std::vector<Index> prefix(file.indptr().begin(), file.indptr().end());
  SlicePlan plan = plan_slices(file.rows(), file.cols(), grid, comm.size(), prefix);
  return read_with<SparseMatrix<T>>(file, std::move(plan), comm.rank());
}

bool parsed_whole(io::MatrixFormat format) {
  return format == io::MatrixFormat::MatrixMarket || format == io::MatrixFormat::Csv ||
         format == io::MatrixFormat::Tsv;
}

}  // namespace

bool parsed_by_first_process(const std::string& path) {
  return parsed_whole(io::format_from_path(path));
}

std::optional<AnyRowSlice> read_row_slice(const std::string& path, std::optional<DType> dtype,
                                          Grid grid, const Comm& comm) {
  const io::MatrixFormat format = io::format_from_path(path);
  if (format == io::MatrixFormat::Npy) {
    DType stored;
    try {
      stored = io::npy_row_dtype(path);
    } catch (const InvalidArgument&) {
      return std::nullopt;  // another dtype: read whole and converted to float64
    }
    const DType target = dtype.value_or(stored);
    if (stored == DType::Float32) return read_npy<float>(path, target, grid, comm);
    return read_npy<double>(path, target, grid, comm);
  }
  if (format == io::MatrixFormat::H5ad) {
    DType target;
    try {
      target = io::h5ad_row_dtype(path, dtype);
    } catch (const InvalidArgument&) {
      return std::nullopt;  // a dense or CSC X
    }
    if (target == DType::Float32) return read_h5ad<float>(path, grid, comm);
    return read_h5ad<double>(path, grid, comm);
  }
  // One process holds X whole anyway: it reads the file as a single-process run does.
  if (parsed_whole(format) && comm.size() > 1) return scatter_row_slice(path, dtype, grid, comm);
  return std::nullopt;
}

}  // namespace nmfkit::dist
