// Reading a topic model: top terms and documents, dominant topics.

#include <gtest/gtest.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/text/topics.hpp"

namespace nmfkit::text {
namespace {

std::vector<Index> indices(const std::vector<Ranked>& ranked) {
  std::vector<Index> out;
  for (const auto& r : ranked) out.push_back(r.index);
  return out;
}

TEST(Topics, TopTermsAreTheLargestEntriesOfEachRowLargestFirst) {
  DenseMatrix<double> H(2, 5);
  H << 0.1, 0.5, 0.0, 0.9, 0.3,  //
      2.0, 0.0, 1.0, 0.0, 3.0;
  const auto top = top_terms(H, 3);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(indices(top[0]), (std::vector<Index>{3, 1, 4}));
  EXPECT_EQ(indices(top[1]), (std::vector<Index>{4, 0, 2}));
  EXPECT_DOUBLE_EQ(top[0][0].weight, 0.9);
  // More terms asked for than there are: all of them.
  EXPECT_EQ(top_terms(H, 10)[0].size(), 5u);
}

TEST(Topics, TiesFollowTheNotebooksReversedArgsort) {
  // np.argsort([1, 1, 1, 0]) is [3, 0, 1, 2] (insertion sort keeps equal keys in order), so
  // the notebook's argsort(t)[:-3:-1] lists the tied terms last index first: 2, 1.
  DenseMatrix<float> H(1, 4);
  H << 1, 1, 1, 0;
  EXPECT_EQ(indices(top_terms(H, 2)[0]), (std::vector<Index>{2, 1}));
}

TEST(Topics, TopDocumentsRankTheColumnsOfW) {
  DenseMatrix<double> W(3, 2);
  W << 0.2, 0.0,  //
      0.9, 0.1,   //
      0.4, 0.7;
  const auto top = top_documents(W, 2);
  EXPECT_EQ(indices(top[0]), (std::vector<Index>{1, 2}));
  EXPECT_EQ(indices(top[1]), (std::vector<Index>{2, 1}));
}

TEST(Topics, DominantTopicIsTheFirstLargestAndNoneForAnEmptyDocument) {
  DenseMatrix<double> W(4, 3);
  W << 0.1, 0.5, 0.2,  //
      0.0, 0.0, 0.0,   //
      0.3, 0.3, 0.1,   //
      0.0, 0.0, 1e-300;
  EXPECT_EQ(dominant_topics(W), (std::vector<int>{1, -1, 0, 2}));
  EXPECT_EQ(documents_per_topic(dominant_topics(W), 3), (std::vector<Index>{1, 1, 1}));
}

TEST(Topics, WordsComeFromTheVocabulary) {
  const std::vector<std::vector<Ranked>> ranked = {{{1, 0.5}, {0, 0.2}}};
  EXPECT_EQ(topic_words(ranked, {"alpha", "beta"}),
            (std::vector<std::vector<std::string>>{{"beta", "alpha"}}));
  EXPECT_THROW(topic_words({{{2, 0.1}}}, {"alpha", "beta"}), InvalidArgument);
  DenseMatrix<double> H(1, 2);
  H << 1, 2;
  EXPECT_THROW(top_terms(H, 0), InvalidArgument);
}

}  // namespace
}  // namespace nmfkit::text
