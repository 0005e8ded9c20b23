// The distributed pieces that need no MPI: the row partition, and the distributed operator
// on one process (SerialComm), which must give the serial fit bit for bit.

#include <gtest/gtest.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/partition.hpp"
#include "nmfkit/nmf/fit_slices.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

void expect_cover(const std::vector<Index>& offsets, Index rows, int parts) {
  ASSERT_EQ(offsets.size(), static_cast<std::size_t>(parts) + 1);
  EXPECT_EQ(offsets.front(), 0);
  EXPECT_EQ(offsets.back(), rows);
  for (int p = 0; p < parts; ++p) EXPECT_LE(offsets[p], offsets[p + 1]);
}

// A slice moved (into a variant, a fit, the operator) hands its rows over: Eigen 3.4's
// SparseMatrix has no move constructor, so a default move would copy them each time.
TEST(RowSlice, MovingHandsTheRowsOverWithoutACopy) {
  const SparseMatrix<double> X = testing::random_sparse<double>(20, 6, 0.4, 3);
  dist::RowSlice<SparseMatrix<double>> slice =
      dist::slice_of(X, 0, dist::plan_slices(20, 6, dist::Grid::one_d(), 1));
  const double* values = slice.rows.valuePtr();
  dist::RowSlice<SparseMatrix<double>> moved(std::move(slice));
  EXPECT_EQ(moved.rows.valuePtr(), values);
  EXPECT_EQ(moved.rows.nonZeros(), X.nonZeros());
  EXPECT_EQ(moved.total_rows(), 20);
  dist::RowSlice<SparseMatrix<double>> assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.rows.valuePtr(), values);
  EXPECT_EQ(assigned.cols, 6);
}

TEST(Partition, BlocksAreDisjointAndCoverEveryRowForAnyCount) {
  for (const Index rows : {0, 1, 3, 7, 203}) {
    for (const int parts : {1, 2, 3, 4, 9}) {
      SCOPED_TRACE(std::to_string(rows) + " rows, " + std::to_string(parts) + " parts");
      const auto even = dist::balanced_offsets(rows, parts);
      expect_cover(even, rows, parts);
      // Equal work: part sizes differ by at most one row.
      for (int p = 0; p < parts; ++p) EXPECT_LE(even[p + 1] - even[p], rows / parts + 1);
    }
  }
}

TEST(Partition, BalancesByNonzeros) {
  // Row 0 holds 90 of 100 non-zeros: it is a part of its own.
  std::vector<Index> prefix = {0, 90};
  for (int r = 1; r <= 10; ++r) prefix.push_back(90 + r);
  const auto offsets = dist::balanced_offsets(11, 2, prefix);
  expect_cover(offsets, 11, 2);
  EXPECT_EQ(offsets[1], 1);
  // No work at all: split by rows.
  const auto empty = dist::balanced_offsets(4, 2, std::vector<Index>(5, 0));
  EXPECT_EQ(empty[1], 2);
  EXPECT_THROW(dist::balanced_offsets(4, 0), InvalidArgument);
  EXPECT_THROW(dist::balanced_offsets(4, 2, {0, 1}), InvalidArgument);
}

TEST(Grid, ParsesChoosesAndChecksItsSize) {
  EXPECT_EQ(dist::parse_grid("2x3"), (dist::Grid{2, 3}));
  EXPECT_TRUE(dist::parse_grid("1d").is_one_d());
  EXPECT_TRUE(dist::parse_grid("auto").is_automatic());
  for (const std::string bad : {"", "2", "0x4", "2x", "x2", "-1x2", "2x2x2", "axb"}) {
    EXPECT_THROW(dist::parse_grid(bad), InvalidArgument) << bad;
  }
  // Blocks as square as the processes allow: tall matrices get more block rows.
  EXPECT_EQ(dist::choose_grid(4, 1000, 1000), (dist::Grid{2, 2}));
  EXPECT_EQ(dist::choose_grid(4, 100000, 100), (dist::Grid{4, 1}));
  EXPECT_EQ(dist::choose_grid(4, 100, 100000), (dist::Grid{1, 4}));
  EXPECT_EQ(dist::choose_grid(6, 300, 200), (dist::Grid{3, 2}));
  EXPECT_EQ(dist::choose_grid(1, 5, 7), (dist::Grid{1, 1}));
  EXPECT_EQ(dist::resolve_grid(dist::Grid::automatic(), 4, 10, 10), (dist::Grid{2, 2}));
  EXPECT_THROW(dist::resolve_grid(dist::Grid{2, 2}, 3, 10, 10), InvalidArgument);
  EXPECT_TRUE(dist::resolve_grid(dist::Grid::one_d(), 3, 10, 10).is_one_d());
}

TEST(Launch, ABuildWithoutMpiRefusesSeveralProcesses) {
  EXPECT_THROW(dist::check_launch(false, 3), InvalidArgument);
  EXPECT_NO_THROW(dist::check_launch(false, 1));
  EXPECT_NO_THROW(dist::check_launch(true, 3));
}

template <class Matrix>
void expect_same_fit(const Matrix& X, const std::string& solver, double beta) {
  NmfOptions options;
  options.n_components = 4;
  options.solver = solver;
  options.beta_loss = beta;
  options.random_state = 3;
  options.max_iter = 30;
  const auto serial = fit(X, options);
  const dist::SerialComm one;
  options.comm = &one;
  // The 1-D layout and the 1 × 1 grid, which holds X as one block.
  for (const dist::Grid grid : {dist::Grid::one_d(), dist::Grid{1, 1}}) {
    options.grid = grid;
    const auto spread = fit(X, options);
    EXPECT_TRUE(spread.W == serial.W) << solver << " " << dist::to_string(grid);
    EXPECT_TRUE(spread.H == serial.H) << solver << " " << dist::to_string(grid);
    EXPECT_EQ(spread.n_iter, serial.n_iter);
    EXPECT_EQ(spread.objective_history, serial.objective_history);
    // From the rows the process read (here all of them), every initialisation.
    for (const Init init : {Init::Random, Init::Nndsvda, Init::Nndsvd}) {
      options.init = init;
      NmfOptions one_process = options;
      one_process.comm = nullptr;
      const auto alone = fit(X, one_process);
      std::vector<Index> prefix;
      if constexpr (std::is_same_v<Matrix, SparseMatrix<double>>) {
        prefix.assign(X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1);
      }
      const auto rows = fit(dist::slice_of(X, 0, dist::plan_slices(X.rows(), X.cols(), grid, 1,
                                                                    prefix)),
                            options);
      EXPECT_TRUE(rows.W == alone.W) << solver << " " << to_string(init);
      EXPECT_TRUE(rows.H == alone.H) << solver << " " << to_string(init);
      EXPECT_EQ(rows.objective_history, alone.objective_history);
    }
    options.init = Init::Auto;
  }
}

TEST(DistributedOperator, OneProcessIsBitwiseTheSerialFit) {
  const DenseMatrix<double> dense =
      testing::planted(40, 25, 4, 7) + testing::random_nonnegative(40, 25, 8) * 0.05;
  const SparseMatrix<double> sparse = testing::random_sparse(40, 25, 0.3, 9);
  for (const std::string solver : {"hals", "anls", "anls-bpp"}) {
    expect_same_fit(dense, solver, 2.0);
    expect_same_fit(sparse, solver, 2.0);
  }
  expect_same_fit(dense, "scd", 1.0);
  expect_same_fit(sparse, "scd", 1.0);
}

TEST(DistributedOperator, ScikitLearnSolversRefuseSeveralProcesses) {
  const DenseMatrix<double> X = testing::random_nonnegative(10, 8, 1);
  const dist::SerialComm one;
  NmfOptions options;
  options.n_components = 2;
  options.comm = &one;
  options.solver = "cd";
  EXPECT_THROW(fit(X, options), InvalidArgument);
}

// A masked fit through the spread operators of one process is the masked fit alone.
TEST(DistributedOperator, MaskedFitOfOneProcessIsTheFitAlone) {
  const DenseMatrix<double> X = testing::random_nonnegative(30, 12, 1);
  DenseMatrix<double> mask = DenseMatrix<double>::Zero(30, 12);
  for (Index i = 0; i < 30; ++i) mask(i, (3 * i) % 12) = 1;
  const auto weights = EntryWeights<double>::missing(mask);
  const dist::SerialComm one;
  for (const std::string solver : {"hals", "anls-bpp", "mu"}) {
    NmfOptions options;
    options.n_components = 3;
    options.solver = solver;
    options.random_state = 4;
    options.max_iter = 30;
    const auto alone = fit(X, weights, options);
    options.comm = &one;
    const auto spread = fit(X, weights, options);
    EXPECT_TRUE(spread.W == alone.W) << solver;
    EXPECT_TRUE(spread.H == alone.H) << solver;
    EXPECT_EQ(spread.reconstruction_error, alone.reconstruction_error) << solver;
  }
}

}  // namespace
}  // namespace nmfkit
