// Rank selection: on planted rank-r data plus noise, cross-validation and stability each
// return r (r = 3, 8, 15); the matching, silhouettes, rules and k parsing on their own.

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/select/select_k.hpp"
#include "test_helpers.hpp"

namespace nmfkit::select {
namespace {

// Separable rank-r data (each part has pure samples and features of its own), entries of
// order 1, plus Gaussian noise clipped at 0.
DenseMatrix<double> planted_data(Index rows, Index cols, Index r, double sigma,
                                 std::uint32_t seed) {
  DenseMatrix<double> X = testing::planted(rows, cols, r, seed);
  RandomState rng(seed + 7);
  for (Index i = 0; i < X.size(); ++i) {
    X.data()[i] = std::max(0.0, X.data()[i] + sigma * rng.standard_normal());
  }
  return X;
}

SelectOptions options_for(Method method, Index low, Index high) {
  SelectOptions o;
  o.method = method;
  for (Index k = low; k <= high; ++k) o.k.ks.push_back(k);
  o.nmf.solver = "hals";
  o.nmf.tol = 1e-5;
  o.nmf.max_iter = 300;
  o.seed = 1;
  o.stability.perturbations = 6;
  return o;
}

struct Planted {
  Index rows, cols, r;
};

class PlantedRank : public ::testing::TestWithParam<Planted> {};

TEST_P(PlantedRank, CrossValidationFindsIt) {
  const auto [rows, cols, r] = GetParam();
  const DenseMatrix<double> X = planted_data(rows, cols, r, 0.05, 100 + static_cast<std::uint32_t>(r));
  const Selection s =
      select_k(X, EntryWeights<double>(), options_for(Method::CrossValidation, r - 2, r + 3));
  ASSERT_TRUE(s.cv_k);
  EXPECT_EQ(*s.cv_k, r);
  EXPECT_EQ(s.chosen_k, r);
  // the held-out error at r is near the noise variance, far below r − 1's
  const auto at = [&](Index k) {
    for (const auto& score : s.scores) {
      if (score.k == k) return score;
    }
    return KScore{};
  };
  EXPECT_LT(at(r).test_error, 2 * 0.05 * 0.05);
  EXPECT_GT(at(r - 1).test_error, 2 * at(r).test_error);
}

TEST_P(PlantedRank, StabilityFindsIt) {
  const auto [rows, cols, r] = GetParam();
  const DenseMatrix<double> X = planted_data(rows, cols, r, 0.05, 200 + static_cast<std::uint32_t>(r));
  const Selection s =
      select_k(X, EntryWeights<double>(), options_for(Method::Stability, r - 2, r + 3));
  ASSERT_TRUE(s.stability_k);
  EXPECT_EQ(*s.stability_k, r);
  for (const auto& score : s.scores) {
    if (score.k == r) {
      EXPECT_GE(score.min_silhouette, 0.8);
    } else if (score.k > r) {
      EXPECT_LT(score.min_silhouette, 0.8) << "k " << score.k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ranks, PlantedRank,
                         ::testing::Values(Planted{60, 50, 3}, Planted{100, 80, 8},
                                           Planted{150, 120, 15}));

TEST(SelectK, AutomaticSearchFindsThePlantedRank) {
  const DenseMatrix<double> X = planted_data(80, 60, 6, 0.05, 300);
  SelectOptions o = options_for(Method::Both, 2, 2);
  o.k = parse_k_spec("auto:2:20");
  const Selection s = select_k(X, EntryWeights<double>(), o);
  EXPECT_EQ(s.cv_k, 6);
  EXPECT_EQ(s.stability_k, 6);
  EXPECT_EQ(s.chosen_k, 6);
  EXPECT_LT(s.scores.size(), 19u);  // fewer fits than a full scan
}

TEST(SelectK, SameSeedSameSelection) {
  const DenseMatrix<double> X = planted_data(40, 30, 3, 0.05, 400);
  SelectOptions o = options_for(Method::Both, 2, 4);
  o.stability.perturbations = 3;
  const Selection a = select_k(X, EntryWeights<double>(), o);
  o.parallel_fits = 1;
  const Selection b = select_k(X, EntryWeights<double>(), o);
  ASSERT_EQ(a.scores.size(), b.scores.size());
  for (std::size_t i = 0; i < a.scores.size(); ++i) {
    EXPECT_EQ(a.scores[i].test_error, b.scores[i].test_error);
    EXPECT_EQ(a.scores[i].min_silhouette, b.scores[i].min_silhouette);
  }
}

TEST(SelectK, SparseInputWorks) {
  const DenseMatrix<double> dense = planted_data(60, 50, 4, 0.05, 500);
  const SparseMatrix<double> X = dense.sparseView();
  const Selection s =
      select_k(X, EntryWeights<double>(), options_for(Method::CrossValidation, 2, 6));
  EXPECT_EQ(s.cv_k, 4);
}

TEST(SelectK, BadInputIsRejected) {
  const DenseMatrix<double> X = planted_data(10, 8, 2, 0.05, 600);
  using testing::expect_invalid;
  SelectOptions o = options_for(Method::CrossValidation, 2, 9);
  expect_invalid([&] { select_k(X, EntryWeights<double>(), o); },
                 "k = 9 is above min(rows, columns) = 8");
  o = options_for(Method::CrossValidation, 2, 3);
  o.cv.holdout_fraction = 0.6;
  expect_invalid([&] { select_k(X, EntryWeights<double>(), o); },
                 "holdout fraction must be in (0, 0.5]");
  o.cv.holdout_fraction = 0;
  expect_invalid([&] { select_k(X, EntryWeights<double>(), o); },
                 "holdout fraction must be in (0, 0.5]");
  o = options_for(Method::CrossValidation, 2, 3);
  o.nmf.solver = "cd";
  expect_invalid([&] { select_k(X, EntryWeights<double>(), o); }, "use one of auto, hals");
  expect_invalid([] { parse_k_spec("5:3"); }, "empty");
  expect_invalid([] { parse_k_spec("0:3"); }, "k must be >= 1");
  expect_invalid([] { parse_k_spec("a:3"); }, "whole number");
  expect_invalid([] { parse_k_spec("auto:9:4"); }, "empty");
  const auto wrong = EntryWeights<double>::missing(DenseMatrix<double>::Ones(8, 10));
  expect_invalid([&] { select_k(X, wrong, options_for(Method::CrossValidation, 2, 3)); },
                 "the mask has shape (8, 10) but X has shape (10, 8)");
}

TEST(SelectK, ParsesKSpecs) {
  EXPECT_EQ(parse_k_spec("2:5").ks, (std::vector<Index>{2, 3, 4, 5}));
  EXPECT_EQ(parse_k_spec("5:40:5").ks, (std::vector<Index>{5, 10, 15, 20, 25, 30, 35, 40}));
  EXPECT_EQ(parse_k_spec("8,3,5,3").ks, (std::vector<Index>{3, 5, 8}));
  const KSpec search = parse_k_spec("auto:3:12");
  EXPECT_TRUE(search.search);
  EXPECT_EQ(search.low, 3);
  EXPECT_EQ(search.high, 12);
  EXPECT_TRUE(parse_k_spec("auto").search);
}

TEST(SelectK, HungarianMatchingFindsTheBestPermutation) {
  // a permutation with noise, and a case where greedy picking fails
  Eigen::MatrixXd similarity(3, 3);
  similarity << 0.9, 0.8, 0.0,  //
      0.85, 0.1, 0.0,           //
      0.0, 0.0, 0.5;
  EXPECT_EQ(best_matching(similarity), (std::vector<Index>{1, 0, 2}));  // 0.8 + 0.85 > 0.9 + 0.1
  const std::vector<Index> permutation = {3, 0, 4, 1, 2};
  Eigen::MatrixXd permuted = Eigen::MatrixXd::Constant(5, 5, 0.1);
  for (Index i = 0; i < 5; ++i) permuted(i, permutation[static_cast<std::size_t>(i)]) = 0.9;
  EXPECT_EQ(best_matching(permuted), permutation);
}

TEST(SelectK, SilhouettesOfSeparatedAndMixedClusters) {
  // three tight clusters of unit vectors around the axes: silhouettes near 1
  Eigen::MatrixXd points(9, 3);
  std::vector<Index> labels;
  for (Index c = 0; c < 3; ++c) {
    for (Index m = 0; m < 3; ++m) {
      Eigen::Vector3d v = Eigen::Vector3d::Constant(0.02 * static_cast<double>(m));
      v[c] = 1;
      points.row(c * 3 + m) = v.normalized().transpose();
      labels.push_back(c);
    }
  }
  for (const double s : cluster_silhouettes(points, labels, 3)) EXPECT_GT(s, 0.9);
  // labels that cut across the clusters: low silhouettes
  std::vector<Index> mixed = {0, 1, 2, 0, 1, 2, 0, 1, 2};
  for (const double s : cluster_silhouettes(points, mixed, 3)) EXPECT_LT(s, 0.1);
}

TEST(SelectK, Rules) {
  std::vector<KScore> scores(4);
  for (Index i = 0; i < 4; ++i) scores[static_cast<std::size_t>(i)].k = i + 2;
  scores[0].test_error = 5;
  scores[1].test_error = 1.05;
  scores[2].test_error = 1.0;
  scores[3].test_error = 1.2;
  for (auto& s : scores) s.test_error_se = 0.1;
  EXPECT_EQ(one_standard_error_k(scores), 3);  // 1.05 ≤ 1.0 + 0.1
  scores[1].test_error = 1.2;
  EXPECT_EQ(one_standard_error_k(scores), 4);
  scores[0].min_silhouette = 0.95;
  scores[1].min_silhouette = 0.9;
  scores[2].min_silhouette = 0.5;
  scores[3].min_silhouette = 0.85;
  EXPECT_EQ(largest_stable_k(scores, 0.8), 5);
  EXPECT_FALSE(largest_stable_k(scores, 0.96).has_value());
}

}  // namespace
}  // namespace nmfkit::select
