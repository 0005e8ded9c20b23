#include "nmfkit/io/npy_rows.hpp"

#include <bit>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "npy_layout.hpp"
#include "text_fields.hpp"

namespace nmfkit::io {

DType npy_row_dtype(const std::string& path) {
  const detail::NpyLayout layout = detail::read_npy_layout(path);
  if (!layout.dtype) {
    throw InvalidArgument("'" + path + "' holds dtype '" + layout.descr +
                          "'; reading it by rows needs float32 or float64 (save it with "
                          "X.astype(np.float64))");
  }
  return *layout.dtype;
}

template <class T>
NpyRows<T>::NpyRows(const std::string& path) : path_(path) {
  const detail::NpyLayout layout = detail::read_npy_layout(path);
  if (layout.dtype != (sizeof(T) == 4 ? DType::Float32 : DType::Float64)) {
    throw InvalidArgument("'" + path + "' holds dtype '" + layout.descr + "', not float" +
                          std::to_string(8 * sizeof(T)));
  }
  rows_ = layout.rows;
  cols_ = layout.cols;
  fortran_ = layout.fortran;
  swap_ = layout.swap;
  data_offset_ = layout.data_offset;
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) throw IoError("cannot open '" + path + "': " + detail::system_message(errno));
}

template <class T>
void NpyRows<T>::read_at(std::int64_t offset, void* data, std::size_t bytes) {
  if (std::fseek(file_.get(), static_cast<long>(offset), SEEK_SET) != 0 ||
      std::fread(data, 1, bytes, file_.get()) != bytes) {
    // The header check saw a file long enough; it has changed since.
    throw IoError("cannot read " + std::to_string(bytes) + " bytes at byte " +
                  std::to_string(offset) + " of '" + path_ + "'" +
                  (std::ferror(file_.get()) ? ": " + detail::system_message(errno)
                                            : ": the file is shorter than its header says"));
  }
}

template <class T>
DenseMatrix<T> NpyRows<T>::read_rows(Index first, Index count) {
  DenseMatrix<T> block(count, cols_);
  const auto size = static_cast<std::int64_t>(sizeof(T));
  if (!fortran_) {
    read_at(data_offset_ + first * cols_ * size, block.data(),
            static_cast<std::size_t>(count * cols_) * sizeof(T));
  } else {
    std::vector<T> column(static_cast<std::size_t>(count));
    for (Index j = 0; j < cols_; ++j) {
      read_at(data_offset_ + (j * rows_ + first) * size, column.data(), column.size() * sizeof(T));
      for (Index i = 0; i < count; ++i) block(i, j) = column[static_cast<std::size_t>(i)];
    }
  }
  if (swap_) {
    for (Index p = 0; p < block.size(); ++p) {
      if constexpr (sizeof(T) == 4) {
        block.data()[p] = std::bit_cast<T>(__builtin_bswap32(std::bit_cast<std::uint32_t>(block.data()[p])));
      } else {
        block.data()[p] = std::bit_cast<T>(__builtin_bswap64(std::bit_cast<std::uint64_t>(block.data()[p])));
      }
    }
  }
  return block;
}

template class NpyRows<float>;
template class NpyRows<double>;

}  // namespace nmfkit::io
