// The tokenizer and the vectorizer against Python's str.lower() and re, and scikit-learn's
// CountVectorizer and TfidfVectorizer (references from tests/oracles/sklearn_text.py).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/vectorizer.hpp"
#include "reference_data.hpp"
#include "sha256.hpp"

namespace nmfkit::text {
namespace {

using testing::expect_error;
using testing::from_hex;
using testing::strings;

// Python's int/float distinction, as JSON keeps it.
DocumentFrequency document_frequency(const nlohmann::json& value) {
  if (value.is_number_integer()) return DocumentFrequency::count(value.get<Index>());
  return DocumentFrequency::fraction(value.get<double>());
}

// The VectorizerOptions for the oracle's keyword arguments.
VectorizerOptions options_of(const nlohmann::json& o) {
  VectorizerOptions options;
  options.weighting = o.at("weighting") == "count" ? Weighting::Count : Weighting::Tfidf;
  options.lowercase = o.value("lowercase", true);
  if (o.contains("stop_words")) {
    options.stop_words = o.at("stop_words") == "english"
                             ? StopWords::english()
                             : StopWords::from_file(testing::reference_path("text/stop_words.txt"));
  }
  if (o.contains("min_df")) options.min_df = document_frequency(o.at("min_df"));
  if (o.contains("max_df")) options.max_df = document_frequency(o.at("max_df"));
  if (o.contains("max_features")) options.max_features = o.at("max_features").get<Index>();
  options.binary = o.value("binary", false);
  if (o.contains("norm")) {
    options.norm = o.at("norm").is_null() ? Norm::None : o.at("norm") == "l1" ? Norm::L1 : Norm::L2;
  }
  options.use_idf = o.value("use_idf", true);
  options.smooth_idf = o.value("smooth_idf", true);
  options.sublinear_tf = o.value("sublinear_tf", false);
  if (o.value("dtype", "") == "float32") options.dtype = DType::Float32;
  return options;
}

// Integers exactly, tf-idf to 1e-12 relative (float32: a few units in the last place, as
// NumPy's float32 log may round differently from the C library's).
double tolerance(const VectorizerOptions& o) {
  if (o.weighting == Weighting::Count) return 0;
  return o.dtype == DType::Float32 ? 1e-6 : 1e-12;
}

void expect_close(double actual, double expected, double relative, const std::string& what) {
  if (relative == 0) {
    EXPECT_EQ(actual, expected) << what;
  } else {
    EXPECT_LE(std::fabs(actual - expected), relative * std::fabs(expected)) << what;
  }
}

// The matrix against the oracle's CSR: same shape, same pattern, close values.
void expect_matrix(const AnyMatrix& matrix, const nlohmann::json& expected, DType dtype,
                   double relative) {
  ASSERT_TRUE(matrix.is_sparse());
  EXPECT_EQ(matrix.dtype(), dtype);
  const auto shape = expected.at("shape").get<std::vector<Index>>();
  ASSERT_EQ(matrix.rows(), shape[0]);
  ASSERT_EQ(matrix.cols(), shape[1]);
  const auto indptr = expected.at("indptr").get<std::vector<std::int64_t>>();
  const auto indices = expected.at("indices").get<std::vector<std::int64_t>>();
  const auto data = expected.at("data").get<std::vector<double>>();
  ASSERT_EQ(matrix.stored(), static_cast<Index>(data.size()));
  matrix.visit([&](const auto& m) {
    if constexpr (requires { m.outerIndexPtr(); }) {
      ASSERT_TRUE(m.isCompressed());
      const std::vector<std::int64_t> outer(m.outerIndexPtr(), m.outerIndexPtr() + m.rows() + 1);
      const std::vector<std::int64_t> inner(m.innerIndexPtr(), m.innerIndexPtr() + m.nonZeros());
      EXPECT_EQ(outer, indptr);
      EXPECT_EQ(inner, indices);
      int reported = 0;
      for (std::size_t k = 0; k < data.size() && reported < 10; ++k) {
        const double actual = static_cast<double>(m.valuePtr()[k]);
        const bool fine = relative == 0
                              ? actual == data[k]
                              : std::fabs(actual - data[k]) <= relative * std::fabs(data[k]);
        if (!fine) {
          ++reported;
          ADD_FAILURE() << "entry " << k << " (column " << indices[k] << "): " << actual
                        << " vs scikit-learn's " << data[k];
        }
      }
    }
  });
}

// ------------------------------------------------------------------------ tokenizer

TEST(Tokenize, MatchesPythonLowerAndRegexOnTrickyText) {
  const auto cases = testing::load_reference_json("text/tokenize_cases.json");
  ASSERT_GT(cases.size(), 30u);
  for (const auto& c : cases) {
    const std::string bytes = from_hex(c.at("bytes_hex").get<std::string>());
    SCOPED_TRACE(c.at("lower").get<std::string>());
    EXPECT_EQ(to_lower(bytes), c.at("lower").get<std::string>());
    EXPECT_EQ(tokenize(bytes, true), strings(c.at("tokens_lower")));
    EXPECT_EQ(tokenize(bytes, false), strings(c.at("tokens_raw")));
  }
}

TEST(Tokenize, EveryCodePointInFinalSigmaContexts) {
  const auto sweep = testing::load_reference_json("text/unicode_sweep.json");
  ASSERT_TRUE(sweep.contains("lower_sha256"));
  std::string text;
  text.reserve(std::size_t{1} << 25);
  auto utf8 = [&text](char32_t c) {
    if (c < 0x80) {
      text.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      text.push_back(static_cast<char>(0xC0 | (c >> 6)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      text.push_back(static_cast<char>(0xE0 | (c >> 12)));
      text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      text.push_back(static_cast<char>(0xF0 | (c >> 18)));
      text.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  };
  for (char32_t c = 0; c < 0x110000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;
    for (const char32_t piece : {U'A', c, U'\u03A3', c, U'x', U' ', U'\u03A3', c, U'a', U' '}) {
      utf8(piece);
    }
  }
  EXPECT_EQ(testing::sha256_hex(to_lower(text)), sweep.at("lower_sha256").get<std::string>());
  auto joined = [](const std::vector<std::string>& tokens) {
    std::string all;
    for (const auto& t : tokens) all += (all.empty() ? "" : "\n") + t;
    return all;
  };
  const auto lowered = tokenize(text, true);
  EXPECT_EQ(lowered.size(), sweep.at("tokens_lower_count").get<std::size_t>());
  EXPECT_EQ(testing::sha256_hex(joined(lowered)),
            sweep.at("tokens_lower_sha256").get<std::string>());
  const auto raw = tokenize(text, false);
  EXPECT_EQ(raw.size(), sweep.at("tokens_raw_count").get<std::size_t>());
  EXPECT_EQ(testing::sha256_hex(joined(raw)), sweep.at("tokens_raw_sha256").get<std::string>());
}

// ----------------------------------------------------------------------- vectorizer

TEST(Vectorizer, MatchesScikitLearnForEveryOption) {
  const auto cases = testing::load_reference_json("text/vectorizer_cases.json");
  ASSERT_GT(cases.size(), 30u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("corpus").get<std::string>() + " " + c.at("options").dump());
    const VectorizerOptions options = options_of(c.at("options"));
    Vectorizer vectorizer(options);
    const AnyMatrix X = vectorizer.fit_transform(strings(c.at("documents")));
    EXPECT_EQ(vectorizer.vocabulary(), strings(c.at("vocabulary")));
    std::vector<std::string> dropped = vectorizer.dropped_terms();
    std::sort(dropped.begin(), dropped.end());
    EXPECT_EQ(dropped, strings(c.at("dropped")));
    expect_matrix(X, c.at("matrix"), options.dtype, tolerance(options));
    if (c.contains("idf")) {
      const auto idf = c.at("idf").get<std::vector<double>>();
      ASSERT_EQ(vectorizer.idf().size(), static_cast<Index>(idf.size()));
      for (std::size_t j = 0; j < idf.size(); ++j) {
        expect_close(vectorizer.idf()[static_cast<Index>(j)], idf[j], tolerance(options),
                     "idf of " + vectorizer.vocabulary()[j]);
      }
    } else {
      EXPECT_EQ(vectorizer.idf().size(), 0);
    }
    const AnyMatrix Y = vectorizer.transform(strings(c.at("new_documents")));
    expect_matrix(Y, c.at("transform"), options.dtype, tolerance(options));
  }
}

TEST(Vectorizer, FitTimeErrorsSayWhatScikitLearnSays) {
  const auto cases = testing::load_reference_json("text/vectorizer_errors.json");
  ASSERT_GE(cases.size(), 6u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("options").dump());
    const std::string message = c.at("message").get<std::string>();
    expect_error<InvalidArgument>(
        [&] {
          Vectorizer vectorizer(options_of(c.at("options")));
          vectorizer.fit_transform(strings(c.at("documents")));
        },
        {message});
  }
}

TEST(Vectorizer, FailedFitKeepsThePreviousVocabulary) {
  VectorizerOptions options;
  options.weighting = Weighting::Count;
  options.stop_words = StopWords::english();
  Vectorizer vectorizer(options);
  expect_error<InvalidArgument>([&] { vectorizer.transform({"cat"}); }, {"fit_transform"});
  vectorizer.fit_transform({"cats and dogs", "dogs"});
  EXPECT_EQ(vectorizer.vocabulary(), (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(vectorizer.term_index("dogs"), 1);
  EXPECT_EQ(vectorizer.term_index("and"), std::nullopt);
  expect_error<InvalidArgument>(
      [&] {
        vectorizer.fit_transform({"the", "and of"});
      },
      {"empty vocabulary"});
  EXPECT_EQ(vectorizer.vocabulary(), (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(vectorizer.transform({"dogs dogs cats"}).stored(), 2);
}

TEST(Vectorizer, OptionsAreValidated) {
  auto with = [](auto change) {
    VectorizerOptions o;
    change(o);
    return o;
  };
  expect_error<InvalidArgument>(
      [&] {
        Vectorizer checked(with([](auto& o) {
          o.min_df = DocumentFrequency::count(3);
          o.max_df = DocumentFrequency::count(2);
        }));
      },
      {"max_df corresponds to < documents than min_df", "max_df = 2", "min_df = 3"});
  expect_error<InvalidArgument>(
      [&] {
        Vectorizer checked(with([](auto& o) { o.min_df = DocumentFrequency::fraction(1.5); }));
      },
      {"min_df", "1.5"});
  expect_error<InvalidArgument>(
      [&] { Vectorizer checked(with([](auto& o) { o.max_df = DocumentFrequency::count(-1); })); },
      {"max_df", "-1"});
  expect_error<InvalidArgument>(
      [&] { Vectorizer checked(with([](auto& o) { o.max_features = 0; })); },
      {"max_features", "0"});
  // As scikit-learn, an integer 0 is allowed (a limit every term passes).
  EXPECT_NO_THROW(
      Vectorizer checked(with([](auto& o) { o.min_df = DocumentFrequency::count(0); })));
}

TEST(Vectorizer, DocumentFrequencyParsesLikePython) {
  const auto five = DocumentFrequency::parse(" 5 ");
  EXPECT_FALSE(five.proportion);
  EXPECT_EQ(five.value, 5);
  const auto one = DocumentFrequency::parse("1.0");
  EXPECT_TRUE(one.proportion);
  EXPECT_EQ(one.value, 1.0);
  EXPECT_TRUE(DocumentFrequency::parse("0.5").proportion);
  EXPECT_TRUE(DocumentFrequency::parse("1e-2").proportion);
  expect_error<InvalidArgument>([] { DocumentFrequency::parse("five"); }, {"five"});
  expect_error<InvalidArgument>([] { DocumentFrequency::parse(""); }, {"document frequency"});
}

TEST(Vectorizer, StopWordLists) {
  EXPECT_EQ(StopWords::english().words.size(), 318u);
  testing::TempDir dir;
  testing::write_file(dir.file("stop.txt"),
                      "\xef\xbb\xbf"
                      "the\r\n  and \n\n\tof\n");
  EXPECT_EQ(StopWords::from_file(dir.file("stop.txt")).words,
            (std::vector<std::string>{"the", "and", "of"}));
  expect_error<IoError>([&] { StopWords::from_file(dir.file("missing.txt")); }, {"missing.txt"});
}

// --------------------------------------------------------- the notebook's corpus

TEST(VectorizerNews, NotebookCountsAndTfidfMatchScikitLearn) {
  const auto expected = testing::load_reference_json("text/news.json");
  if (!expected.value("available", false)) {
    GTEST_SKIP() << "no 20 newsgroups references: "
                 << expected.value("note", std::string("no references"));
  }
  CorpusOptions corpus_options;
  corpus_options.categories = {"alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"};
  corpus_options.remove_headers = corpus_options.remove_footers = corpus_options.remove_quotes =
      true;
  const Corpus corpus = read_corpus(expected.at("archive").get<std::string>(), corpus_options);
  ASSERT_EQ(corpus.documents.size(), 2034u);
  std::string hashes;
  for (const auto& d : corpus.documents)
    hashes += (hashes.empty() ? "" : "\n") + testing::sha256_hex(d);
  ASSERT_EQ(testing::sha256_hex(hashes), expected.at("documents_sha256").get<std::string>())
      << "the corpus differs from fetch_20newsgroups' (see the Corpus tests)";

  VectorizerOptions count_options;
  count_options.weighting = Weighting::Count;
  count_options.stop_words = StopWords::english();
  Vectorizer count(count_options);
  const AnyMatrix counts = count.fit_transform(corpus.documents);
  EXPECT_EQ(counts.rows(), 2034);
  EXPECT_EQ(counts.cols(), 26576);
  EXPECT_EQ(counts.stored(), 133635);
  EXPECT_EQ(count.vocabulary(), strings(expected.at("vocabulary")));
  expect_matrix(counts, expected.at("count"), DType::Float64, 0);

  VectorizerOptions tfidf_options;
  tfidf_options.stop_words = StopWords::english();
  Vectorizer tfidf(tfidf_options);
  const AnyMatrix weights = tfidf.fit_transform(corpus.documents);
  EXPECT_EQ(tfidf.vocabulary(), count.vocabulary());
  expect_matrix(weights, expected.at("tfidf"), DType::Float64, 1e-12);
  const auto idf = expected.at("idf").get<std::vector<double>>();
  ASSERT_EQ(tfidf.idf().size(), static_cast<Index>(idf.size()));
  for (std::size_t j = 0; j < idf.size(); ++j) {
    expect_close(tfidf.idf()[static_cast<Index>(j)], idf[j], 1e-12, "idf");
  }
}

}  // namespace
}  // namespace nmfkit::text
