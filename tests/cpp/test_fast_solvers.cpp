// The fast alternating solvers (hals, anls, anls-bpp): they reach the objective of
// scikit-learn's cd, never increase the objective, report it correctly, and give the same
// factors for any thread count.

#include <gtest/gtest.h>

#include <cmath>

#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

const std::vector<std::string> kFastSolvers = {"hals", "anls", "anls-bpp"};

// scikit-learn's objective: ½‖X − WH‖² plus the scaled penalties.
template <class Matrix>
double objective(const Matrix& X, const NmfResult<double>& r, const NmfOptions& o) {
  const Penalties p = scaled_penalties(o, X.rows(), X.cols());
  return linalg::beta_divergence(X, r.W, r.H, 2.0) + p.l1_W * r.W.sum() + p.l1_H * r.H.sum() +
         0.5 * p.l2_W * r.W.squaredNorm() + 0.5 * p.l2_H * r.H.squaredNorm();
}

// Rank-5 non-negative data plus 5% noise, dense or sparse (a third of the entries kept).
DenseMatrix<double> noisy_low_rank(Index rows, Index cols, std::uint32_t seed) {
  const DenseMatrix<double> W = testing::random_nonnegative(rows, 5, seed);
  const DenseMatrix<double> H = testing::random_nonnegative(5, cols, seed + 1);
  return W * H + 0.05 * testing::random_nonnegative(rows, cols, seed + 2);
}
SparseMatrix<double> sparse_low_rank(Index rows, Index cols, std::uint32_t seed) {
  const DenseMatrix<double> dense = noisy_low_rank(rows, cols, seed);
  const SparseMatrix<double> keep = testing::random_sparse(rows, cols, 0.33, seed + 3);
  return dense.sparseView().cwiseProduct(keep.cwiseSign());
}

NmfOptions converged_options(const std::string& solver, double alpha = 0, double l1_ratio = 0) {
  NmfOptions o;
  o.n_components = 5;
  o.solver = solver;
  o.random_state = 7;
  o.tol = solver == "cd" ? 1e-8 : 1e-10;
  o.max_iter = 5000;
  o.alpha_W = alpha;
  o.l1_ratio = l1_ratio;
  return o;
}

struct ObjectiveCase {
  bool sparse;
  double alpha;
  double l1_ratio;
};

class FastSolversReachCd : public ::testing::TestWithParam<ObjectiveCase> {};

TEST_P(FastSolversReachCd, ObjectiveWithin1e4Relative) {
  const auto [sparse, alpha, l1_ratio] = GetParam();
  auto check = [&](const auto& X) {
    const NmfOptions cd = converged_options("cd", alpha, l1_ratio);
    const double target = objective(X, fit(X, cd), cd);
    for (const auto& solver : kFastSolvers) {
      const NmfOptions o = converged_options(solver, alpha, l1_ratio);
      const auto r = fit(X, o);
      EXPECT_NEAR(objective(X, r, o), target, 1e-4 * target) << solver;
    }
  };
  if (sparse) {
    check(sparse_low_rank(80, 60, 1));
  } else {
    check(noisy_low_rank(80, 60, 1));
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, FastSolversReachCd,
                         ::testing::Values(ObjectiveCase{false, 0, 0}, ObjectiveCase{true, 0, 0},
                                           ObjectiveCase{false, 0.01, 0},
                                           ObjectiveCase{true, 0.005, 0.5}));

TEST(FastSolvers, ObjectiveNeverIncreasesAndHistoryIsTheObjective) {
  const SparseMatrix<double> X = sparse_low_rank(120, 90, 4);
  for (const auto& solver : kFastSolvers) {
    NmfOptions o = converged_options(solver, 0.002, 0.3);
    o.n_components = 8;
    o.max_iter = 60;
    o.tol = 0;
    const auto r = fit(X, o);
    ASSERT_EQ(r.objective_history.size(), static_cast<std::size_t>(r.n_iter)) << solver;
    ASSERT_EQ(r.iteration_seconds.size(), r.objective_history.size()) << solver;
    for (std::size_t i = 1; i < r.objective_history.size(); ++i) {
      EXPECT_LE(r.objective_history[i], r.objective_history[i - 1] * (1 + 1e-12))
          << solver << " iteration " << i + 1;
      EXPECT_GE(r.iteration_seconds[i], r.iteration_seconds[i - 1]);
    }
    // The Gram-trick value equals the objective computed from X directly.
    EXPECT_NEAR(r.objective_history.back(), objective(X, r, o), 1e-9 * objective(X, r, o))
        << solver;
  }
}

TEST(FastSolvers, StopWhenTheObjectiveStopsMoving) {
  const DenseMatrix<double> X = noisy_low_rank(60, 50, 5);
  NmfOptions o = converged_options("hals");
  o.tol = 1e-3;
  o.patience = 2;
  o.extrapolate = false;  // with it, undone steps repeat the best value and do not count
  const auto r = fit(X, o);
  ASSERT_GE(r.n_iter, 3);
  EXPECT_LT(r.n_iter, o.max_iter);
  EXPECT_TRUE(r.converged);
  const auto& h = r.objective_history;
  // The last `patience` decreases were below tol, the one before was not.
  for (std::size_t i = h.size() - 2; i < h.size(); ++i) EXPECT_LT((h[i - 1] - h[i]) / h[i], 1e-3);
  EXPECT_GE((h[h.size() - 4] - h[h.size() - 3]) / h[h.size() - 3], 1e-3);
}

template <class Matrix>
void expect_thread_count_invariant(const Matrix& X, const std::string& solver) {
  NmfOptions o = converged_options(solver);
  o.max_iter = 50;
  o.n_threads = 1;
  const auto one = fit(X, o);
  o.n_threads = 2;
  const auto two = fit(X, o);
  EXPECT_EQ(one.n_iter, two.n_iter) << solver;
  EXPECT_LE((one.W - two.W).norm(), 1e-10 * one.W.norm()) << solver;
  EXPECT_LE((one.H - two.H).norm(), 1e-10 * one.H.norm()) << solver;
}

TEST(FastSolvers, OneAndTwoThreadsGiveTheSameFactors) {
  // Large enough that every product and sweep really runs on two threads.
  const DenseMatrix<double> dense = noisy_low_rank(700, 600, 8);
  const SparseMatrix<double> sparse = sparse_low_rank(700, 600, 9);
  for (const auto& solver : kFastSolvers) {
    expect_thread_count_invariant(dense, solver);
    expect_thread_count_invariant(sparse, solver);
  }
}

TEST(FastSolvers, Float32StaysFloat32AndMatchesFloat64) {
  const DenseMatrix<double> X = noisy_low_rank(70, 40, 12);
  const DenseMatrix<float> Xf = X.cast<float>();
  NmfOptions o = converged_options("hals");
  o.max_iter = 300;
  o.tol = 0;
  const NmfResult<float> single = fit(Xf, o);
  const NmfResult<double> twice = fit(X, o);
  // At convergence float32's Gram-form products resolve the error to about 1e-3 of it
  // (a float64 fit gets 6e-4 lower here).
  EXPECT_NEAR(single.reconstruction_error, twice.reconstruction_error,
              1e-3 * twice.reconstruction_error);
}

TEST(FastSolvers, TransformSolvesTheNnlsOfEachSample) {
  const DenseMatrix<double> X = noisy_low_rank(50, 40, 13);
  NmfOptions o = converged_options("anls-bpp");
  const auto model = fit(X, o);
  const auto exact = transform(X, model.H, o);
  for (const std::string solver : {"hals", "anls"}) {
    o.solver = solver;
    const auto codes = transform(X, model.H, o);
    EXPECT_LT((codes.W - exact.W).norm(), 1e-6 * exact.W.norm()) << solver;
  }
  // At a converged fit, the codes of the training data are the fit's W.
  EXPECT_LT((exact.W - model.W).norm(), 1e-5 * model.W.norm());
}

}  // namespace
}  // namespace nmfkit
