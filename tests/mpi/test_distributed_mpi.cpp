// Distributed fits under mpirun (CTest starts this program on 1 to 4 processes): every
// process fits the same data spread over all of them and alone, and the two must agree
// (docs/distributed.md: bitwise on one process; 1e-10 relative in double otherwise).
//
// `--throw-on-process P` instead makes process P throw in the middle of a fit while the
// others wait for it: the program must then end every process with a non-zero exit.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "../cpp/test_helpers.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/read_slice.hpp"
#include "nmfkit/dist/scatter_rows.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/nmf/fit_slices.hpp"
#include "nmfkit/nmf/mask.hpp"
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
  // The multiplicative updates, Frobenius and Kullback-Leibler.
  for (const double beta : {2.0, 1.0}) {
    expect_same_as_alone<T>(dense, "mu", beta, k);
    expect_same_as_alone<T>(sparse, "mu", beta, k);
  }
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
    expect_same_as_alone<double>(dense, "mu", 1.0, 4, grid);
    expect_same_as_alone<double>(sparse, "mu", 1.0, 4, grid);
    expect_same_as_alone<double>(sparse, "mu", 2.0, 4, grid);
    // The count loss solves whole rows, gathered from the grid's blocks.
    expect_same_as_alone<double>(dense, "scd", 1.0, 4, grid);
    expect_same_as_alone<double>(sparse, "scd", 1.0, 4, grid);
    expect_same_as_alone<float>(SparseMatrix<float>(sparse.cast<float>()), "scd", 1.0, 4, grid);
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

TEST(DistributedFit, AGridOfTheWrongSizeRefuses) {
  const DenseMatrix<double> X = testing::random_nonnegative(10, 8, 1) + DenseMatrix<double>::Constant(10, 8, 0.1);
  NmfOptions options;
  options.n_components = 2;
  options.comm = &world();
  options.grid = dist::Grid{world().size() + 1, 1};
  options.solver = "hals";
  EXPECT_THROW(fit(X, options), InvalidArgument);
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
  const DenseMatrix<double> X = testing::random_nonnegative(10, 8, 1, 0.1);
  NmfOptions options;
  options.n_components = 2;
  options.solver = "cd";
  options.comm = &world();
  EXPECT_THROW(fit(X, options), InvalidArgument);
  if (world().size() > 1) {  // 'mu' spreads the Frobenius and KL losses only
    options.solver = "mu";
    options.beta_loss = 0.5;
    EXPECT_THROW(fit(X, options), InvalidArgument);
  }
}

// Masks, missing values and weights across processes: every process holds X and the
// weights whole and solves its share of the rows (nmf/weighted_spread_operator.hpp).
template <class T, class Matrix>
void expect_weighted_same_as_alone(const Matrix& X, const EntryWeights<T>& weights,
                                   const std::string& solver, double beta, Index k,
                                   dist::Grid grid = dist::Grid::one_d()) {
  SCOPED_TRACE(solver + ", beta " + std::to_string(beta) +
               (std::is_same_v<Matrix, SparseMatrix<T>> ? ", sparse" : ", dense") + ", grid " +
               dist::to_string(grid));
  NmfOptions options;
  options.n_components = k;
  options.solver = solver;
  options.beta_loss = beta;
  options.random_state = 3;
  options.max_iter = 30;
  const auto alone = fit(X, weights, options);
  options.comm = &world();
  options.grid = grid;
  const auto spread = fit(X, weights, options);
  if (world().size() == 1) {
    EXPECT_TRUE(spread.W == alone.W);
    EXPECT_TRUE(spread.H == alone.H);
    EXPECT_EQ(spread.reconstruction_error, alone.reconstruction_error);
    return;
  }
  EXPECT_LT(relative<T>(spread.W, alone.W), 1e-10);
  EXPECT_LT(relative<T>(spread.H, alone.H), 1e-10);
  EXPECT_EQ(spread.n_iter, alone.n_iter);
  EXPECT_NEAR(spread.reconstruction_error, alone.reconstruction_error,
              1e-10 * (alone.reconstruction_error + X.template cast<double>().norm()));
}

// A mask of every kind on dense and sparse X: explicit missing entries, fractional
// weights, zeros missing (implicit feedback) and a speckled holdout.
void check_weighted(Index rows, Index cols, Index k) {
  const DenseMatrix<double> dense =
      testing::planted(rows, cols, k, 5) + 0.01 * testing::random_nonnegative(rows, cols, 6);
  const SparseMatrix<double> sparse = testing::random_sparse<double>(rows, cols, 0.3, 7);
  DenseMatrix<double> mask = DenseMatrix<double>::Zero(rows, cols);
  DenseMatrix<double> weight = DenseMatrix<double>::Ones(rows, cols);
  for (Index i = 0; i < rows; ++i) {
    mask(i, (5 * i) % cols) = 1;
    weight(i, (7 * i + 1) % cols) = 0.25;
    weight(i, (3 * i + 2) % cols) = 0;
  }
  SpeckledHoldout holdout;
  holdout.fraction = 0.2;
  holdout.seed = 9;
  const std::vector<EntryWeights<double>> kinds = {
      EntryWeights<double>::missing(mask), EntryWeights<double>::weights(weight),
      EntryWeights<double>::zeros_missing(), EntryWeights<double>().with_holdout(holdout)};
  for (const auto& weights : kinds) {
    for (const std::string solver : {"hals", "anls", "anls-bpp"}) {
      expect_weighted_same_as_alone(dense, weights, solver, 2.0, k);
      expect_weighted_same_as_alone(sparse, weights, solver, 2.0, k);
    }
    expect_weighted_same_as_alone(sparse, weights, "scd", 1.0, k);
    for (const double beta : {2.0, 1.0, 0.5}) {
      expect_weighted_same_as_alone(dense, weights, "mu", beta, k);
    }
    expect_weighted_same_as_alone(sparse, weights, "mu", 1.0, k);
  }
  // A grid lays out the products; each process still solves its share of whole rows.
  const int P = world().size();
  for (int grid_rows = 1; grid_rows <= P; ++grid_rows) {
    if (P % grid_rows != 0) continue;
    const dist::Grid grid{grid_rows, P / grid_rows};
    expect_weighted_same_as_alone(dense, kinds[1], "hals", 2.0, k, grid);
    expect_weighted_same_as_alone(sparse, kinds[0], "anls-bpp", 2.0, k, grid);
  }
}

TEST(DistributedWeights, EqualTheWeightedFitOfOneProcess) {
  check_weighted(83, 37, 4);
}

TEST(DistributedWeights, ProcessesWithoutRowsTakePart) {
  check_weighted(3, 5, 2);
}

// Fits from the rows each process holds (as read from a file): the same as a fit of X
// whole in one process. Sparse 1-D is bitwise (every row's products and solves are the
// serial ones, and the sums over X run through the slices in X's order); the rest within
// the tolerances of expect_same_as_alone.
template <class T, class Matrix>
void expect_slices_fit_as_alone(const Matrix& X, const std::string& solver, double beta, Index k,
                                Init init, dist::Grid grid = dist::Grid::one_d()) {
  constexpr bool sparse = std::is_same_v<Matrix, SparseMatrix<T>>;
  constexpr bool single = std::is_same_v<T, float>;
  SCOPED_TRACE(solver + (single ? ", float" : ", double") + (sparse ? ", sparse" : ", dense") +
               ", init " + to_string(init) + ", grid " + dist::to_string(grid));
  NmfOptions options;
  options.n_components = k;
  options.solver = solver;
  options.beta_loss = beta;
  options.init = init;
  options.random_state = 5;
  options.max_iter = single ? 1 : 30;
  const auto alone = fit(X, options);
  options.comm = &world();
  std::vector<Index> prefix;
  if constexpr (sparse) prefix.assign(X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1);
  const auto spread = fit(dist::slice_of(X, world().rank(),
                                         dist::plan_slices(X.rows(), X.cols(), grid,
                                                           world().size(), prefix)),
                          options);
  EXPECT_EQ(spread.init, alone.init);
  if (solver != "mu" && (world().size() == 1 || (sparse && grid.is_one_d() && !single))) {
    EXPECT_TRUE(spread.W == alone.W);
    EXPECT_TRUE(spread.H == alone.H);
    // scd's objective sums the processes' parts (docs/distributed.md).
    if (solver != "scd" || world().size() == 1) {
      EXPECT_EQ(spread.objective_history, alone.objective_history);
    }
    EXPECT_EQ(spread.n_iter, alone.n_iter);
    return;
  }
  const double tolerance = single ? 1e-5 : 1e-10;
  EXPECT_LT(relative<T>(spread.W, alone.W), tolerance);
  EXPECT_LT(relative<T>(spread.H, alone.H), tolerance);
  EXPECT_EQ(spread.n_iter, alone.n_iter);
  EXPECT_NEAR(spread.reconstruction_error, alone.reconstruction_error,
              tolerance * (alone.reconstruction_error + 1));
}

TEST(DistributedSlices, FitFromEachProcessRowsEqualsTheFitOfOneProcess) {
  const DenseMatrix<double> dense =
      testing::planted(61, 43, 4, 5) + 0.01 * testing::random_nonnegative(61, 43, 6);
  const SparseMatrix<double> sparse = testing::random_sparse<double>(61, 43, 0.25, 7);
  for (const Init init : {Init::Random, Init::Nndsvda}) {
    expect_slices_fit_as_alone<double>(dense, "hals", 2.0, 4, init);
    expect_slices_fit_as_alone<double>(sparse, "hals", 2.0, 4, init);
    expect_slices_fit_as_alone<double>(sparse, "anls-bpp", 2.0, 4, init);
    expect_slices_fit_as_alone<double>(sparse, "scd", 1.0, 4, init);
    expect_slices_fit_as_alone<double>(dense, "mu", 1.0, 4, init);
    expect_slices_fit_as_alone<double>(sparse, "mu", 2.0, 4, init);
    expect_slices_fit_as_alone<float>(SparseMatrix<float>(sparse.cast<float>()), "hals", 2.0, 4,
                                      init);
    expect_slices_fit_as_alone<float>(DenseMatrix<float>(dense.cast<float>()), "hals", 2.0, 4,
                                      init);
  }
  const int P = world().size();
  for (int rows = 1; rows <= P; ++rows) {
    if (P % rows != 0) continue;
    const dist::Grid grid{rows, P / rows};
    expect_slices_fit_as_alone<double>(dense, "hals", 2.0, 4, Init::Nndsvda, grid);
    expect_slices_fit_as_alone<double>(sparse, "anls-bpp", 2.0, 4, Init::Random, grid);
    expect_slices_fit_as_alone<double>(sparse, "mu", 1.0, 4, Init::Random, grid);
  }
  // More processes than rows: some read nothing.
  expect_slices_fit_as_alone<double>(DenseMatrix<double>(dense.topLeftCorner(2, 3)), "hals", 2.0,
                                     2, Init::Random);
}

// Bad values in one process's rows: every process refuses with the single-process message.
TEST(DistributedSlices, InputChecksSeeEveryProcessRows) {
  DenseMatrix<double> X = testing::random_nonnegative(9, 4, 3);
  X(8, 1) = -1;
  X(7, 2) = -2;
  NmfOptions options;
  options.n_components = 2;
  std::string alone;
  try {
    fit(X, options);
  } catch (const InvalidArgument& e) {
    alone = e.what();
  }
  ASSERT_NE(alone.find("row 7, column 2"), std::string::npos) << alone;
  options.comm = &world();
  try {
    fit(dist::slice_of(X, world().rank(), dist::plan_slices(9, 4, {}, world().size())), options);
    ADD_FAILURE() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(std::string(e.what()), alone);
  }
}

// A shared temporary file name, chosen by the first process.
std::string shared_name(const std::string& stem) {
  const std::string mine = (std::filesystem::temp_directory_path() /
                            ("nmfkit-mpi-" + std::to_string(getpid()) + "-" + stem))
                               .string();
  dist::Comm::Bytes bytes(mine.size());
  std::memcpy(bytes.data(), mine.data(), mine.size());
  world().broadcast(bytes, 0);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A .npy of X in Fortran order (column after column), which NumPy writes for X.T's copies.
void write_fortran_npy(const std::string& path, const DenseMatrix<double>& X) {
  std::string header = "{'descr': '<f8', 'fortran_order': True, 'shape': (" +
                       std::to_string(X.rows()) + ", " + std::to_string(X.cols()) + "), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto length = static_cast<std::uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&length), 2);
  out << header;
  for (Index c = 0; c < X.cols(); ++c) {
    for (Index r = 0; r < X.rows(); ++r) out.write(reinterpret_cast<const char*>(&X(r, c)), 8);
  }
}

// Each process reads its rows of a .npy: they are the file's rows, C or Fortran order.
TEST(DistributedSlices, NpySlicesAreTheRowsOfTheWholeFile) {
  const DenseMatrix<double> X = testing::random_nonnegative(23, 7, 8);
  const std::string c_order = shared_name("c.npy"), fortran = shared_name("f.npy");
  if (world().rank() == 0) {
    io::write_matrix(c_order, X);
    write_fortran_npy(fortran, X);
  }
  world().all(true);  // written before anyone reads
  for (const std::string& path : {c_order, fortran}) {
    for (const dist::Grid grid : {dist::Grid::one_d(), dist::Grid{1, world().size()}}) {
      const auto slice = dist::read_row_slice(path, std::nullopt, grid, world());
      ASSERT_TRUE(slice.has_value());
      const auto& mine = std::get<dist::RowSlice<DenseMatrix<double>>>(*slice);
      const Index first = mine.first(world().rank());
      EXPECT_EQ(mine.total_rows(), X.rows());
      EXPECT_TRUE(mine.rows == X.middleRows(first, mine.rows.rows())) << path;
      const auto single = dist::read_row_slice(path, DType::Float32, grid, world());
      EXPECT_TRUE(std::get<dist::RowSlice<DenseMatrix<float>>>(*single).rows ==
                  X.middleRows(first, mine.rows.rows()).cast<float>());
    }
  }
  world().all(true);  // read before the files go
  if (world().rank() == 0) {
    std::filesystem::remove(c_order);
    std::filesystem::remove(fortran);
  }
}

// The text formats: one process reads them whole as before (no slice); several get their
// rows from process 0, which fails for every process alike on a missing file.
TEST(DistributedSlices, TextFilesAreReadWholeByOneProcessAndSentByProcessZero) {
  const std::string missing = shared_name("missing.mtx");
  if (world().size() == 1) {
    EXPECT_FALSE(dist::read_row_slice(missing, std::nullopt, {}, world()));
    return;
  }
  EXPECT_THROW(dist::read_row_slice(missing, std::nullopt, {}, world()), IoError);
  EXPECT_TRUE(dist::parsed_by_first_process("X.mtx.gz"));
  EXPECT_TRUE(dist::parsed_by_first_process("X.csv"));
  EXPECT_TRUE(dist::parsed_by_first_process("X.tsv"));
  EXPECT_FALSE(dist::parsed_by_first_process("X.npy"));
  EXPECT_FALSE(dist::parsed_by_first_process("X.h5ad"));
}

// Text files written by process 0 for the scatter tests: a dense X as .csv, .tsv and an
// array .mtx, a sparse one (with empty rows) as a coordinate .mtx; removed at the end.
struct TextFiles {
  std::string csv = shared_name("dense.csv"), tsv = shared_name("dense.tsv"),
              dense_mtx = shared_name("dense.mtx"), sparse_mtx = shared_name("sparse.mtx");
  TextFiles() {
    const DenseMatrix<double> dense = testing::planted(37, 11, 3, 5) +
                                      0.01 * testing::random_nonnegative(37, 11, 6);
    SparseMatrix<double> sparse = testing::random_sparse<double>(43, 17, 0.25, 9);
    sparse.prune([](Index row, Index, double) { return row % 7 != 3; });  // empty rows
    if (world().rank() == 0) {
      io::write_matrix(csv, dense);
      io::write_matrix(tsv, dense);
      io::write_matrix(dense_mtx, dense);
      io::write_matrix(sparse_mtx, sparse);
    }
    world().all(true);  // written before anyone reads
  }
  ~TextFiles() {
    world().all(true);  // read before the files go
    if (world().rank() == 0) {
      for (const std::string& path : {csv, tsv, dense_mtx, sparse_mtx}) {
        std::filesystem::remove(path);
      }
    }
  }
};

// Cut as slice_of cuts X when every process reads the file whole: the same plan (balanced
// by the CSR row offsets for sparse X) and the same stored rows.
template <class Matrix>
dist::RowSlice<Matrix> slice_of_whole(Matrix X, dist::Grid grid) {
  std::vector<Index> prefix;
  if constexpr (std::is_same_v<Matrix, SparseMatrix<typename Matrix::Scalar>>) {
    X.makeCompressed();
    prefix.assign(X.outerIndexPtr(), X.outerIndexPtr() + X.rows() + 1);
  }
  return dist::slice_of(X, world().rank(),
                        dist::plan_slices(X.rows(), X.cols(), grid, world().size(), prefix));
}

template <class T>
bool same_rows(const DenseMatrix<T>& a, const DenseMatrix<T>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
}

template <class T>
bool same_rows(const SparseMatrix<T>& a, const SparseMatrix<T>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.nonZeros() != b.nonZeros() ||
      !a.isCompressed()) {
    return false;
  }
  const Index n = a.nonZeros();
  return std::equal(a.outerIndexPtr(), a.outerIndexPtr() + a.rows() + 1, b.outerIndexPtr()) &&
         std::equal(a.innerIndexPtr(), a.innerIndexPtr() + n, b.innerIndexPtr()) &&
         std::equal(a.valuePtr(), a.valuePtr() + n, b.valuePtr());
}

// Each process's slice from process 0 is the slice of the file read whole, for every grid
// and dtype.
TEST(DistributedScatter, EachProcessGetsTheRowsOfTheWholeFile) {
  const TextFiles files;
  const int P = world().size();
  std::vector<dist::Grid> grids = {dist::Grid::one_d(), dist::Grid::automatic(),
                                   dist::Grid{P, 1}, dist::Grid{1, P}};
  if (P == 4) grids.push_back({2, 2});
  for (const std::string& path : {files.csv, files.tsv, files.dense_mtx, files.sparse_mtx}) {
    for (const std::optional<DType> dtype :
         {std::optional<DType>(), std::optional(DType::Float32), std::optional(DType::Float64)}) {
      for (const dist::Grid grid : grids) {
        SCOPED_TRACE(path + ", grid " + dist::to_string(grid) + ", dtype " +
                     (dtype ? to_string(*dtype) : "auto"));
        const dist::AnyRowSlice scattered = dist::scatter_row_slice(path, dtype, grid, world());
        AnyMatrix whole = io::read_matrix(path, dtype);
        ASSERT_EQ(scattered.index(), whole.storage().index());
        whole.visit([&](const auto& X) {
          using Matrix = std::decay_t<decltype(X)>;
          const auto expected = slice_of_whole(X, grid);
          const auto& mine = std::get<dist::RowSlice<Matrix>>(scattered);
          EXPECT_EQ(mine.plan.grid, expected.plan.grid);
          EXPECT_EQ(mine.plan.block_rows, expected.plan.block_rows);
          EXPECT_EQ(mine.plan.slices, expected.plan.slices);
          EXPECT_EQ(mine.cols, X.cols());
          EXPECT_TRUE(same_rows(mine.rows, expected.rows));
        });
        // read_row_slice takes this way for the text formats under several processes.
        const auto read = dist::read_row_slice(path, dtype, grid, world());
        ASSERT_EQ(read.has_value(), P > 1);
        if (read) {
          std::visit(
              [&](const auto& mine) {
                using Slice = std::decay_t<decltype(mine)>;
                ASSERT_TRUE(std::holds_alternative<Slice>(scattered));
                EXPECT_TRUE(same_rows(mine.rows, std::get<Slice>(scattered).rows));
                EXPECT_EQ(mine.plan.slices, std::get<Slice>(scattered).plan.slices);
              },
              *read);
        }
      }
    }
  }
}

// The fit from the rows process 0 sent is bitwise the fit from the slices of the file read
// whole by every process (the same slices, so the same blocks). From a random start (whose
// scale, the mean, is bitwise the single-process one either way) it also equals the fit of
// X whole spread over the processes, the way these files were fitted before: bitwise for
// sparse 1-D in double, else within docs/distributed.md's tolerances.
template <class Matrix>
void expect_scattered_fit_as_whole(const std::string& path, std::optional<DType> dtype,
                                   dist::Grid grid, Init init) {
  using T = typename Matrix::Scalar;
  constexpr bool sparse = std::is_same_v<Matrix, SparseMatrix<T>>;
  constexpr bool single = std::is_same_v<T, float>;
  SCOPED_TRACE(path + ", grid " + dist::to_string(grid) + (single ? ", float" : ", double") +
               ", init " + to_string(init));
  NmfOptions options;
  options.n_components = 3;
  options.solver = "hals";
  options.init = init;
  options.random_state = 4;
  options.max_iter = single ? 1 : 30;
  options.comm = &world();
  options.grid = grid;
  const AnyMatrix whole = io::read_matrix(path, dtype);
  const Matrix& X = std::get<Matrix>(whole.storage());
  const auto from_slices = fit(slice_of_whole(X, grid), options);
  auto scattered = dist::scatter_row_slice(path, dtype, grid, world());
  const auto spread = fit(std::get<dist::RowSlice<Matrix>>(std::move(scattered)), options);
  EXPECT_TRUE(spread.W == from_slices.W);
  EXPECT_TRUE(spread.H == from_slices.H);
  EXPECT_EQ(spread.objective_history, from_slices.objective_history);
  EXPECT_EQ(spread.n_iter, from_slices.n_iter);
  EXPECT_EQ(spread.reconstruction_error, from_slices.reconstruction_error);
  if (init != Init::Random) return;
  const auto whole_fit = fit(X, options);
  if (sparse && !single && grid.is_one_d()) {
    EXPECT_TRUE(spread.W == whole_fit.W);
    EXPECT_TRUE(spread.H == whole_fit.H);
  } else {
    const double tolerance = single ? 1e-5 : 1e-10;
    EXPECT_LT(relative<T>(spread.W, whole_fit.W), tolerance);
    EXPECT_LT(relative<T>(spread.H, whole_fit.H), tolerance);
  }
  EXPECT_EQ(spread.n_iter, whole_fit.n_iter);
}

TEST(DistributedScatter, FitsFromTheRowsSentEqualFitsOfTheWholeFile) {
  const TextFiles files;
  const int P = world().size();
  for (const Init init : {Init::Random, Init::Nndsvda}) {
    for (const dist::Grid grid : {dist::Grid::one_d(), dist::Grid{1, P}}) {
      expect_scattered_fit_as_whole<DenseMatrix<double>>(files.csv, std::nullopt, grid, init);
      expect_scattered_fit_as_whole<DenseMatrix<float>>(files.csv, DType::Float32, grid, init);
      expect_scattered_fit_as_whole<SparseMatrix<double>>(files.sparse_mtx, std::nullopt, grid,
                                                          init);
      expect_scattered_fit_as_whole<SparseMatrix<float>>(files.sparse_mtx, DType::Float32, grid,
                                                         init);
    }
  }
}

// What fails on process 0 (a malformed or missing file, a grid of the wrong size) is thrown
// on every process: the type and the message of one process reading the file.
template <class Error>
void expect_thrown_everywhere(const std::string& path, dist::Grid grid, const std::string& alone) {
  SCOPED_TRACE(path);
  try {
    dist::scatter_row_slice(path, std::nullopt, grid, world());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), alone);
  }
}

TEST(DistributedScatter, FailuresOnProcessZeroAreThrownOnEveryProcess) {
  const TextFiles files;
  const std::string bad = shared_name("bad.mtx"), missing = shared_name("absent.csv");
  if (world().rank() == 0) {
    std::ofstream(bad) << "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 0.5\n9 9 1\n";
  }
  world().all(true);  // written before anyone reads
  const auto message_alone = [](const std::string& path) {
    try {
      io::read_matrix(path);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string malformed = message_alone(bad), absent = message_alone(missing);
  EXPECT_NE(malformed.find("bad.mtx"), std::string::npos) << malformed;
  expect_thrown_everywhere<FormatError>(bad, dist::Grid::one_d(), malformed);
  expect_thrown_everywhere<IoError>(missing, dist::Grid::one_d(), absent);
  const int P = world().size();
  expect_thrown_everywhere<InvalidArgument>(
      files.sparse_mtx, dist::Grid{P + 1, 1},
      "--grid " + std::to_string(P + 1) + "x1 needs " + std::to_string(P + 1) +
          " processes, but " + std::to_string(P) + (P == 1 ? " was" : " were") + " started");
  world().all(true);
  if (world().rank() == 0) std::filesystem::remove(bad);
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
