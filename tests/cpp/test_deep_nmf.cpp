// Deep NMF (model = "deep", nmf/models.hpp): a planted two-level hierarchy, the monotone
// fine-tuning, float/double, threads, transform and bad input.

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "nmfkit/core/random.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using testing::expect_invalid;

// Three coarse groups of three fine topics each (9 fine topics with disjoint word
// supports, each summing to 1). Group 0's fine topics sit on 6 words each, the others'
// on 30, so per unit of mass group 0 carries far more Frobenius energy. Each sample belongs
// to one group (sample i to group i mod 3) with a mass in [50, 150), spread over its
// group's fine topics by weights u³ (u uniform), so most samples lean on one fine topic.
// X = W1·H1 exactly; the planted coarse codes are `coarse` (samples × 3, the masses).
struct Hierarchy {
  DenseMatrix<double> X, coarse;
};

Hierarchy planted_hierarchy(std::uint32_t seed) {
  const Index m = 300, groups = 3, per = 3, k1 = groups * per;
  const Index n = per * 6 + (groups - 1) * per * 30;
  RandomState rng(seed);
  DenseMatrix<double> H1 = DenseMatrix<double>::Zero(k1, n);
  Index start = 0;
  for (Index t = 0; t < k1; ++t) {
    const Index size = t < per ? 6 : 30;
    for (Index j = start; j < start + size; ++j) H1(t, j) = 0.5 + rng.random_sample();
    H1.row(t) /= H1.row(t).sum();
    start += size;
  }
  DenseMatrix<double> W1 = DenseMatrix<double>::Zero(m, k1);
  Hierarchy h;
  h.coarse = DenseMatrix<double>::Zero(m, groups);
  for (Index i = 0; i < m; ++i) {
    const Index g = i % groups;
    const double mass = 50 + 100 * rng.random_sample();
    h.coarse(i, g) = mass;
    double weights[per], total = 0;
    for (double& w : weights) total += (w = std::pow(rng.random_sample(), 3.0) + 1e-3);
    for (Index f = 0; f < per; ++f) W1(i, g * per + f) = mass * weights[f] / total;
  }
  h.X = W1 * H1;
  return h;
}

// The mean cosine between each planted column and the found column matched to it, under
// the best one-to-one matching (all permutations: k is 3).
double matched_cosine(const DenseMatrix<double>& truth, const DenseMatrix<double>& found) {
  const Index k = truth.cols();
  DenseMatrix<double> cosine(k, k);
  for (Index a = 0; a < k; ++a) {
    for (Index b = 0; b < k; ++b) {
      const double d = truth.col(a).norm() * found.col(b).norm();
      cosine(a, b) = d > 0 ? truth.col(a).dot(found.col(b)) / d : 0;
    }
  }
  std::vector<Index> p(static_cast<std::size_t>(k));
  std::iota(p.begin(), p.end(), Index{0});
  double best = 0;
  do {
    double sum = 0;
    for (Index a = 0; a < k; ++a) sum += cosine(a, p[static_cast<std::size_t>(a)]);
    best = std::max(best, sum / static_cast<double>(k));
  } while (std::next_permutation(p.begin(), p.end()));
  return best;
}

NmfOptions deep_options(std::vector<Index> ranks) {
  NmfOptions o;
  o.model = "deep";
  o.layer_ranks = std::move(ranks);
  o.random_state = 0;
  o.max_iter = 300;
  return o;
}

// Each objective at most the one before, up to the rounding of the Gram-trick objective
// (relative `slack`: 1e-10 in double, 1e-5 in float).
void expect_non_increasing(const std::vector<double>& history, double slack = 1e-10) {
  ASSERT_GT(history.size(), 1u);
  for (std::size_t i = 1; i < history.size(); ++i) {
    EXPECT_LE(history[i], history[i - 1] * (1 + slack)) << "iteration " << i + 1;
  }
}

// One-layer NMF at k = 3 spends its components on group 0's energetic fine topics (its
// Frobenius error is lower for it); deep NMF factorises the 9 fine codes into 3 and finds
// the groups. The measure: the matched cosine between the planted coarse codes and W.
TEST(DeepNmf, RecoversPlantedHierarchyBetterThanOneLayer) {
  const Hierarchy h = planted_hierarchy(3);
  NmfOptions one;
  one.n_components = 3;
  one.random_state = 0;
  one.max_iter = 1000;
  const NmfResult<double> flat = fit(h.X, one);
  const NmfResult<double> deep = fit(h.X, deep_options({9, 3}));
  const double flat_score = matched_cosine(h.coarse, flat.W);
  const double deep_score = matched_cosine(h.coarse, deep.W);
  EXPECT_GT(deep_score, 0.95);
  EXPECT_LT(flat_score, 0.6);
  // Deep NMF pays for it in fit at k = 3: the structure, not the error, is what it gains.
  EXPECT_GT(deep.reconstruction_error, flat.reconstruction_error);
  // The layers compose: W_1 = W_2·H_2 and X ≈ W_2·H_2·H_1 = W·H.
  ASSERT_EQ(deep.layer_W.size(), 2u);
  ASSERT_EQ(deep.layer_H.size(), 2u);
  EXPECT_EQ(deep.layer_H[0].rows(), 9);
  EXPECT_EQ(deep.layer_H[1].rows(), 3);
  EXPECT_EQ(deep.layer_H[1].cols(), 9);
  EXPECT_LT((deep.layer_W[0] - deep.W * deep.layer_H[1]).norm(), 1e-9 * deep.layer_W[0].norm());
  EXPECT_LT((deep.H - deep.layer_H[1] * deep.layer_H[0]).norm(), 1e-9 * deep.H.norm());
  EXPECT_TRUE((deep.W - deep.layer_W[1]).isZero());
}

TEST(DeepNmf, FineTuningNeverIncreasesTheObjective) {
  const Hierarchy h = planted_hierarchy(5);
  NmfOptions o = deep_options({12, 6, 3});
  o.tol = 0;
  o.max_iter = 150;
  const NmfResult<double> r = fit(h.X, o);
  // tol = 0 runs until rounding stops the decrease (or 150 iterations).
  EXPECT_GT(r.n_iter, 20);
  expect_non_increasing(r.objective_history);
  EXPECT_LT(r.objective_history.back(), r.objective_history.front());
  EXPECT_NEAR(0.5 * r.reconstruction_error * r.reconstruction_error, r.objective_history.back(),
              1e-8 * r.objective_history.back());
  for (const auto& F : r.layer_H) EXPECT_GE(F.minCoeff(), 0);
  EXPECT_GE(r.W.minCoeff(), 0);
}

TEST(DeepNmf, FloatAgreesWithDoubleAndSparseWithDense) {
  const Hierarchy h = planted_hierarchy(7);
  NmfOptions o = deep_options({6, 3});
  o.max_iter = 50;
  o.tol = 0;
  const NmfResult<double> d = fit(h.X, o);
  const DenseMatrix<float> Xf = h.X.cast<float>();
  const NmfResult<float> f = fit(Xf, o);
  expect_non_increasing(f.objective_history, 1e-5);
  EXPECT_NEAR(f.reconstruction_error, d.reconstruction_error, 1e-3 * d.reconstruction_error);
  const SparseMatrix<double> Xs = h.X.sparseView();
  const NmfResult<double> s = fit(Xs, o);
  EXPECT_NEAR(s.reconstruction_error, d.reconstruction_error, 1e-6 * d.reconstruction_error);
}

TEST(DeepNmf, OneAndTwoThreadsAgree) {
  const Hierarchy h = planted_hierarchy(9);
  NmfOptions o = deep_options({6, 3});
  o.max_iter = 60;
  o.n_threads = 1;
  const NmfResult<double> one = fit(h.X, o);
  o.n_threads = 2;
  const NmfResult<double> two = fit(h.X, o);
  EXPECT_EQ(one.n_iter, two.n_iter);
  EXPECT_LT((one.W - two.W).norm(), 1e-9 * one.W.norm());
  EXPECT_LT((one.H - two.H).norm(), 1e-9 * one.H.norm());
}

TEST(DeepNmf, TransformGivesLastLayerCodes) {
  const Hierarchy h = planted_hierarchy(11);
  NmfOptions o = deep_options({6, 3});
  const NmfResult<double> r = fit(h.X, o);
  NmfOptions t = o;
  t.max_iter = 2000;
  t.tol = 1e-10;
  const TransformResult<double> codes = transform(h.X, r.H, t);
  ASSERT_EQ(codes.W.cols(), 3);
  // The fitted codes are (close to) the least-squares codes for the fitted components.
  const double fitted = (h.X - r.W * r.H).norm();
  EXPECT_LE((h.X - codes.W * r.H).norm(), fitted * (1 + 1e-6));
}

TEST(DeepNmf, BadInput) {
  const Hierarchy h = planted_hierarchy(1);
  expect_invalid([&] { fit(h.X, deep_options({10, 10, 3})); }, "strictly decrease");
  expect_invalid([&] { fit(h.X, deep_options({3, 10})); }, "strictly decrease");
  expect_invalid([&] { fit(h.X, deep_options({10, 0})); }, ">= 1");
  expect_invalid([&] { fit(h.X, deep_options({})); }, "rank of each layer");
  NmfOptions o = deep_options({10, 3});
  o.n_components = 4;
  expect_invalid([&] { fit(h.X, o); }, "last layer");
  NmfOptions standard;
  standard.layer_ranks = {10, 3};
  expect_invalid([&] { fit(h.X, standard); }, "model = 'deep'");
  o = deep_options({10, 3});
  o.solver = "mu";
  expect_invalid([&] { fit(h.X, o); }, "own published update");
  DenseMatrix<double> negative = h.X;
  negative(0, 0) = -1;
  expect_invalid([&] { fit(negative, deep_options({10, 3})); }, "egative");
}

}  // namespace
}  // namespace nmfkit
