// The topic views of LDAvis and fastTopics: the multinomial view, relevance, log-fold
// change and the LDAvis JSON, against hand-computed values and their defining properties.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nmfkit/text/ldavis.hpp"
#include "nmfkit/text/topic_views.hpp"
#include "test_helpers.hpp"

namespace nmfkit::text {
namespace {

using nmfkit::testing::expect_invalid;

DenseMatrix<double> matrix(Index rows, Index cols, std::vector<double> values) {
  DenseMatrix<double> out(rows, cols);
  for (Index i = 0; i < out.size(); ++i) out.data()[i] = values[static_cast<std::size_t>(i)];
  return out;
}

TEST(MultinomialView, NormalisesAndKeepsTheReconstruction) {
  const DenseMatrix<double> W = matrix(3, 2, {1, 0, 2, 3, 0, 0});
  const DenseMatrix<double> H = matrix(2, 3, {1, 1, 2, 0, 5, 5});
  const MultinomialView v = multinomial_view(W, H);
  EXPECT_LT((v.word_distributions.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-15);
  EXPECT_DOUBLE_EQ(v.proportions(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(v.proportions(1, 0), 2.0 * 4 / (2.0 * 4 + 3.0 * 10));
  EXPECT_EQ(v.proportions.row(2).sum(), 0.0);  // an empty document stays empty
  // Each document's L·F is its row of W·H over the row's total.
  const DenseMatrix<double> WH = W * H;
  for (Index d = 0; d < 2; ++d) {
    const DenseMatrix<double> expected = WH.row(d) / WH.row(d).sum();
    EXPECT_LT((v.proportions.row(d) * v.word_distributions - expected).cwiseAbs().maxCoeff(), 1e-15);
  }
}

TEST(Relevance, LambdaOneRanksByProbabilityAndZeroByLift) {
  const DenseMatrix<double> F = matrix(1, 3, {0.5, 0.3, 0.2});
  const std::vector<double> p = {0.6, 0.3, 0.1};  // lifts 0.833, 1, 2
  const auto by_probability = relevant_terms(F, p, 1.0, 3);
  const auto by_lift = relevant_terms(F, p, 0.0, 3);
  EXPECT_EQ(by_probability[0][0].term, 0);
  EXPECT_EQ(by_probability[0][2].term, 2);
  EXPECT_EQ(by_lift[0][0].term, 2);
  EXPECT_EQ(by_lift[0][2].term, 0);
  const auto half = relevant_terms(F, p, 0.5, 2);
  ASSERT_EQ(half[0].size(), 2u);
  // 0.5·log φ + 0.5·log lift: −0.438 (term 0), −0.458 (term 2), −0.602 (term 1).
  EXPECT_EQ(half[0][0].term, 0);
  EXPECT_EQ(half[0][1].term, 2);
  EXPECT_NEAR(half[0][0].relevance, 0.5 * std::log(0.5) + 0.5 * std::log(0.5 / 0.6), 1e-15);
  EXPECT_DOUBLE_EQ(half[0][1].lift, 2.0);
  expect_invalid([&] { relevant_terms(F, p, 1.5, 3); }, "lambda");
  expect_invalid([&] { relevant_terms(F, {0.5, 0.5}, 0.5, 3); }, "3 terms");
}

TEST(FoldChange, VersusNullAndLeastExtreme) {
  const DenseMatrix<double> F = matrix(3, 2, {0.8, 0.2, 0.4, 0.6, 0.1, 0.9});
  const std::vector<double> p = {0.5, 0.5};
  const std::vector<double> tokens = {100, 100, 100};
  const DenseMatrix<double> null = log_fold_change(F, p, tokens, FoldChange::VersusNull);
  EXPECT_DOUBLE_EQ(null(0, 0), std::log2(0.8 / 0.5));
  const DenseMatrix<double> le = log_fold_change(F, p, tokens, FoldChange::LeastExtreme);
  EXPECT_DOUBLE_EQ(le(0, 0), std::log2(0.8 / 0.4));   // the closer of 0.8/0.4 and 0.8/0.1
  EXPECT_DOUBLE_EQ(le(1, 0), std::log2(0.4 / 0.8));   // the closer of 0.4/0.8 and 0.4/0.1
  EXPECT_DOUBLE_EQ(le(2, 1), std::log2(0.9 / 0.6));
  // A word absent from a topic is floored at half a token of it.
  const DenseMatrix<double> zero = matrix(2, 2, {1.0, 0.0, 0.5, 0.5});
  const DenseMatrix<double> z = log_fold_change(zero, p, {10, 1000}, FoldChange::LeastExtreme);
  EXPECT_DOUBLE_EQ(z(0, 1), std::log2((0.5 / 10) / 0.5));
  expect_invalid([&] { log_fold_change(matrix(1, 2, {0.5, 0.5}), p, {1}, FoldChange::LeastExtreme); },
                 "at least 2 topics");
  EXPECT_EQ(parse_fold_change("vsnull"), FoldChange::VersusNull);
  expect_invalid([&] { parse_fold_change("mean"); }, "vsnull or le");
}

TEST(TokenCounts, CountsVocabularyTokensOnly) {
  const TokenCounts c = token_counts({{"a", "b", "a", "z"}, {}, {"b"}}, {"a", "b"});
  EXPECT_EQ(c.document_lengths, (std::vector<double>{3, 0, 1}));
  EXPECT_EQ(c.term_frequency, (std::vector<double>{2, 2}));
  expect_invalid([] { term_probabilities(std::vector<double>{0, 0}); }, "no tokens");
}

TEST(Ldavis, WritesLdavisLayoutWithConsistentParts) {
  const DenseMatrix<double> W = matrix(4, 3, {1, 0, 0, 0, 2, 0, 0, 0, 1, 1, 1, 1});
  const DenseMatrix<double> H = matrix(3, 4, {4, 1, 0, 0, 0, 1, 4, 0, 0, 0, 1, 4});
  const MultinomialView view = multinomial_view(W, H);
  const std::vector<double> lengths = {10, 30, 5, 20};
  const std::vector<double> frequency = {12, 8, 25, 20};
  const auto json = nlohmann::json::parse(
      ldavis_json(view, lengths, frequency, {"a", "b", "c", "d"}, {.terms = 2, .lambda_step = 0.5}));
  for (const char* key : {"mdsDat", "tinfo", "token.table", "R", "lambda.step", "plot.opts", "topic.order"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  // Topics by decreasing share of the tokens: topic 2 (index 1) holds the 30-token document.
  EXPECT_EQ(json["topic.order"][0], 2);
  double share = 0;
  for (const double f : json["mdsDat"]["Freq"]) share += f;
  EXPECT_NEAR(share, 100, 1e-9);
  // p(topic | term) sums to 1 for every listed term.
  std::map<std::string, double> sums;
  const auto& table = json["token.table"];
  for (std::size_t i = 0; i < table["Term"].size(); ++i) sums[table["Term"][i]] += double(table["Freq"][i]);
  EXPECT_FALSE(sums.empty());
  for (const auto& [term, sum] : sums) EXPECT_NEAR(sum, 1.0, 1e-12) << term;
  const auto& tinfo = json["tinfo"];
  EXPECT_EQ(tinfo["Category"][0], "Default");
  EXPECT_EQ(tinfo["Term"].size(), tinfo["loglift"].size());
  EXPECT_THROW(ldavis_json(view, {1, 2}, frequency, {"a", "b", "c", "d"}), InvalidArgument);
}

TEST(Ldavis, TwoTopicsLieTheirJensenShannonDivergenceApart) {
  const DenseMatrix<double> W = matrix(2, 2, {1, 0, 0, 1});
  const DenseMatrix<double> H = matrix(2, 3, {0.7, 0.2, 0.1, 0.1, 0.3, 0.6});
  const MultinomialView view = multinomial_view(W, H);
  const auto json = nlohmann::json::parse(ldavis_json(view, {5, 5}, {4, 3, 3}, {"a", "b", "c"}));
  const auto& F = view.word_distributions;
  double js = 0;
  for (Index w = 0; w < 3; ++w) {
    const double m = 0.5 * (F(0, w) + F(1, w));
    js += 0.5 * F(0, w) * std::log(F(0, w) / m) + 0.5 * F(1, w) * std::log(F(1, w) / m);
  }
  const double dx = double(json["mdsDat"]["x"][0]) - double(json["mdsDat"]["x"][1]);
  const double dy = double(json["mdsDat"]["y"][0]) - double(json["mdsDat"]["y"][1]);
  EXPECT_NEAR(std::hypot(dx, dy), js, 1e-12);
}

}  // namespace
}  // namespace nmfkit::text
