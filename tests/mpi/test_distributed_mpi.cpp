// Distributed fits under mpirun (CTest starts this program on 1 to 4 processes): every
// process fits the same data spread over all of them and alone, and the two must agree
// (docs/distributed.md: bitwise on one process; 1e-10 relative in double otherwise).
//
// `--throw-on-process P` instead makes process P throw in the middle of a fit while the
// others wait for it: the program must then end every process with a non-zero exit.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "../cpp/test_helpers.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit {
namespace {

const dist::Comm& world() {
  return dist::world();
}

template <class T>
double relative(const DenseMatrix<T>& a, const DenseMatrix<T>& b) {
  const double scale = b.template cast<double>().norm();
  return (a - b).template cast<double>().norm() / (scale > 0 ? scale : 1.0);
}

// Double: 40 iterations within 1e-10. Float: dense blocks round their products
// differently from the whole matrix, and a fit amplifies rounding over its iterations, so
// one iteration is compared, within 1e-5 (docs/distributed.md). Objectives are compared
// against the size of their terms (½‖X‖²), which the Gram trick cancels.
template <class T, class Matrix>
void expect_same_as_alone(const Matrix& X, const std::string& solver, double beta, Index k,
                          dist::Grid grid = dist::Grid::one_d()) {
  SCOPED_TRACE(solver + (std::is_same_v<T, float> ? ", float" : ", double") +
               (std::is_same_v<Matrix, SparseMatrix<T>> ? ", sparse" : ", dense") + ", grid " +
               dist::to_string(grid));
  constexpr bool single = std::is_same_v<T, float>;
  NmfOptions options;
  options.n_components = k;
  options.solver = solver;
  options.beta_loss = beta;
  options.random_state = 11;
  options.max_iter = single ? 1 : 40;
  const auto alone = fit(X, options);
  options.comm = &world();
  options.grid = grid;
  const auto spread = fit(X, options);
  if (world().size() == 1) {
    EXPECT_TRUE(spread.W == alone.W);
    EXPECT_TRUE(spread.H == alone.H);
    EXPECT_EQ(spread.objective_history, alone.objective_history);
    return;
  }
  const double tolerance = single ? 1e-5 : 1e-10;
  EXPECT_LT(relative<T>(spread.W, alone.W), tolerance);
  EXPECT_LT(relative<T>(spread.H, alone.H), tolerance);
  EXPECT_EQ(spread.n_iter, alone.n_iter);
  ASSERT_EQ(spread.objective_history.size(), alone.objective_history.size());
  const double terms = 0.5 * X.template cast<double>().squaredNorm();
  for (std::size_t i = 0; i < alone.objective_history.size(); ++i) {
    EXPECT_NEAR(spread.objective_history[i], alone.objective_history[i],
                tolerance * (alone.objective_history[i] + terms));
  }
}

template <class T>
void check_every_solver(Index rows, Index cols, Index k) {
  const DenseMatrix<T> dense =
      (testing::planted(rows, cols, k, 5) + 0.01 * testing::random_nonnegative(rows, cols, 6))
          .template cast<T>();
  const SparseMatrix<T> sparse = testing::random_sparse<T>(rows, cols, 0.2, 7);
  for (const std::string solver : {"hals", "anls", "anls-bpp"}) {
    expect_same_as_alone<T>(dense, solver, 2.0, k);
    expect_same_as_alone<T>(sparse, solver, 2.0, k);
  }
  expect_same_as_alone<T>(dense, "scd", 1.0, k);
  expect_same_as_alone<T>(sparse, "scd", 1.0, k);
}

TEST(DistributedFit, EqualsTheFitOfOneProcessInDouble) {
  check_every_solver<double>(203, 61, 5);
}

TEST(DistributedFit, EqualsTheFitOfOneProcessInFloat) {
  check_every_solver<float>(203, 61, 5);
}

// Fewer rows and columns than processes: some own nothing on one side or both.
TEST(DistributedFit, ProcessesWithoutRowsTakePart) {
  check_every_solver<double>(3, 2, 2);
}

// Every grid of the processes (P × 1, 1 × P, and 2 × 2 on four): each holds one block of X.
TEST(DistributedFit, EveryGridEqualsTheFitOfOneProcess) {
  const DenseMatrix<double> dense =
      testing::planted(97, 61, 4, 5) + 0.01 * testing::random_nonnegative(97, 61, 6);
  const SparseMatrix<double> sparse = testing::random_sparse<double>(97, 61, 0.2, 7);
  const int P = world().size();
  for (int rows = 1; rows <= P; ++rows) {
    if (P % rows != 0) continue;
    const dist::Grid grid{rows, P / rows};
    for (const std::string solver : {"hals", "anls-bpp"}) {
      expect_same_as_alone<double>(dense, solver, 2.0, 4, grid);
      expect_same_as_alone<double>(sparse, solver, 2.0, 4, grid);
      expect_same_as_alone<float>(DenseMatrix<float>(dense.cast<float>()), solver, 2.0, 4, grid);
      expect_same_as_alone<float>(SparseMatrix<float>(sparse.cast<float>()), solver, 2.0, 4,
                                  grid);
    }
  }
  // The chosen grid, and blocks without rows or columns (more processes than rows).
  expect_same_as_alone<double>(sparse, "hals", 2.0, 4, dist::Grid::automatic());
  expect_same_as_alone<double>(DenseMatrix<double>(dense.topLeftCorner(2, 3)), "hals", 2.0, 2,
                               dist::Grid{P, 1});
  expect_same_as_alone<double>(DenseMatrix<double>(dense.topLeftCorner(2, 3)), "hals", 2.0, 2,
                               dist::Grid{1, P});
}

TEST(DistributedFit, GridsRefuseTheCountLossesAndTheWrongSize) {
  const DenseMatrix<double> X = testing::random_nonnegative(10, 8, 1) + DenseMatrix<double>::Constant(10, 8, 0.1);
  NmfOptions options;
  options.n_components = 2;
  options.comm = &world();
  options.grid = dist::Grid{world().size() + 1, 1};
  options.solver = "hals";
  EXPECT_THROW(fit(X, options), InvalidArgument);
  if (world().size() > 1) {
    options.grid = dist::Grid{world().size(), 1};
    options.solver = "scd";
    options.beta_loss = 1.0;
    EXPECT_THROW(fit(X, options), InvalidArgument);
  }
}

TEST(DistributedFit, PlantedFactorsAreFoundAsAlone) {
  const DenseMatrix<double> X = testing::planted(120, 90, 4, 21);
  NmfOptions options;
  options.n_components = 4;
  options.solver = "hals";
  options.tol = 1e-10;
  options.max_iter = 500;
  options.random_state = 2;
  const auto alone = fit(X, options);
  options.comm = &world();
  const auto spread = fit(X, options);
  EXPECT_NEAR(spread.reconstruction_error, alone.reconstruction_error, 1e-8 * X.norm());
  EXPECT_EQ(spread.n_iter, alone.n_iter);
  EXPECT_LT(relative<double>(spread.W * spread.H, alone.W * alone.H), 1e-8);
}

TEST(DistributedFit, ScikitLearnSolversRefuse) {
  const DenseMatrix<double> X = testing::random_nonnegative(10, 8, 1);
  NmfOptions options;
  options.n_components = 2;
  options.solver = "cd";
  options.comm = &world();
  EXPECT_THROW(fit(X, options), InvalidArgument);
}

// Process `failing` throws from the progress check of its third iteration; the others are
// then inside a collective, waiting for it.
int throw_mid_fit(int failing) {
  try {
    const DenseMatrix<double> X = testing::random_nonnegative(300, 200, 3);
    NmfOptions options;
    options.n_components = 5;
    options.solver = "hals";
    options.tol = 0;
    options.max_iter = 1000;
    options.comm = &world();
    int checks = 0;
    Progress progress;
    progress.cancel_requested = [&] {
      if (world().rank() == failing && ++checks == 3) throw std::runtime_error("injected failure");
      return false;
    };
    fit(X, options, nullptr, progress);
  } catch (const std::exception& e) {
    std::cerr << "process " << world().rank() << ": " << e.what() << std::endl;
    world().abort(3);
  }
  return 0;
}

}  // namespace
}  // namespace nmfkit

int main(int argc, char** argv) {
  const nmfkit::dist::Comm& world = nmfkit::dist::world();
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--throw-on-process") == 0) {
      return nmfkit::throw_mid_fit(std::atoi(argv[i + 1]));
    }
  }
  testing::InitGoogleTest(&argc, argv);
  if (world.rank() != 0) {
    auto& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const bool passed = RUN_ALL_TESTS() == 0;
  // Every process exits with the same verdict.
  return world.all(passed) ? 0 : 1;
}
