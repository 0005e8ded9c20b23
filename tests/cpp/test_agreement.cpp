// Partition agreement (purity, NMI, ARI) against scikit-learn
// (tests/oracles/sklearn_agreement.py).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/core/error.hpp"
#include "reference_data.hpp"

namespace nmfkit::cluster {
namespace {

// scikit-learn's sums and logs are followed term by term; NumPy's vectorised log may
// still differ from the C library's by an ulp.
constexpr double kTolerance = 1e-13;

TEST(Agreement, MatchesScikitLearn) {
  const auto cases = testing::load_reference_json("agreement/cases.json");
  ASSERT_FALSE(cases.empty());
  for (const auto& entry : cases) {
    SCOPED_TRACE(entry.at("name").get<std::string>());
    const auto truth = entry.at("truth").get<std::vector<int>>();
    const auto predicted = entry.at("predicted").get<std::vector<int>>();
    if (entry.at("purity").is_null()) {
      EXPECT_THROW(purity(truth, predicted), InvalidArgument);
    } else {
      // A ratio of integers: exact.
      EXPECT_EQ(purity(truth, predicted), entry.at("purity").get<double>());
    }
    EXPECT_NEAR(normalized_mutual_information(truth, predicted), entry.at("nmi").get<double>(),
                kTolerance);
    EXPECT_NEAR(adjusted_rand_index(truth, predicted), entry.at("ari").get<double>(), kTolerance);
  }
}

TEST(Agreement, IdenticalPartitionsScoreOneWhateverTheLabelNames) {
  const std::vector<int> truth = {0, 0, 1, 1, 1, 2, -1, -1};
  const std::vector<int> renamed = {5, 5, -3, -3, -3, 0, 9, 9};
  EXPECT_EQ(purity(truth, renamed), 1.0);
  EXPECT_NEAR(normalized_mutual_information(truth, renamed), 1.0, 1e-15);
  EXPECT_EQ(adjusted_rand_index(truth, renamed), 1.0);
}

TEST(Agreement, ScoresAreInvariantUnderSwappingTheLabellingsExceptPurity) {
  const std::vector<int> a = {0, 0, 0, 1, 1, 2, 2, 2, 2};
  const std::vector<int> b = {1, 1, 0, 0, 0, 0, 2, 2, 3};
  EXPECT_DOUBLE_EQ(normalized_mutual_information(a, b), normalized_mutual_information(b, a));
  EXPECT_DOUBLE_EQ(adjusted_rand_index(a, b), adjusted_rand_index(b, a));
  // One cluster per sample is perfectly pure, whatever the classes.
  const std::vector<int> singletons = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(purity(a, singletons), 1.0);
  EXPECT_EQ(purity(singletons, a), 3.0 / 9.0);
}

TEST(Agreement, EmptyLabellings) {
  // scikit-learn's limits: two empty labellings agree perfectly.
  EXPECT_EQ(normalized_mutual_information({}, {}), 1.0);
  EXPECT_EQ(adjusted_rand_index({}, {}), 1.0);
  try {
    purity({}, {});
    ADD_FAILURE() << "purity of empty labellings did not throw";
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("purity: the labellings are empty"), std::string::npos)
        << error.what();
  }
}

TEST(Agreement, RefusesLabellingsOfDifferentLengths) {
  const std::vector<int> three = {0, 1, 1};
  const std::vector<int> two = {0, 1};
  for (const auto& [name, call] : std::vector<
           std::pair<std::string, double (*)(const std::vector<int>&, const std::vector<int>&)>>{
           {"purity", purity},
           {"normalized_mutual_information", normalized_mutual_information},
           {"adjusted_rand_index", adjusted_rand_index}}) {
    SCOPED_TRACE(name);
    try {
      call(three, two);
      ADD_FAILURE() << "no InvalidArgument thrown";
    } catch (const InvalidArgument& error) {
      EXPECT_EQ(std::string(error.what()), name + ": truth has 3 labels but predicted has 2");
    }
  }
}

}  // namespace
}  // namespace nmfkit::cluster
