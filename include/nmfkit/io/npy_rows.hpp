#pragma once
// A .npy file read a block of rows at a time (out-of-core fitting): rows are found by
// their byte offset, so memory holds the rows asked for and nothing more.

#include <cstdio>
#include <memory>
#include <string>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/linalg/row_batch_source.hpp"

namespace nmfkit::io {

// The element type of the array in `path` (float32 or float64), checked as read_npy
// checks the header. Other dtypes throw InvalidArgument: read_npy converts them to
// float64 whole, which the row reader does not do (save the array as float32 or float64).
DType npy_row_dtype(const std::string& path);

// T must be the file's element type (npy_row_dtype). C order reads one contiguous span
// per block; Fortran order one span per column. Either byte order.
template <class T>
class NpyRows final : public linalg::RowBatchSource<DenseMatrix<T>> {
 public:
  explicit NpyRows(const std::string& path);
  Index rows() const override { return rows_; }
  Index cols() const override { return cols_; }
  DenseMatrix<T> read_rows(Index first, Index count) override;

 private:
  void read_at(std::int64_t offset, void* data, std::size_t bytes);

  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
  Index rows_ = 0, cols_ = 0;
  bool fortran_ = false, swap_ = false;
  std::int64_t data_offset_ = 0;
};

}  // namespace nmfkit::io
