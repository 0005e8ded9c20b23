// RandomState must reproduce NumPy's legacy RandomState(seed) draw for draw.

#include <gtest/gtest.h>

#include "nmfkit/core/random.hpp"
#include "reference_data.hpp"

namespace nmfkit {
namespace {

TEST(RandomState, MatchesNumpyStreams) {
  const auto streams = testing::load_reference_json("numpy_streams.json");
  ASSERT_FALSE(streams.empty());
  for (const auto& stream : streams) {
    const auto seed = stream.at("seed").get<std::uint32_t>();
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomState rng(seed);
    for (const auto& draw : stream.at("draws")) {
      const auto kind = draw.at("kind").get<std::string>();
      const auto& values = draw.at("values");
      if (kind == "random_sample") {
        for (const auto& v : values) ASSERT_EQ(rng.random_sample(), v.get<double>());
      } else if (kind == "standard_normal") {
        for (const auto& v : values) ASSERT_EQ(rng.standard_normal(), v.get<double>());
      } else if (kind == "permutation") {
        const auto order = rng.permutation(static_cast<Index>(values.size()));
        for (std::size_t i = 0; i < values.size(); ++i) ASSERT_EQ(order[i], values[i].get<Index>());
      } else {
        FAIL() << "unknown draw kind " << kind;
      }
    }
  }
}

TEST(RandomState, SameSeedSameStream) {
  RandomState a(7);
  RandomState b(7);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(a.next_uint32(), b.next_uint32());
}

TEST(RandomState, RandomIntervalStaysInRange) {
  RandomState rng(3);
  for (std::uint64_t max : {1ULL, 2ULL, 7ULL, 1000ULL, 0xffffffffULL, 0x1ffffffffULL}) {
    for (int i = 0; i < 200; ++i) ASSERT_LE(rng.random_interval(max), max);
  }
  EXPECT_EQ(rng.random_interval(0), 0U);
}

}  // namespace
}  // namespace nmfkit
