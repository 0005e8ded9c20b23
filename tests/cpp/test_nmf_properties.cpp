// Properties of the solvers that hold whatever the reference: monotone objective for
// multiplicative updates, KKT conditions at the coordinate descent solution, recovery of
// planted parts, and bitwise reproducibility.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

// scikit-learn's objective: D_β plus the scaled penalties.
double objective(const DenseMatrix<double>& X, const NmfResult<double>& r, const NmfOptions& o) {
  const Penalties p = scaled_penalties(o, X.rows(), X.cols());
  return linalg::beta_divergence(X, r.W, r.H, o.beta_loss) + p.l1_W * r.W.sum() +
         p.l1_H * r.H.sum() + 0.5 * p.l2_W * r.W.squaredNorm() + 0.5 * p.l2_H * r.H.squaredNorm();
}

struct MonotoneCase {
  double beta;
  double alpha;
  double l1_ratio;
};

class MultiplicativeUpdates : public ::testing::TestWithParam<MonotoneCase> {};

TEST_P(MultiplicativeUpdates, NeverIncreaseTheObjective) {
  const auto [beta, alpha, l1_ratio] = GetParam();
  // Strictly positive data so that every beta is allowed.
  const DenseMatrix<double> X = testing::random_nonnegative(25, 18, 4, 0.05);
  NmfOptions o;
  o.n_components = 4;
  o.solver = "mu";
  o.beta_loss = beta;
  o.init = Init::Random;
  o.random_state = 1;
  o.tol = 0;
  o.alpha_W = alpha;
  o.l1_ratio = l1_ratio;
  double previous = INFINITY;
  for (int iterations = 1; iterations <= 40; ++iterations) {
    o.max_iter = iterations;
    const double value = objective(X, fit(X, o), o);
    EXPECT_LE(value, previous * (1 + 1e-12)) << "iteration " << iterations;
    previous = value;
  }
}

INSTANTIATE_TEST_SUITE_P(Betas, MultiplicativeUpdates,
                         ::testing::Values(MonotoneCase{2, 0, 0}, MonotoneCase{1, 0, 0},
                                           MonotoneCase{0, 0, 0}, MonotoneCase{0.5, 0, 0},
                                           MonotoneCase{1.5, 0, 0}, MonotoneCase{3, 0, 0},
                                           MonotoneCase{2, 0.01, 0.5}, MonotoneCase{1, 0.01, 0.5}),
                         [](const auto& test) {
                           std::ostringstream text;
                           text << "beta_" << test.param.beta
                                << (test.param.alpha > 0 ? "_regularised" : "");
                           std::string name = text.str();
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(CoordinateDescent, SolutionSatisfiesKktConditions) {
  const DenseMatrix<double> X = testing::random_nonnegative(30, 20, 2);
  NmfOptions o;
  o.n_components = 3;
  o.tol = 1e-12;
  o.max_iter = 20000;
  o.alpha_W = 0.01;
  o.l1_ratio = 0.5;
  o.random_state = 0;
  const auto r = fit(X, o);
  ASSERT_TRUE(r.converged);
  const Penalties p = scaled_penalties(o, X.rows(), X.cols());
  // Gradients of the objective: W·HHᵀ − XHᵀ + l1 + l2·W, and the same for H.
  const DenseMatrix<double> grad_W = r.W * (r.H * r.H.transpose()) - X * r.H.transpose() +
                                     DenseMatrix<double>::Constant(r.W.rows(), r.W.cols(), p.l1_W) +
                                     p.l2_W * r.W;
  const DenseMatrix<double> grad_H = (r.W.transpose() * r.W) * r.H - r.W.transpose() * X +
                                     DenseMatrix<double>::Constant(r.H.rows(), r.H.cols(), p.l1_H) +
                                     p.l2_H * r.H;
  const double scale = (X * r.H.transpose()).cwiseAbs().maxCoeff();
  for (const auto& [F, G] : {std::pair{&r.W, &grad_W}, std::pair{&r.H, &grad_H}}) {
    EXPECT_GE(F->minCoeff(), 0.0);                                       // primal feasibility
    EXPECT_GE(G->minCoeff(), -1e-6 * scale);                             // dual feasibility
    EXPECT_LE(F->cwiseProduct(*G).cwiseAbs().maxCoeff(), 1e-6 * scale);  // complementarity
  }
}

class PlantedParts : public ::testing::TestWithParam<std::string> {};

TEST_P(PlantedParts, AreRecovered) {
  DenseMatrix<double> H_true;
  const DenseMatrix<double> X = testing::planted(60, 40, 4, 11, &H_true);
  NmfOptions o;
  o.n_components = 4;
  o.solver = GetParam();
  o.tol = 1e-10;
  o.max_iter = 5000;
  o.random_state = 3;
  const auto r = fit(X, o);
  // Multiplicative updates approach the planted zeros only geometrically slowly.
  EXPECT_LT(r.reconstruction_error / X.norm(), GetParam() == "mu" ? 5e-3 : 1e-5);
  // Each planted part is matched by a found component (cosine similarity of H rows).
  for (Index t = 0; t < 4; ++t) {
    double best = 0;
    for (Index c = 0; c < 4; ++c) {
      const double cosine =
          H_true.row(t).dot(r.H.row(c)) / (H_true.row(t).norm() * r.H.row(c).norm());
      best = std::max(best, cosine);
    }
    EXPECT_GT(best, 0.999) << "part " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Solvers, PlantedParts,
                         ::testing::Values("cd", "mu", "hals", "anls", "anls-bpp"),
                         [](const auto& test) {
                           std::string name = test.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

template <class Matrix>
void expect_bitwise_repeatable(const Matrix& X, NmfOptions o) {
  const auto first = fit(X, o);
  for (int run = 0; run < 2; ++run) {
    const auto again = fit(X, o);
    EXPECT_EQ(again.n_iter, first.n_iter);
    EXPECT_TRUE((again.W.array() == first.W.array()).all());
    EXPECT_TRUE((again.H.array() == first.H.array()).all());
    EXPECT_EQ(again.reconstruction_error, first.reconstruction_error);
  }
}

TEST(Reproducibility, SameSeedGivesBitwiseTheSameFactorsThreeTimes) {
  const DenseMatrix<double> dense = testing::random_nonnegative(50, 30, 6);
  const SparseMatrix<float> sparse = testing::random_sparse<float>(60, 45, 0.2, 7);
  for (const char* solver : {"cd", "mu"}) {
    for (Init init : {Init::Random, Init::Nndsvdar, Init::Nndsvda}) {
      NmfOptions o;
      o.n_components = 5;
      o.solver = solver;
      o.init = init;
      o.random_state = 42;
      o.shuffle = true;
      o.beta_loss = std::string(solver) == "mu" ? 1.0 : 2.0;
      SCOPED_TRACE(std::string(solver) + " " + to_string(init));
      expect_bitwise_repeatable(dense, o);
      expect_bitwise_repeatable(sparse, o);
    }
  }
}

TEST(Transform, ReproducesTheCodesOfTheTrainingData) {
  const DenseMatrix<double> X = testing::planted(50, 30, 3, 21);
  for (const char* solver : {"cd", "mu"}) {
    NmfOptions o;
    o.n_components = 3;
    o.solver = solver;
    o.tol = 1e-10;
    o.max_iter = 3000;
    o.random_state = 0;
    const auto fitted = fit(X, o);
    const auto transformed = transform(X, fitted.H, o);
    const DenseMatrix<double> back = inverse_transform(transformed.W, fitted.H);
    EXPECT_LT((back - X).norm() / X.norm(), 1e-3) << solver;
  }
}

TEST(Components, AutoTakesTheNumberFromCustomFactors) {
  const DenseMatrix<double> X = testing::random_nonnegative(12, 9, 1);
  Factors<double> custom{testing::random_nonnegative(12, 3, 2),
                         testing::random_nonnegative(3, 9, 3)};
  NmfOptions o;  // n_components unset: 'auto'
  const auto r = fit(X, o, &custom);
  EXPECT_EQ(r.H.rows(), 3);
  EXPECT_EQ(r.init, Init::Custom);
  // Without factors it is every feature, as scikit-learn's None.
  EXPECT_EQ(fit(X, o).H.rows(), 9);
}

TEST(Components, MoreThanMinDimensionFallsBackToRandomInit) {
  const DenseMatrix<double> X = testing::random_nonnegative(5, 8, 1);
  NmfOptions o;
  o.n_components = 6;
  o.random_state = 0;
  EXPECT_EQ(fit(X, o).init, Init::Random);
}

TEST(Progress, VerboseLinesGoToTheCallbackAndCancelStops) {
  const DenseMatrix<double> X = testing::random_nonnegative(20, 10, 1);
  NmfOptions o;
  o.n_components = 2;
  o.verbose = 1;
  o.random_state = 0;
  std::vector<std::string> lines;
  Progress progress;
  progress.log = [&](const std::string& line) { lines.push_back(line); };
  fit(X, o, nullptr, progress);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().rfind("violation:", 0), 0U);

  int polls = 0;
  progress.cancel_requested = [&] { return ++polls > 3; };
  EXPECT_THROW(fit(X, o, nullptr, progress), Cancelled);
}

TEST(Warnings, MaxIterationsIsAWarningNotAnError) {
  const DenseMatrix<double> X = testing::random_nonnegative(20, 10, 1);
  NmfOptions o;
  o.n_components = 3;
  o.max_iter = 2;
  o.tol = 1e-12;
  o.random_state = 0;
  const auto r = fit(X, o);
  EXPECT_FALSE(r.converged);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("Maximum number of iterations 2 reached"), std::string::npos);
}

}  // namespace
}  // namespace nmfkit
