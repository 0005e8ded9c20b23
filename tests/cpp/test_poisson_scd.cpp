// The fast Kullback-Leibler solver 'scd': its row solver, monotone plain iterations, KKT
// stationarity at convergence, at least multiplicative updates' fit, masks and weights
// through the seam, thread independence, and 'auto'.

#include <gtest/gtest.h>

#include <cmath>

#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/nmf/poisson_nnls.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using Dense = DenseMatrix<double>;
using Sparse = SparseMatrix<double>;

// Counts from a rank-4 Poisson-like model: rounded W·H·scale, about half zeros.
Dense counts(Index rows, Index cols, std::uint32_t seed) {
  const Dense W = testing::random_nonnegative(rows, 4, seed);
  const Dense H = testing::random_nonnegative(4, cols, seed + 1);
  Dense X = (W * H * 1.5).array().floor();
  const Dense noise = testing::random_nonnegative(rows, cols, seed + 2);
  for (Index i = 0; i < X.size(); ++i) {
    if (noise.data()[i] > 1.2) X.data()[i] += 1;
  }
  return X;
}

NmfOptions scd_options(Index k = 4) {
  NmfOptions o;
  o.n_components = k;
  o.solver = "scd";
  o.beta_loss = 1.0;
  o.random_state = 3;
  o.init = Init::Nndsvda;
  return o;
}

// max |(F − floor) ⊙ ∇F| over both factors of D_KL(X ‖ WH), with weights V: complementary
// slackness for the solver's bound F ≥ 1e-10.
double kkt_residual(const Dense& X, const Dense& V, const Dense& W, const Dense& H) {
  constexpr double floor = 1e-10;
  const Dense WH = W * H;
  Dense ratio(X.rows(), X.cols());
  for (Index i = 0; i < X.size(); ++i) {
    ratio.data()[i] = V.data()[i] * (1 - (X.data()[i] > 0 ? X.data()[i] / WH.data()[i] : 0.0));
  }
  const Dense grad_W = ratio * H.transpose();
  const Dense grad_H = W.transpose() * ratio;
  const Dense W_free = W.array() - floor;
  const Dense H_free = H.array() - floor;
  return std::max(W_free.cwiseProduct(grad_W).cwiseAbs().maxCoeff(),
                  H_free.cwiseProduct(grad_H).cwiseAbs().maxCoeff());
}

TEST(PoissonNnls, RowSolverMovesTowardsTheRowOptimumAndNeverUp) {
  const Dense O = testing::random_nonnegative(30, 5, 1, 0.05);
  const std::vector<std::int64_t> index = {0, 3, 4, 9, 15, 21, 29};
  const std::vector<double> value = {2, 1, 7, 3, 1, 4, 2};
  const std::vector<double> linear = linalg::column_sums(O);
  linalg::CountRow<double> row;
  row.size = static_cast<Index>(index.size());
  row.index = index.data();
  row.value = value.data();
  row.linear = linear.data();
  std::vector<double> f(5, 0.3);
  PoissonNnlsOptions o;
  double previous = INFINITY;
  PoissonRowResult result;
  for (int round = 0; round < 200; ++round) {
    result = solve_poisson_nnls(row, O, f.data(), o);
    EXPECT_LE(result.objective, previous + 1e-12 * std::abs(previous));
    previous = result.objective;
  }
  EXPECT_LT(result.kkt, 1e-9);
  // φ recomputed from scratch.
  double phi = 0;
  for (Index c = 0; c < 5; ++c) phi += linear[c] * f[c];
  for (std::size_t p = 0; p < index.size(); ++p) {
    double rate = 0;
    for (Index c = 0; c < 5; ++c) rate += O(index[p], c) * f[c];
    phi -= value[p] * std::log(rate);
  }
  EXPECT_NEAR(result.objective, phi, 1e-12 * std::abs(phi));
}

TEST(PoissonScd, PlainIterationsNeverIncreaseTheDivergence) {
  const Dense X = counts(60, 45, 11);
  const Sparse sparse = X.sparseView();
  NmfOptions o = scd_options();
  o.extrapolate = false;
  o.tol = 0;
  o.max_iter = 40;
  for (const bool use_sparse : {false, true}) {
    const auto r = use_sparse ? fit(sparse, o) : fit(X, o);
    ASSERT_EQ(r.objective_history.size(), 40u);
    ASSERT_EQ(r.kkt_history.size(), 40u);
    for (std::size_t i = 1; i < r.objective_history.size(); ++i) {
      EXPECT_LE(r.objective_history[i], r.objective_history[i - 1] * (1 + 1e-13)) << i;
    }
    const double direct = linalg::beta_divergence(X, r.W, r.H, 1.0);
    EXPECT_NEAR(r.objective_history.back(), direct, 1e-9 * direct);
    EXPECT_EQ(r.solver, "scd");
  }
}

TEST(PoissonScd, ExtrapolatedHistoryIsTheBestObjectiveAndTheFactorsHaveIt) {
  const Sparse X = counts(80, 50, 21).sparseView();
  NmfOptions o = scd_options();
  o.tol = 0;
  o.max_iter = 50;
  const auto r = fit(X, o);
  for (std::size_t i = 1; i < r.objective_history.size(); ++i) {
    EXPECT_LE(r.objective_history[i], r.objective_history[i - 1]);
  }
  const double direct = linalg::beta_divergence(X, r.W, r.H, 1.0);
  EXPECT_NEAR(r.objective_history.back(), direct, 1e-9 * direct);
}

TEST(PoissonScd, ConvergesToAKktPointAndFitsAtLeastAsWellAsMu) {
  const Dense X = counts(70, 55, 31);
  NmfOptions o = scd_options();
  o.tol = 1e-12;
  o.max_iter = 2000;
  EXPECT_TRUE(fit(X, o).converged);
  // The objective stops moving (1e-12) well before the residual is at rounding level.
  o.tol = 0;
  o.max_iter = 1000;
  const auto r = fit(X, o);
  const double scale = X.sum() / static_cast<double>(X.size());
  EXPECT_LT(kkt_residual(X, Dense::Ones(70, 55), r.W, r.H), 1e-6 * scale);
  EXPECT_LT(r.kkt_history.back(), 1e-6 * scale);

  NmfOptions mu = scd_options();
  mu.solver = "mu";  // scikit-learn's defaults: tol 1e-4, 200 iterations
  const auto m = fit(X, mu);
  EXPECT_LE(r.reconstruction_error, m.reconstruction_error);
  // And scd with the same defaults gets there too.
  const auto quick = fit(X, scd_options());
  EXPECT_LE(quick.reconstruction_error, m.reconstruction_error);
}

TEST(PoissonScd, ValuesUnderTheMaskChangeNothingAndTheFitIsKktOnTheObservedEntries) {
  const Dense X = counts(50, 40, 41);
  Dense V = Dense::Ones(50, 40);
  RandomState rng(5);
  for (Index i = 0; i < V.size(); ++i) {
    const double u = rng.random_sample();
    V.data()[i] = u < 0.2 ? 0.0 : u < 0.3 ? 2.0 : 1.0;
  }
  Dense garbage = X;
  for (Index i = 0; i < X.size(); ++i) {
    if (V.data()[i] == 0) garbage.data()[i] = 1000 + i;
  }
  const auto weights = EntryWeights<double>::weights(V);
  // Plain iterations, so that rounding differences between the storages stay rounding
  // differences (an extrapolated run may take another path after a close accept/reject).
  NmfOptions o = scd_options();
  o.tol = 0;
  o.max_iter = 60;
  o.extrapolate = false;
  const auto a = fit(X, weights, o);
  const auto b = fit(garbage, weights, o);
  EXPECT_TRUE(a.W == b.W && a.H == b.H);
  const auto c = fit(Sparse(X.sparseView()), weights, o);
  EXPECT_LT((a.W - c.W).norm(), 1e-10 * a.W.norm());
  EXPECT_LT((a.H - c.H).norm(), 1e-10 * a.H.norm());

  NmfOptions converged = scd_options();
  converged.tol = 0;
  converged.max_iter = 1000;
  const auto r = fit(X, weights, converged);
  EXPECT_LT(kkt_residual(X, V, r.W, r.H), 1e-6);
}

TEST(PoissonScd, WeightTwoEqualsADuplicatedRow) {
  const Dense X = counts(30, 25, 51);
  Dense V = Dense::Ones(30, 25);
  V.row(6).setConstant(2.0);
  Dense duplicated(31, 25);
  duplicated.topRows(30) = X;
  duplicated.row(30) = X.row(6);
  Factors<double> start{testing::random_nonnegative(30, 4, 1, 0.1),
                        testing::random_nonnegative(4, 25, 2, 0.1)};
  Factors<double> start_duplicated{Dense(31, 4), start.H};
  start_duplicated.W.topRows(30) = start.W;
  start_duplicated.W.row(30) = start.W.row(6);
  NmfOptions o = scd_options();
  o.init = Init::Custom;
  o.tol = 0;
  o.max_iter = 30;
  o.extrapolate = false;
  const auto a = fit(X, EntryWeights<double>::weights(V), o, &start);
  const auto b = fit(duplicated, o, &start_duplicated);
  EXPECT_LT((a.H - b.H).norm(), 1e-8 * b.H.norm());
  EXPECT_LT((a.W - b.W.topRows(30)).norm(), 1e-8 * b.W.norm());
}

TEST(PoissonScd, OneAndTwoThreadsGiveTheSameFactors) {
  const Sparse X = counts(600, 500, 61).sparseView();
  NmfOptions o = scd_options(6);
  o.max_iter = 25;
  o.n_threads = 1;
  const auto one = fit(X, o);
  o.n_threads = 2;
  const auto two = fit(X, o);
  EXPECT_EQ(one.n_iter, two.n_iter);
  EXPECT_TRUE(one.W == two.W && one.H == two.H);
}

TEST(PoissonScd, AutoPicksTheSolverForTheLossAndScdRefusesOtherLosses) {
  const Dense X = counts(20, 15, 71);
  NmfOptions o = scd_options(3);
  o.solver = "auto";
  EXPECT_EQ(fit(X, o).solver, "scd");
  o.beta_loss = 2.0;
  EXPECT_EQ(fit(X, o).solver, "hals");
  o.beta_loss = 0.5;
  EXPECT_EQ(fit(X, o).solver, "mu");
  o.solver = "scd";
  testing::expect_invalid([&] { fit(X, o); }, "handles only beta_loss = kullback-leibler");
  o.solver = "hals";
  o.beta_loss = 1.0;
  testing::expect_invalid([&] { fit(X, o); }, "needs solver 'scd', 'mu' or 'auto'");
}

TEST(PoissonScd, TransformFindsTheCodesOfTheTrainingData) {
  const Dense X = counts(40, 30, 81);
  NmfOptions o = scd_options();
  o.tol = 1e-12;
  o.max_iter = 1000;
  const auto model = fit(X, o);
  const auto codes = transform(X, model.H, o);
  EXPECT_LT((codes.W - model.W).norm(), 1e-4 * model.W.norm());
}

}  // namespace
}  // namespace nmfkit
