// numpy_argsort against np.argsort (references from tests/oracles/sklearn_text.py): the
// order among equal keys is NumPy's introsort's, heapsort fallback included.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nmfkit/core/numpy_sort.hpp"
#include "reference_data.hpp"

namespace nmfkit {
namespace {

template <class T>
std::vector<T> values_of(const nlohmann::json& array) {
  std::vector<T> values;
  values.reserve(array.size());
  for (const auto& v : array) {
    if constexpr (std::is_floating_point_v<T>) {
      values.push_back(v.is_null() ? std::numeric_limits<T>::quiet_NaN() : v.get<T>());
    } else {
      values.push_back(v.get<T>());
    }
  }
  return values;
}

template <class T>
void expect_numpy_order(const nlohmann::json& entry) {
  const std::vector<T> values = values_of<T>(entry.at("values"));
  const auto expected = entry.at("argsort").get<std::vector<Index>>();
  EXPECT_EQ(numpy_argsort<T>(values), expected);
}

TEST(NumpySort, ArgsortMatchesNumpyTieForTie) {
  const auto arrays = testing::load_reference_json("text/argsort.json");
  ASSERT_GT(arrays.size(), 30u);
  int killers = 0;
  for (const auto& entry : arrays) {
    const std::string name = entry.at("name").get<std::string>();
    SCOPED_TRACE(name);
    killers += name.find("killer") != std::string::npos;
    const std::string dtype = entry.at("dtype").get<std::string>();
    if (dtype == "int64") {
      expect_numpy_order<std::int64_t>(entry);
    } else if (dtype == "float64") {
      expect_numpy_order<double>(entry);
    } else {
      ASSERT_EQ(dtype, "float32");
      expect_numpy_order<float>(entry);
    }
  }
  EXPECT_GE(killers, 2) << "the heapsort fallback is not exercised";
}

TEST(NumpySort, SortsAndIsAPermutation) {
  std::vector<double> values;
  std::uint32_t state = 1;
  for (int i = 0; i < 10000; ++i) {
    state = state * 1664525u + 1013904223u;
    values.push_back(static_cast<double>(state >> 28));
  }
  values[17] = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Index> order = numpy_argsort<double>(values);
  std::vector<bool> seen(values.size(), false);
  for (const Index i : order) {
    ASSERT_FALSE(seen[static_cast<std::size_t>(i)]);
    seen[static_cast<std::size_t>(i)] = true;
  }
  EXPECT_EQ(order.back(), 17);  // NaN last
  for (std::size_t k = 1; k + 1 < order.size(); ++k) {
    EXPECT_LE(values[static_cast<std::size_t>(order[k - 1])],
              values[static_cast<std::size_t>(order[k])]);
  }
}

}  // namespace
}  // namespace nmfkit
