// The identifiability diagnostic (nmf/identifiability.hpp): the SSC test on planted
// sufficiently scattered and non-identifiable factors, its certificates, near-anchors,
// and bad input.

#include <gtest/gtest.h>

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nmfkit/core/random.hpp"
#include "nmfkit/nmf/identifiability.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using testing::expect_invalid;

DenseMatrix<double> uniform_rows(Index rows, Index k, RandomState& rng) {
  DenseMatrix<double> F(rows, k);
  for (Index i = 0; i < F.size(); ++i) F.data()[i] = rng.random_sample();
  return F;
}

// A certificate must be checkable on its own: F·x ≥ 0, eᵀx = 1, ‖x‖² > 1.
void expect_certificate(const DenseMatrix<double>& F, const SscReport& r) {
  ASSERT_EQ(r.verdict, SscVerdict::Fails) << r.reason;
  ASSERT_EQ(static_cast<Index>(r.certificate.size()), F.cols());
  const Eigen::Map<const Eigen::VectorXd> x(r.certificate.data(), F.cols());
  EXPECT_NEAR(x.sum(), 1.0, 1e-9);
  EXPECT_GT(x.squaredNorm(), 1.0 + 1e-6);
  const Eigen::VectorXd Fx = F * x;
  EXPECT_GE(Fx.minCoeff(), -1e-9 * F.cwiseAbs().maxCoeff());
}

// A scaled identity (exact anchors) plus random rows: separable, so sufficiently scattered.
TEST(Ssc, HoldsOnScaledIdentityPlusRandomRows) {
  for (Index k : {2, 3, 5, 8}) {
    RandomState rng(static_cast<std::uint32_t>(k));
    DenseMatrix<double> F(k + 60, k);
    F.topRows(k) = 3.0 * DenseMatrix<double>::Identity(k, k);
    F.bottomRows(60) = uniform_rows(60, k, rng);
    const SscReport r = check_ssc(F);
    EXPECT_EQ(r.verdict, SscVerdict::Holds) << "k = " << k << ": " << r.reason;
    EXPECT_NEAR(r.max_norm, 1.0, 1e-9);
    const AnchorReport a = near_anchors(F);
    EXPECT_TRUE(a.separable);
    for (Index c = 0; c < k; ++c) {
      EXPECT_EQ(a.anchor[static_cast<std::size_t>(c)], c);
      EXPECT_NEAR(a.distance[static_cast<std::size_t>(c)], 0.0, 1e-12);
    }
  }
}

// Points on the simplex's edges (k = 3), each edge's at the given shares.
DenseMatrix<double> edge_points(const std::vector<double>& shares) {
  DenseMatrix<double> F = DenseMatrix<double>::Zero(3 * static_cast<Index>(shares.size()), 3);
  Index row = 0;
  for (Index zero = 0; zero < 3; ++zero) {
    for (double t : shares) {
      F(row, (zero + 1) % 3) = t;
      F(row, (zero + 2) % 3) = 1 - t;
      ++row;
    }
  }
  return F;
}

// At shares 0.2, 0.5, 0.8 the hull holds the inscribed circle, which touches each edge at
// its midpoint, so the SSC holds; but no point is within 0.2 of a vertex, so it is not
// separable at tolerance 0.05. At shares 0.2 and 0.45 the midpoints fall outside the hull
// and the circle pokes through: it fails.
TEST(Ssc, HoldsWithoutSeparability) {
  const DenseMatrix<double> F = edge_points({0.2, 0.5, 0.8});
  const SscReport r = check_ssc(F);
  EXPECT_EQ(r.verdict, SscVerdict::Holds) << r.reason;
  EXPECT_NEAR(r.max_norm, 1.0, 1e-9);
  const AnchorReport a = near_anchors(F);
  EXPECT_FALSE(a.separable);
  for (double d : a.distance) EXPECT_NEAR(d, 0.2, 1e-12);
  const DenseMatrix<double> G = edge_points({0.2, 0.45});
  expect_certificate(G, check_ssc(G));
}

// Strictly positive rows clustered around the centre of the simplex: not identifiable.
TEST(Ssc, FailsOnClusteredInteriorRows) {
  for (Index k : {3, 4, 6}) {
    RandomState rng(static_cast<std::uint32_t>(10 + k));
    DenseMatrix<double> F = uniform_rows(200, k, rng);
    F.array() = 1.0 + 0.3 * F.array();
    const SscReport r = check_ssc(F);
    expect_certificate(F, r);
    EXPECT_GT(r.max_norm, 1.5);
    EXPECT_FALSE(near_anchors(F).separable);
  }
}

// Rank-deficient points and a zero column: unbounded, with a certificate.
TEST(Ssc, FailsWhenThePointsDoNotSpanTheSpace) {
  RandomState rng(4);
  DenseMatrix<double> F = uniform_rows(30, 4, rng);
  F.col(3).setZero();
  expect_certificate(F, check_ssc(F));
  DenseMatrix<double> line(5, 3);
  for (Index i = 0; i < 5; ++i) line.row(i) << 1.0, 2.0, 3.0;
  expect_certificate(line, check_ssc(line));
}

// Random rows mostly near the faces: the enumeration's verdict agrees with the maximum
// over every vertex found by brute force (each k − 1 subset of points, solved with
// eᵀx = 1 and kept when feasible).
TEST(Ssc, AgreesWithBruteForceVertexEnumeration) {
  for (std::uint32_t seed = 0; seed < 6; ++seed) {
    const Index k = 3 + seed % 2, N = 14;
    RandomState rng(seed);
    DenseMatrix<double> F = uniform_rows(N, k, rng);
    F.array() = F.array().pow(3.0);  // pushes points toward the faces
    double best = 0;
    std::vector<Index> pick(static_cast<std::size_t>(k - 1));
    std::vector<bool> chosen(static_cast<std::size_t>(N), false);
    std::fill(chosen.begin(), chosen.begin() + (k - 1), true);
    std::sort(chosen.begin(), chosen.end());
    do {
      DenseMatrix<double> M(k, k);
      Eigen::VectorXd rhs = Eigen::VectorXd::Zero(k);
      Index row = 0;
      for (Index i = 0; i < N; ++i) {
        if (chosen[static_cast<std::size_t>(i)]) M.row(row++) = F.row(i);
      }
      M.row(k - 1).setOnes();
      rhs[k - 1] = 1;
      Eigen::FullPivLU<DenseMatrix<double>> lu(M);
      if (lu.rank() < k) continue;
      const Eigen::VectorXd x = lu.solve(rhs);
      if ((F * x).minCoeff() < -1e-12) continue;
      best = std::max(best, x.squaredNorm());
    } while (std::next_permutation(chosen.begin(), chosen.end()));
    const SscReport r = check_ssc(F);
    ASSERT_NE(r.verdict, SscVerdict::Undecided);
    EXPECT_EQ(r.verdict == SscVerdict::Holds, best <= 1 + 1e-6) << r.reason << " brute " << best;
    if (r.verdict == SscVerdict::Fails) {
      EXPECT_NEAR(r.max_norm, best, 1e-8 * best);
    }
  }
}

TEST(Ssc, BudgetGivesUndecided) {
  RandomState rng(3);
  DenseMatrix<double> F = uniform_rows(300, 6, rng);
  F.array() = F.array().pow(4.0);
  SscOptions o;
  o.max_rays = 8;
  const SscReport r = check_ssc(F, o);
  EXPECT_EQ(r.verdict, SscVerdict::Undecided) << r.reason;
  EXPECT_NE(r.reason.find("budget"), std::string::npos);
}

TEST(Identifiability, BothFactorsAndBadInput) {
  RandomState rng(5);
  DenseMatrix<double> W(40, 3), H(3, 50);
  W.topRows(3) = DenseMatrix<double>::Identity(3, 3);
  W.bottomRows(37) = uniform_rows(37, 3, rng);
  H = (uniform_rows(3, 50, rng).array() + 1.0).matrix();  // dense components: not identifiable
  const IdentifiabilityReport r = identifiability(W, H);
  EXPECT_EQ(r.W.ssc.verdict, SscVerdict::Holds);
  EXPECT_EQ(r.H.ssc.verdict, SscVerdict::Fails);
  EXPECT_FALSE(r.unique);
  const DenseMatrix<float> Wf = W.cast<float>();
  const DenseMatrix<float> Hf = H.cast<float>();
  EXPECT_EQ(identifiability(Wf, Hf).W.ssc.verdict, SscVerdict::Holds);

  expect_invalid([&] { check_ssc(uniform_rows(20, kMaxSscRank + 1, rng)); }, "handles k <=");
  DenseMatrix<double> negative = W;
  negative(0, 0) = -1;
  expect_invalid([&] { check_ssc(negative); }, "non-negative");
  expect_invalid([&] { identifiability(W, DenseMatrix<double>(4, 5)); }, "columns");
  expect_invalid([&] { identifiability(W, H, SscOptions{}, 2.0); }, "anchor tolerance");
  SscOptions bad;
  bad.tolerance = -1;
  expect_invalid([&] { check_ssc(W, bad); }, "tolerance");
}

}  // namespace
}  // namespace nmfkit
