#include "nmfkit/dist/partition.hpp"

#include <algorithm>
#include <string>

#include "nmfkit/core/error.hpp"

namespace nmfkit::dist {

std::vector<Index> balanced_offsets(Index rows, int parts, const std::vector<Index>& prefix) {
  if (parts < 1) throw InvalidArgument("balanced_offsets: parts must be at least 1");
  if (!prefix.empty() && static_cast<Index>(prefix.size()) != rows + 1) {
    throw InvalidArgument(
        "balanced_offsets: prefix must have rows + 1 = " + std::to_string(rows + 1) + " entries");
  }
  std::vector<Index> offsets(static_cast<std::size_t>(parts) + 1, rows);
  offsets[0] = 0;
  // Rows without any work (an empty matrix) are split evenly instead.
  const bool by_work = !prefix.empty() && prefix[rows] > prefix[0];
  const auto work_before = [&](Index row) { return by_work ? prefix[row] - prefix[0] : row; };
  const double total = static_cast<double>(work_before(rows));
  Index row = 0;
  for (int p = 1; p < parts; ++p) {
    const double target = total * p / parts;
    while (row < rows && static_cast<double>(work_before(row)) < target) ++row;
    offsets[static_cast<std::size_t>(p)] = row;
  }
  return offsets;
}

}  // namespace nmfkit::dist
