#include "nmfkit/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nmfkit/core/error.hpp"

namespace nmfkit {

double entry_count(const std::vector<Index>& shape) {
  double count = 1;
  for (const Index extent : shape) count *= static_cast<double>(extent);
  return count;
}

std::string shape_text(const std::vector<Index>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + ")";
}

void check_tensor_shape(const std::vector<Index>& shape) {
  if (shape.size() < 3) {
    throw InvalidArgument("a tensor needs at least 3 modes; found shape " + shape_text(shape) +
                          " (" + std::to_string(shape.size()) +
                          (shape.size() == 1 ? " mode" : " modes") +
                          "; use 'nmfkit fit' for a matrix)");
  }
  for (std::size_t m = 0; m < shape.size(); ++m) {
    if (shape[m] < 1) {
      throw InvalidArgument("tensor shape " + shape_text(shape) + ": mode " + std::to_string(m) +
                            " is empty");
    }
  }
}

namespace {

std::string coords_text(const Index* coords, std::size_t modes) {
  std::string text = "(";
  for (std::size_t m = 0; m < modes; ++m) {
    if (m > 0) text += ", ";
    text += std::to_string(coords[m]);
  }
  return text + ")";
}

template <class T>
void check_value(T value, const std::string& where) {
  if (std::isnan(value)) return;
  if (std::isinf(value)) {
    throw InvalidArgument("tensor entry " + where + " is infinite; entries must be finite and >= 0 "
                          "(NaN marks a missing entry)");
  }
  if (value < 0) {
    throw InvalidArgument("tensor entry " + where + " is negative (" +
                          value_text(static_cast<double>(value)) +
                          "); non-negative CP needs entries >= 0");
  }
}

// The zero-based multi-index of C-order position `linear`.
std::vector<Index> unravel(Index linear, const std::vector<Index>& shape) {
  std::vector<Index> index(shape.size());
  for (std::size_t m = shape.size(); m-- > 0;) {
    index[m] = linear % shape[m];
    linear /= shape[m];
  }
  return index;
}

}  // namespace

template <class T>
void check_tensor(const DenseTensor<T>& X) {
  check_tensor_shape(X.shape);
  if (static_cast<double>(X.values.size()) != entry_count(X.shape)) {
    throw InvalidArgument("a tensor of shape " + shape_text(X.shape) + " needs " +
                          value_text(entry_count(X.shape)) + " values; found " +
                          std::to_string(X.values.size()));
  }
  for (std::size_t e = 0; e < X.values.size(); ++e) {
    const T value = X.values[e];
    if (std::isnan(value) || (std::isfinite(value) && value >= 0)) continue;
    const std::vector<Index> index = unravel(static_cast<Index>(e), X.shape);
    check_value(value, "at " + coords_text(index.data(), index.size()));
  }
}

template <class T>
void check_tensor(const SparseTensor<T>& X) {
  check_tensor_shape(X.shape);
  const std::size_t modes = X.shape.size();
  if (X.coords.size() != X.values.size() * modes) {
    throw InvalidArgument("a sparse tensor of " + std::to_string(modes) + " modes needs " +
                          std::to_string(modes) + " coordinates per value");
  }
  const std::size_t count = X.values.size();
  for (std::size_t e = 0; e < count; ++e) {
    const Index* c = &X.coords[e * modes];
    for (std::size_t m = 0; m < modes; ++m) {
      if (c[m] < 0 || c[m] >= X.shape[m]) {
        throw InvalidArgument("tensor entry " + std::to_string(e) + " at " +
                              coords_text(c, modes) + ": index " + std::to_string(c[m]) +
                              " of mode " + std::to_string(m) + " is outside 0.." +
                              std::to_string(X.shape[m] - 1));
      }
    }
    check_value(X.values[e], std::to_string(e) + " at " + coords_text(c, modes));
  }
  // Duplicates: sort the entry numbers by coordinates and compare neighbours.
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(&X.coords[a * modes], &X.coords[a * modes] + modes,
                                        &X.coords[b * modes], &X.coords[b * modes] + modes);
  };
  std::sort(order.begin(), order.end(), less);
  for (std::size_t i = 1; i < count; ++i) {
    const std::size_t a = std::min(order[i - 1], order[i]);
    const std::size_t b = std::max(order[i - 1], order[i]);
    if (std::equal(&X.coords[a * modes], &X.coords[a * modes] + modes, &X.coords[b * modes])) {
      throw InvalidArgument("tensor entries " + std::to_string(a) + " and " + std::to_string(b) +
                            " both give coordinates " + coords_text(&X.coords[a * modes], modes));
    }
  }
}

template <class T>
bool has_missing(const DenseTensor<T>& X) {
  return std::any_of(X.values.begin(), X.values.end(), [](T v) { return std::isnan(v); });
}

template <class T>
bool has_missing(const SparseTensor<T>& X) {
  return std::any_of(X.values.begin(), X.values.end(), [](T v) { return std::isnan(v); });
}

template <class T>
DenseTensor<T> to_dense(const SparseTensor<T>& X) {
  DenseTensor<T> dense;
  dense.shape = X.shape;
  dense.values.assign(static_cast<std::size_t>(entry_count(X.shape)), T(0));
  const std::size_t modes = X.shape.size();
  for (std::size_t e = 0; e < X.values.size(); ++e) {
    Index linear = 0;
    for (std::size_t m = 0; m < modes; ++m) linear = linear * X.shape[m] + X.coords[e * modes + m];
    dense.values[static_cast<std::size_t>(linear)] = X.values[e];
  }
  return dense;
}

#define NMFKIT_INSTANTIATE(T)                                \
  template void check_tensor(const DenseTensor<T>&);         \
  template void check_tensor(const SparseTensor<T>&);        \
  template bool has_missing(const DenseTensor<T>&);          \
  template bool has_missing(const SparseTensor<T>&);         \
  template DenseTensor<T> to_dense(const SparseTensor<T>&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit
