#include "nmfkit/report/sampling.hpp"

namespace nmfkit::report {

std::vector<std::size_t> evenly_spaced_indices(std::size_t n, std::size_t cap) {
  std::vector<std::size_t> indices;
  if (cap == 0 || n <= cap) {
    indices.resize(n);
    for (std::size_t i = 0; i < n; ++i) indices[i] = i;
    return indices;
  }
  indices.reserve(cap);
  if (cap == 1) return {0};
  // Index j of cap maps to round(j (n − 1) / (cap − 1)): distinct since n > cap.
  for (std::size_t j = 0; j < cap; ++j) {
    indices.push_back((j * (n - 1) + (cap - 1) / 2) / (cap - 1));
  }
  return indices;
}

}  // namespace nmfkit::report
