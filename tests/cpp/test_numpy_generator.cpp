// NumpyGenerator must reproduce numpy.random.default_rng(seed) draw for draw. Doubles are
// compared bitwise (ASSERT_EQ on double): every path, the ziggurats' wedges and tails and
// the libm calls of the gamma included, gives NumPy's exact bits.

#include <gtest/gtest.h>

#include <algorithm>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/numpy_generator.hpp"
#include "reference_data.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

template <class Draw>
void expect_doubles(const nlohmann::json& values, Draw draw) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(draw(), values[i].get<double>()) << "draw " << i;
  }
}

void check_call(NumpyGenerator& rng, const nlohmann::json& call) {
  const auto kind = call.at("kind").get<std::string>();
  const auto& args = call.at("args");
  const auto& values = call.at("values");
  SCOPED_TRACE(kind + " " + args.dump());
  if (kind == "raw") {
    for (const auto& v : values) ASSERT_EQ(rng.next_uint64(), v.get<std::uint64_t>());
  } else if (kind == "random") {
    expect_doubles(values, [&] { return rng.random(); });
  } else if (kind == "standard_normal") {
    expect_doubles(values, [&] { return rng.standard_normal(); });
  } else if (kind == "standard_exponential") {
    expect_doubles(values, [&] { return rng.standard_exponential(); });
  } else if (kind == "standard_gamma") {
    const auto shape = args[0].get<double>();
    expect_doubles(values, [&] { return rng.standard_gamma(shape); });
  } else if (kind == "gamma_matrix") {
    DenseMatrix<double> out(args[2].get<Index>(), args[3].get<Index>());
    rng.fill_gamma(out, args[0].get<double>(), args[1].get<double>());
    ASSERT_EQ(static_cast<std::size_t>(out.size()), values.size());
    for (Index i = 0; i < out.size(); ++i) ASSERT_EQ(out.data()[i], values[i].get<double>());
  } else if (kind == "integers") {
    const auto low = args[0].get<std::int64_t>();
    const auto high = args[1].get<std::int64_t>();
    for (const auto& v : values) ASSERT_EQ(rng.integers(low, high), v.get<std::int64_t>());
  } else if (kind == "integers_array") {
    const auto drawn =
        rng.integers(args[0].get<std::int64_t>(), args[1].get<std::int64_t>(), values.size());
    ASSERT_EQ(drawn, values.get<std::vector<std::int64_t>>());
  } else if (kind == "choice") {
    const auto size = args[1].get<std::size_t>() * args[2].get<std::size_t>();
    ASSERT_EQ(rng.choice(args[0].get<std::int64_t>(), size),
              values.get<std::vector<std::int64_t>>());
  } else if (kind == "permutation" || kind == "permutation_rows") {
    ASSERT_EQ(rng.permutation(args[0].get<Index>()), values.get<std::vector<Index>>());
  } else {
    FAIL() << "unknown draw kind " << kind;
  }
}

TEST(NumpyGenerator, MatchesNumpyStreams) {
  const auto reference = testing::load_reference_json("numpy_generator.json");
  ASSERT_TRUE(reference.contains("streams"));
  for (const auto& stream : reference.at("streams")) {
    const auto seed = stream.at("seed").get<std::uint64_t>();
    SCOPED_TRACE("seed " + std::to_string(seed));
    NumpyGenerator rng(seed);
    for (const auto& call : stream.at("calls")) {
      check_call(rng, call);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(NumpyGenerator, MatchesMtopicInitialisation) {
  const auto reference = testing::load_reference_json("numpy_generator.json");
  ASSERT_TRUE(reference.contains("mtopic_init"));
  const auto& init = reference.at("mtopic_init");
  NumpyGenerator rng(init.at("seed").get<std::uint64_t>());
  DenseMatrix<double> topics(init.at("shape")[0].get<Index>(), init.at("shape")[1].get<Index>());
  rng.fill_gamma(topics, 100.0, 0.01);
  const auto& values = init.at("values");
  ASSERT_EQ(static_cast<std::size_t>(topics.size()), values.size());
  for (Index i = 0; i < topics.size(); ++i) ASSERT_EQ(topics.data()[i], values[i].get<double>());
}

TEST(NumpyGenerator, FloatFillIsTheRoundedDoubleFill) {
  NumpyGenerator a(2291);
  NumpyGenerator b(2291);
  DenseMatrix<double> wide(3, 5);
  DenseMatrix<float> narrow(3, 5);
  a.fill_gamma(wide, 0.7, 2.0);
  b.fill_gamma(narrow, 0.7, 2.0);
  for (Index i = 0; i < wide.size(); ++i) {
    ASSERT_EQ(narrow.data()[i], static_cast<float>(wide.data()[i]));
  }
}

TEST(NumpyGenerator, Next32UsesBothHalvesOfAWord) {
  NumpyGenerator words(5);
  NumpyGenerator halves(5);
  const std::uint64_t word = words.next_uint64();
  EXPECT_EQ(halves.next_uint32(), static_cast<std::uint32_t>(word));
  EXPECT_EQ(halves.next_uint64(), words.next_uint64());  // the high half waits meanwhile
  EXPECT_EQ(halves.next_uint32(), static_cast<std::uint32_t>(word >> 32));
}

TEST(NumpyGenerator, PermutationIsAPermutation) {
  NumpyGenerator rng(11);
  auto order = rng.permutation(257);
  std::sort(order.begin(), order.end());
  for (Index i = 0; i < 257; ++i) ASSERT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_TRUE(rng.permutation(0).empty());
}

TEST(NumpyGenerator, IntegersStayInRange) {
  NumpyGenerator rng(3);
  for (std::int64_t high : {1LL, 2LL, 7LL, 1000LL, 0x100000000LL, 0x100000001LL, 1LL << 62}) {
    for (int i = 0; i < 200; ++i) {
      const auto value = rng.integers(-3, high);
      ASSERT_GE(value, -3);
      ASSERT_LT(value, high);
    }
  }
}

TEST(NumpyGenerator, RejectsBadArguments) {
  NumpyGenerator rng(0);
  testing::expect_invalid([&] { rng.integers(4, 4); }, "low 4, high 4");
  testing::expect_invalid([&] { rng.integers(5, 4, 3); }, "low < high");
  testing::expect_invalid([&] { rng.standard_gamma(-1.0); }, "shape");
  testing::expect_invalid([&] { rng.gamma(1.0, -2.0); }, "scale");
  testing::expect_invalid([&] { rng.choice(0, 3); }, "population");
  testing::expect_invalid([&] { rng.permutation(-1); }, "permutation length");
  EXPECT_TRUE(rng.choice(0, 0).empty());
}

}  // namespace
}  // namespace nmfkit
