#include "nmfkit/io/csr_spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io {

namespace {

std::string system_error(const std::string& what, const std::string& path) {
  return what + " the temporary file '" + path + "': " + std::strerror(errno);
}

}  // namespace

template <class T>
CsrSpill<T>::CsrSpill(Index rows, Index cols)
    : cols_(cols), offset_(static_cast<std::size_t>(rows), 0),
      count_(static_cast<std::size_t>(rows), 0) {
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::temp_directory_path(ec);
  std::string name = (ec ? std::filesystem::path("/tmp") : folder) / "nmfkit-rows-XXXXXX";
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) throw IoError(system_error("cannot create", name));
  path_ = name;
  ::unlink(path_.c_str());
}

template <class T>
CsrSpill<T>::~CsrSpill() {
  if (fd_ >= 0) ::close(fd_);
}

template <class T>
void CsrSpill<T>::write_row(Index row, const std::vector<std::int64_t>& columns,
                            const std::vector<T>& values) {
  const auto write_all = [this](const void* data, std::size_t bytes) {
    const char* p = static_cast<const char*>(data);
    while (bytes > 0) {
      const ssize_t wrote = ::pwrite(fd_, p, bytes, end_);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) throw IoError(system_error("cannot write", path_));
      p += wrote;
      bytes -= static_cast<std::size_t>(wrote);
      end_ += wrote;
    }
  };
  const auto r = static_cast<std::size_t>(row);
  non_zeros_ += static_cast<std::int64_t>(columns.size()) - count_[r];
  offset_[r] = end_;
  count_[r] = static_cast<std::int64_t>(columns.size());
  write_all(columns.data(), columns.size() * sizeof(std::int64_t));
  write_all(values.data(), values.size() * sizeof(T));
}

template <class T>
SparseMatrix<T> CsrSpill<T>::read_rows(Index first, Index count) {
  const auto read_all = [this](void* data, std::size_t bytes, std::int64_t at) {
    char* p = static_cast<char*>(data);
    while (bytes > 0) {
      const ssize_t got = ::pread(fd_, p, bytes, at);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw IoError(system_error("cannot read", path_));
      p += got;
      bytes -= static_cast<std::size_t>(got);
      at += got;
    }
  };
  std::int64_t stored = 0;
  for (Index i = first; i < first + count; ++i) stored += count_[static_cast<std::size_t>(i)];
  SparseMatrix<T> block(count, cols_);
  block.resizeNonZeros(stored);
  std::int64_t* outer = block.outerIndexPtr();
  std::int64_t k = 0;
  for (Index i = 0; i < count; ++i) {
    const auto r = static_cast<std::size_t>(first + i);
    const std::int64_t n = count_[r];
    outer[i] = k;
    read_all(block.innerIndexPtr() + k, static_cast<std::size_t>(n) * sizeof(std::int64_t),
             offset_[r]);
    read_all(block.valuePtr() + k, static_cast<std::size_t>(n) * sizeof(T),
             offset_[r] + n * static_cast<std::int64_t>(sizeof(std::int64_t)));
    k += n;
  }
  outer[count] = k;
  return block;
}

template class CsrSpill<float>;
template class CsrSpill<double>;

}  // namespace nmfkit::io
