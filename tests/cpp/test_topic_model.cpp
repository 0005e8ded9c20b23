// The text topic model pipeline (text/topic_model.hpp): a planted corpus is recovered, the
// two-stage call equals the one-stage one, the pieces agree with the factors, rank
// selection is used when n_components is unset, and bad options and data are rejected.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "nmfkit/text/topic_model.hpp"
#include "test_helpers.hpp"

namespace nmfkit::text {
namespace {

using nmfkit::testing::expect_invalid;

// Two planted topics, four documents each, labelled by topic.
Corpus planted() {
  const std::vector<std::string> space = {"rocket orbit launch moon", "orbit moon lunar rocket",
                                          "launch rocket lunar orbit", "moon lunar launch"};
  const std::vector<std::string> music = {"guitar drums melody song", "song melody chorus guitar",
                                          "drums chorus song melody", "guitar chorus drums"};
  Corpus corpus;
  for (const auto& d : space) corpus.documents.push_back(d), corpus.labels.push_back(0);
  for (const auto& d : music) corpus.documents.push_back(d), corpus.labels.push_back(1);
  corpus.names.resize(corpus.documents.size());
  corpus.label_names = {"space", "music"};
  return corpus;
}

TopicModelOptions two_topics() {
  TopicModelOptions options;
  options.nmf.n_components = 2;
  options.nmf.random_state = 0;
  options.top_terms = 3;
  return options;
}

TEST(TopicModel, RecoversPlantedTopicsAndItsPiecesAgree) {
  const TopicModelResult r = TopicModel(two_topics()).fit(planted(), "planted");
  ASSERT_EQ(r.n_topics(), 2);
  EXPECT_EQ(r.vocabulary().size(), 10u);  // five words per topic
  const std::set<std::string> space = {"rocket", "orbit", "launch", "moon", "lunar"};
  ASSERT_EQ(r.words.size(), 2u);
  for (const auto& words : r.words) {
    ASSERT_EQ(words.size(), 3u);
    const auto in_space = static_cast<std::size_t>(
        std::count_if(words.begin(), words.end(), [&](const auto& w) { return space.count(w); }));
    EXPECT_TRUE(in_space == 0 || in_space == words.size());
  }
  for (std::size_t k = 0; k < r.top_terms.size(); ++k) {
    for (std::size_t i = 0; i < r.top_terms[k].size(); ++i) {
      EXPECT_EQ(r.words[k][i], r.vocabulary()[static_cast<std::size_t>(r.top_terms[k][i].index)]);
    }
  }
  ASSERT_TRUE(r.label_scores);
  EXPECT_DOUBLE_EQ(r.label_scores->purity, 1.0);
  EXPECT_EQ(r.documents_per_topic[0] + r.documents_per_topic[1], 8);
  ASSERT_EQ(r.coherence.size(), 3u);
  EXPECT_EQ(r.coherence[0].measure, CoherenceMeasure::CV);
  EXPECT_EQ(r.coherence[0].per_topic.size(), 2u);
  EXPECT_EQ(r.nmf.input, "planted");
  EXPECT_EQ(*r.nmf.options.random_state, 0u);
  EXPECT_EQ(r.views.view.proportions.rows(), 8);
  EXPECT_FALSE(r.semantic);
}

TEST(TopicModel, TwoStagesEqualOne) {
  const TopicModel model(two_topics());
  const TopicModelResult one = model.fit(planted());
  const TopicModelResult two = model.fit(model.prepare(planted()));
  EXPECT_EQ(one.words, two.words);
  EXPECT_EQ(one.coherence[0].per_topic, two.coherence[0].per_topic);
  EXPECT_EQ(std::get<DenseMatrix<double>>(one.nmf.H.storage()),
            std::get<DenseMatrix<double>>(two.nmf.H.storage()));
}

TEST(TopicModel, ChoosesKWhenNotGiven) {
  TopicModelOptions options = two_topics();
  options.nmf.n_components.reset();
  options.select.k = select::parse_k_spec("1:3");
  options.select.nmf = options.nmf;
  options.select = options.select.for_automatic_k();  // cross-validation's solver
  int scored = 0;
  Index chosen = 0;
  TopicModelCallbacks callbacks;
  callbacks.on_score = [&](const select::KScore&) { ++scored; };
  callbacks.on_selected = [&](const select::Selection& s) { chosen = s.chosen_k; };
  const TopicModelResult r = TopicModel(options).fit(planted(), {}, callbacks);
  EXPECT_EQ(scored, 3);
  EXPECT_EQ(r.n_topics(), chosen);
}

TEST(TopicModel, SemanticModelReportsBothErrors) {
  TopicModelOptions options = two_topics();
  options.model = TopicModelKind::Semantic;
  options.word_context.window = 2;
  const TopicModelResult r = TopicModel(options).fit(planted());
  ASSERT_TRUE(r.semantic);
  EXPECT_GT(r.semantic->word_context.nonZeros(), 0);
  EXPECT_GT(r.semantic->document_error, 0);
  EXPECT_LT(r.semantic->document_error, 1);
}

TEST(TopicModel, RejectsBadOptionsAndData) {
  TopicModelOptions options = two_topics();
  options.top_terms = 0;
  expect_invalid([&] { TopicModel{options}; }, "top_terms");
  options = two_topics();
  options.relevance_lambda = 2;
  expect_invalid([&] { TopicModel{options}; }, "relevance_lambda");
  options = two_topics();
  options.nmf.n_components = 13;
  expect_invalid([&] { TopicModel(options).fit(planted()); },
                 "n_components 13 is larger than the vocabulary (10 terms)");
  expect_invalid([] { parse_topic_model_kind("lda"); }, "lda");
  expect_invalid(
      [] {
        TopicModel(two_topics()).fit(Corpus{.documents = {"", " ."}});
      },
      "vocabulary");
}

}  // namespace
}  // namespace nmfkit::text
