#pragma once
// A CSR matrix built a row at a time into a temporary file and read back a block of rows
// at a time (out-of-core fitting of a corpus: each document's row is written once, in any
// order, then the solver streams the rows). Memory holds two numbers per row besides the
// rows asked for. The file is unlinked as soon as it is created, so it disappears when the
// spill is destroyed, on an error, or if the process dies.

#include <cstdint>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/row_batch_source.hpp"

namespace nmfkit::io {

template <class T>
class CsrSpill final : public linalg::RowBatchSource<SparseMatrix<T>> {
 public:
  // A rows × cols matrix, every row empty until written. The file goes to the folder
  // std::filesystem::temp_directory_path() names (TMPDIR, else /tmp). Throws IoError when it
  // cannot be created.
  CsrSpill(Index rows, Index cols);
  ~CsrSpill() override;
  CsrSpill(const CsrSpill&) = delete;
  CsrSpill& operator=(const CsrSpill&) = delete;

  // Row `row`'s entries: `columns` ascending in [0, cols). A row written twice keeps the
  // last version. Throws IoError when the disk is full.
  void write_row(Index row, const std::vector<std::int64_t>& columns, const std::vector<T>& values);

  Index rows() const override { return static_cast<Index>(count_.size()); }
  Index cols() const override { return cols_; }
  std::int64_t non_zeros() const { return non_zeros_; }
  SparseMatrix<T> read_rows(Index first, Index count) override;

 private:
  int fd_ = -1;
  std::string path_;  // for messages; already unlinked
  Index cols_ = 0;
  std::int64_t end_ = 0;                // bytes written
  std::vector<std::int64_t> offset_;    // per row: where its columns start
  std::vector<std::int64_t> count_;     // per row: its entries
  std::int64_t non_zeros_ = 0;
};

}  // namespace nmfkit::io
