#pragma once
// An .h5ad file's CSR X read a block of rows at a time (out-of-core fitting): X/indptr is
// read once, then each block reads its slice of X/indices and X/data. HDF5 runs in a
// child process for every read, as read_h5ad runs it (a corrupt file cannot crash the fit).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/row_batch_source.hpp"

namespace nmfkit::io {

namespace detail {
struct CsrLayout;
}

// What the rows of `path`'s X hold, without reading them: checks X is CSR (dense and CSC
// X throw InvalidArgument) and returns the element type read_h5ad would give it.
DType h5ad_row_dtype(const std::string& path, std::optional<DType> dtype = std::nullopt);

template <class T>
class H5adRows final : public linalg::RowBatchSource<SparseMatrix<T>> {
 public:
  explicit H5adRows(const std::string& path);
  ~H5adRows() override;
  Index rows() const override;
  Index cols() const override;
  SparseMatrix<T> read_rows(Index first, Index count) override;
  // X/indptr: rows + 1 offsets, the non-zeros before each row.
  const std::vector<std::int64_t>& indptr() const;

 private:
  std::string path_;
  std::unique_ptr<detail::CsrLayout> layout_;
};

}  // namespace nmfkit::io
