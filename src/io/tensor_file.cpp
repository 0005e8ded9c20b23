#include "nmfkit/io/tensor_file.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"
#include "text_fields.hpp"

namespace nmfkit::io {

template <class T>
DenseTensor<T> dense_tensor(NpyArray array, const std::string& path) {
  if (array.shape.size() < 3) {
    throw InvalidArgument("'" + path + "' holds an array of shape " + shape_text(array.shape) +
                          "; a tensor needs at least 3 dimensions (use 'nmfkit fit' for a matrix)");
  }
  array.values.convert(dtype_of<T>());
  DenseTensor<T> X;
  X.shape = std::move(array.shape);
  const auto& values = std::get<DenseMatrix<T>>(array.values.storage());
  X.values.assign(values.data(), values.data() + values.size());
  return X;
}

template <class T>
SparseTensor<T> read_tns(const std::string& path, const std::optional<std::vector<Index>>& shape) {
  if (shape && shape->size() < 3) {
    throw InvalidArgument("--shape gives " + std::to_string(shape->size()) +
                          " modes; a tensor needs at least 3");
  }
  detail::LineReader reader(path);
  SparseTensor<T> X;
  std::vector<std::int64_t> lines;
  std::size_t modes = shape ? shape->size() : 0;
  constexpr std::size_t kMaxFields = 64;
  std::string_view fields[kMaxFields];
  std::string_view line;
  const auto fail = [&](const std::string& what) {
    return FormatError::at_line(path, reader.line_number(), what);
  };
  while (reader.next(line)) {
    if (detail::is_blank(line) || line.find_first_not_of(" \t") == line.find('#')) continue;
    const std::size_t count = detail::split_whitespace(line, fields, kMaxFields);
    if (modes == 0) {
      if (count < 4) {
        throw InvalidArgument("'" + path + "' line " + std::to_string(reader.line_number()) +
                              " has " + std::to_string(count) + " fields, so " +
                              std::to_string(count == 0 ? 0 : count - 1) +
                              " modes; a tensor needs at least 3 (i j k value)");
      }
      modes = count - 1;
    }
    if (count != modes + 1) {
      throw fail("expected " + std::to_string(modes + 1) + " fields (" + std::to_string(modes) +
                 " indices and a value), found " + std::to_string(count));
    }
    for (std::size_t m = 0; m < modes; ++m) {
      std::int64_t index = 0;
      if (!detail::parse_int64(fields[m], index)) {
        throw fail("index " + detail::quote(fields[m]) + " of mode " + std::to_string(m) +
                   " is not an integer");
      }
      if (index < 1) {
        throw fail("index " + std::to_string(index) + " of mode " + std::to_string(m) +
                   " is below 1 (indices are 1-based)");
      }
      if (shape && index > (*shape)[m]) {
        throw fail("index " + std::to_string(index) + " of mode " + std::to_string(m) +
                   " is beyond the shape's " + std::to_string((*shape)[m]));
      }
      X.coords.push_back(static_cast<Index>(index - 1));
    }
    double value = 0;
    if (!detail::parse_double(fields[modes], value)) {
      throw fail("value " + detail::quote(fields[modes]) + " is not a number");
    }
    if (std::isinf(value) || value < 0) {
      throw fail("value " + detail::quote(fields[modes]) +
                 " is negative or infinite; entries must be >= 0 (nan marks a missing entry)");
    }
    X.values.push_back(static_cast<T>(value));
    lines.push_back(reader.line_number());
  }
  if (modes == 0) throw FormatError::at_line(path, reader.line_number(), "no tensor entries");
  if (shape) {
    X.shape = *shape;
  } else {
    X.shape.assign(modes, 0);
    for (std::size_t e = 0; e < X.values.size(); ++e) {
      for (std::size_t m = 0; m < modes; ++m) {
        X.shape[m] = std::max(X.shape[m], X.coords[e * modes + m] + 1);
      }
    }
  }
  // Coordinates listed twice: sort the entries by coordinates and compare neighbours.
  std::vector<std::size_t> order(X.values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto at = [&](std::size_t e) { return X.coords.begin() + static_cast<std::ptrdiff_t>(e * modes); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(at(a), at(a) + static_cast<std::ptrdiff_t>(modes), at(b),
                                        at(b) + static_cast<std::ptrdiff_t>(modes)) ||
           (std::equal(at(a), at(a) + static_cast<std::ptrdiff_t>(modes), at(b)) && a < b);
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (std::equal(at(order[i - 1]), at(order[i - 1]) + static_cast<std::ptrdiff_t>(modes),
                   at(order[i]))) {
      throw FormatError::at_line(path, lines[order[i]],
                                 "these coordinates were already given on line " +
                                     std::to_string(lines[order[i - 1]]));
    }
  }
  return X;
}

#define NMFKIT_INSTANTIATE(T)                                                  \
  template DenseTensor<T> dense_tensor(NpyArray, const std::string&);         \
  template SparseTensor<T> read_tns(const std::string&,                       \
                                    const std::optional<std::vector<Index>>&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit::io
