// Topic coherence against gensim's CoherenceModel (tests/oracles/gensim_coherence.py), and
// topic diversity.

#include <omp.h>

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/text/coherence.hpp"
#include "reference_data.hpp"
#include "test_helpers.hpp"

namespace nmfkit::text {
namespace {

using Words = std::vector<std::vector<std::string>>;

// gensim's own arithmetic is followed step by step; what is left is NumPy's vectorised
// log against the C library's, an ulp or two apart.
constexpr double kRelativeTolerance = 1e-12;

CoherenceOptions options_of(const nlohmann::json& entry) {
  CoherenceOptions options;
  options.measure = parse_coherence_measure(entry.at("measure").get<std::string>());
  options.window_size = entry.at("window_size").get<int>();
  options.topn = entry.at("topn").get<int>();
  return options;
}

// NaN where gensim's value is null (its NaN, which JSON cannot hold).
void expect_gensim_values(const std::vector<double>& actual, const nlohmann::json& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t t = 0; t < actual.size(); ++t) {
    SCOPED_TRACE("topic " + std::to_string(t));
    if (expected[t].is_null()) {
      EXPECT_TRUE(std::isnan(actual[t])) << actual[t];
      continue;
    }
    const double want = expected[t].get<double>();
    EXPECT_NEAR(actual[t], want, kRelativeTolerance * std::abs(want));
  }
}

void check_case(const nlohmann::json& entry, const Words& texts) {
  SCOPED_TRACE(entry.at("name").get<std::string>());
  const auto topics = entry.at("topics").get<Words>();
  const CoherenceOptions options = options_of(entry);
  if (entry.contains("error")) {
    EXPECT_THROW(topic_coherence(topics, texts, options), InvalidArgument)
        << "gensim raised " << entry.at("error").get<std::string>();
    return;
  }
  expect_gensim_values(topic_coherence(topics, texts, options), entry.at("expected"));
}

TEST(Coherence, MatchesGensimOnEdgeCasesAndRandomSmallTexts) {
  const auto cases = testing::load_reference_json("coherence/cases.json");
  ASSERT_FALSE(cases.empty());
  for (const auto& entry : cases) check_case(entry, entry.at("texts").get<Words>());
}

void check_corpus(const nlohmann::json& corpus) {
  const auto texts = corpus.at("texts").get<Words>();
  const auto& cases = corpus.at("cases");
  ASSERT_EQ(cases.size(), 7u);  // u_mass, then each sliding measure with two windows
  for (const auto& entry : cases) check_case(entry, texts);
}

TEST(Coherence, MatchesGensimOnGeneratedZipfCorpus) {
  check_corpus(testing::load_reference_json("coherence/zipf.json"));
}

TEST(Coherence, MatchesGensimOnNewsgroupPosts) {
  const auto news = testing::load_reference_json("coherence/news.json");
  if (!news.value("available", false)) {
    GTEST_SKIP() << news.value("note", std::string("coherence/news.json has no cases"));
  }
  check_corpus(news);
}

// "w<i>"; appending, since GCC 12 warns wrongly (-Wrestrict) about "w" + std::string.
std::string word(int i) {
  std::string name = "w";
  name += std::to_string(i);
  return name;
}

// A corpus big enough to be split into several blocks of parallel work.
Words synthetic_texts(int n_texts, std::uint32_t seed) {
  RandomState rng(seed);
  Words texts(static_cast<std::size_t>(n_texts));
  for (auto& text : texts) {
    const int length = 1 + static_cast<int>(rng.random_sample() * 300);
    for (int i = 0; i < length; ++i) {
      // Squaring skews the draw towards the first words, as in real text.
      const double u = rng.random_sample();
      text.push_back(word(static_cast<int>(u * u * 200)));
    }
  }
  return texts;
}

TEST(Coherence, ResultDoesNotDependOnThreadCount) {
  const Words texts = synthetic_texts(2000, 7);
  Words topics;
  for (int t = 0; t < 20; ++t) {
    auto& topic = topics.emplace_back();
    for (int i = 0; i < 10; ++i) topic.push_back(word((t * 7 + i * 13) % 200));
  }
  const int threads_before = omp_get_max_threads();
  for (const CoherenceMeasure measure : {CoherenceMeasure::UMass, CoherenceMeasure::CUci,
                                         CoherenceMeasure::CNpmi, CoherenceMeasure::CV}) {
    SCOPED_TRACE(to_string(measure));
    CoherenceOptions options;
    options.measure = measure;
    omp_set_num_threads(1);
    const std::vector<double> one = topic_coherence(topics, texts, options);
    omp_set_num_threads(2);
    const std::vector<double> two = topic_coherence(topics, texts, options);
    EXPECT_EQ(one, two);  // bit for bit: the counts are integers
  }
  omp_set_num_threads(threads_before);
}

using testing::expect_invalid;

TEST(Coherence, RefusesBadInputWithClearMessages) {
  const Words texts = {{"a", "b", "c"}, {"b", "c", "d"}};
  const Words topics = {{"a", "b"}};
  expect_invalid([&] { topic_coherence({}, texts); }, "topic_coherence: no topics");
  expect_invalid([&] { topic_coherence({{"a"}, {}}, texts); }, "topic 1 is empty");
  const Words absent = {{"a"}, {"x", "y"}};
  expect_invalid([&] { topic_coherence(absent, texts); },
                          "no word of topic 1 occurs in the texts");
  expect_invalid([&] { topic_coherence(topics, {}); }, "no texts");

  const Words with_empty = {{"a", "b"}, {}};
  expect_invalid([&] { topic_coherence(topics, with_empty); },
                          "text 1 is empty; c_v needs at least one token per text");
  CoherenceOptions umass;
  umass.measure = CoherenceMeasure::UMass;
  EXPECT_EQ(topic_coherence(topics, with_empty, umass).size(), 1u);  // a document like any

  CoherenceOptions no_words;
  no_words.topn = 0;
  expect_invalid([&] { topic_coherence(topics, texts, no_words); },
                          "topn must be >= 1; got 0");
  CoherenceOptions negative_window;
  negative_window.window_size = -2;
  expect_invalid([&] { topic_coherence(topics, texts, negative_window); },
                          "window_size must be >= 0 (0: the measure's default); got -2");
}

TEST(CoherenceMeasure, NamesRoundTripAndUnknownNamesAreRefused) {
  for (const CoherenceMeasure measure : {CoherenceMeasure::UMass, CoherenceMeasure::CUci,
                                         CoherenceMeasure::CNpmi, CoherenceMeasure::CV}) {
    EXPECT_EQ(parse_coherence_measure(to_string(measure)), measure);
  }
  expect_invalid(
      [] { parse_coherence_measure("c_w2v"); },
      "coherence measure must be one of u_mass, c_uci, c_npmi, c_v; got 'c_w2v'");
  EXPECT_THROW(parse_coherence_measure("C_V"), InvalidArgument);
}

TEST(TopicDiversity, CountsDistinctWordsAmongTopWords) {
  EXPECT_DOUBLE_EQ(topic_diversity({{"a", "b"}, {"c", "d"}}), 1.0);
  EXPECT_DOUBLE_EQ(topic_diversity({{"a", "b"}, {"a", "b"}, {"b", "a"}}), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(topic_diversity({{"a", "b", "c"}, {"a", "d"}}), 4.0 / 5.0);
  // Only the first topn words count: the shared "z" is beyond them.
  EXPECT_DOUBLE_EQ(topic_diversity({{"a", "b", "z"}, {"c", "d", "z"}}, 2), 1.0);
  EXPECT_DOUBLE_EQ(topic_diversity({{"a", "b", "z"}, {"c", "d", "z"}}, 3), 5.0 / 6.0);
  // A topic shorter than topn gives all its words; a repeat inside a topic counts too.
  EXPECT_DOUBLE_EQ(topic_diversity({{"a"}, {"b", "c", "d"}}, 2), 1.0);
  EXPECT_DOUBLE_EQ(topic_diversity({{"a", "a"}}), 0.5);
}

TEST(TopicDiversity, RefusesBadInput) {
  expect_invalid([] { topic_diversity({}); }, "topic_diversity: no topics");
  expect_invalid([] { topic_diversity({{"a"}, {}}); }, "topic 1 is empty");
  expect_invalid([] { topic_diversity({{"a"}}, 0); }, "topn must be >= 1; got 0");
}

}  // namespace
}  // namespace nmfkit::text
