#pragma once
// Internal to the readers: where a .npy file's array lies, from its checked header, so that
// read_npy and the row-batch reader (npy_rows.cpp) share one parser and one set of errors.

#include <cstdint>
#include <optional>
#include <string>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io::detail {

struct NpyLayout {
  Index rows = 0, cols = 0;
  bool fortran = false;              // column-major on disk
  bool swap = false;                 // the other byte order than this machine's
  std::size_t element_size = 8;      // bytes per element on disk
  std::optional<DType> dtype;        // float32 or float64; none for types read_npy converts
  std::string descr;                 // the dtype as the header spells it
  std::int64_t data_offset = 0;      // the first byte of the array
  std::string what;                  // "N bytes of data for shape (...) and dtype '...'"
};

// The header of `path`, checked as read_npy checks it (magic, version, dict, 2-D shape,
// the file long enough for the data). Throws IoError or FormatError.
NpyLayout read_npy_layout(const std::string& path);

}  // namespace nmfkit::io::detail
