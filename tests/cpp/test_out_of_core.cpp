// Out-of-core MiniBatchNMF: the fit that streams X's rows from a file (or any
// RowBatchSource) must be bitwise the in-memory fit: factors, steps, costs and error.

#include <gtest/gtest.h>

#include <random>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/npy_rows.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/linalg/streamed_arithmetic.hpp"
#include "nmfkit/nmf/minibatch.hpp"

namespace nmfkit {
namespace {

template <class T>
DenseMatrix<T> random_dense(Index rows, Index cols, unsigned seed, double zero_fraction = 0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(0, 1);
  DenseMatrix<T> X(rows, cols);
  for (Index p = 0; p < X.size(); ++p) {
    X.data()[p] = value(rng) < zero_fraction ? T(0) : static_cast<T>(value(rng));
  }
  return X;
}

NmfOptions options_for(Index batch_size, int seed) {
  NmfOptions o;
  o.n_components = 4;
  o.init = Init::Random;
  o.random_state = seed;
  o.max_iter = 40;
  o.minibatch.batch_size = batch_size;
  return o;
}

template <class T>
void expect_same_fit(const MiniBatchResult<T>& a, const MiniBatchResult<T>& b) {
  EXPECT_EQ(a.n_steps, b.n_steps);
  EXPECT_EQ(a.n_iter, b.n_iter);
  EXPECT_EQ(a.reconstruction_error, b.reconstruction_error);
  EXPECT_EQ(a.batch_costs, b.batch_costs);
  EXPECT_TRUE(a.W == b.W);
  EXPECT_TRUE(a.H == b.H);
}

template <class T>
void check_npy_file(Index batch_size, int seed) {
  testing::TempDir dir;
  const DenseMatrix<T> X = random_dense<T>(53, 11, static_cast<unsigned>(seed));
  io::write_npy(dir.file("X.npy"), X);
  const NmfOptions o = options_for(batch_size, seed);
  MiniBatchNmf<T> loaded(o, o.minibatch);
  const MiniBatchResult<T> expected = loaded.fit_transform(X);
  io::NpyRows<T> rows(dir.file("X.npy"));
  MiniBatchNmf<T> streamed(o, o.minibatch);
  expect_same_fit(streamed.fit_streamed(rows), expected);
  EXPECT_GT(expected.n_steps, 1);
}

TEST(OutOfCore, NpyFitEqualsInMemoryFitBitwise) {
  for (const Index batch : {Index{10}, Index{16}, Index{53}}) {
    SCOPED_TRACE(batch);
    check_npy_file<double>(batch, 3);
    check_npy_file<float>(batch, 4);
  }
}

TEST(OutOfCore, SparseRowsFitEqualsInMemoryFitBitwise) {
  const DenseMatrix<double> dense = random_dense<double>(61, 17, 5, 0.7);
  const SparseMatrix<double> X = dense.sparseView();
  for (const Index batch : {Index{8}, Index{25}, Index{61}}) {
    SCOPED_TRACE(batch);
    const NmfOptions o = options_for(batch, 6);
    MiniBatchNmf<double> loaded(o, o.minibatch);
    const MiniBatchResult<double> expected = loaded.fit_transform(X);
    linalg::InMemoryRows<SparseMatrix<double>> rows(X);
    MiniBatchNmf<double> streamed(o, o.minibatch);
    expect_same_fit(streamed.fit_streamed(rows), expected);
  }
}

TEST(OutOfCore, StreamedMeanAndErrorEqualTheLoadedOnes) {
  // More than numpy_sum's 8192-element block, and more than one residual block.
  const DenseMatrix<float> X = random_dense<float>(1300, 211, 7);
  const DenseMatrix<float> W = random_dense<float>(1300, 3, 8);
  const DenseMatrix<float> H = random_dense<float>(3, 211, 9);
  linalg::InMemoryRows<DenseMatrix<float>> rows(X);
  for (const Index batch : {Index{1}, Index{7}, Index{1300}}) {
    EXPECT_EQ(linalg::streamed_mean(rows, batch), linalg::mean(X));
  }
  EXPECT_EQ(linalg::streamed_half_squared_error(rows, W, H, 7),
            linalg::beta_divergence(X, W, H, 2.0));
}

TEST(OutOfCore, RefusesWhatNeedsAllOfX) {
  const DenseMatrix<double> X = random_dense<double>(20, 6, 10);
  linalg::InMemoryRows<DenseMatrix<double>> rows(X);
  const auto fails = [&](NmfOptions o, const std::string& mention) {
    MiniBatchNmf<double> model(o, o.minibatch);
    try {
      model.fit_streamed(rows);
      ADD_FAILURE() << "expected a refusal mentioning " << mention;
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
    }
  };
  NmfOptions o = options_for(5, 1);
  o.init = Init::Auto;  // nndsvda here (k ≤ min(m, n))
  fails(o, "init = 'random'");
  o = options_for(5, 1);
  o.beta_loss = 1;
  fails(o, "beta_loss = 2");
  o = options_for(5, 1);
  o.minibatch.fresh_restarts = true;
  fails(o, "fresh_restarts");
  DenseMatrix<double> negative = X;
  negative(13, 2) = -1;
  linalg::InMemoryRows<DenseMatrix<double>> negative_rows(negative);
  MiniBatchNmf<double> model(options_for(5, 1), options_for(5, 1).minibatch);
  EXPECT_THROW(model.fit_streamed(negative_rows), InvalidArgument);
}

TEST(OutOfCore, NpyRowsReadFortranOrderAndRefuseOtherDtypes) {
  testing::TempDir dir;
  // A 3 × 2 float64 array in Fortran order: columns (1, 2, 3) and (4, 5, 6).
  std::string header = "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header;
  for (const double v : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}) {
    bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  testing::write_file(dir.file("f.npy"), bytes);
  io::NpyRows<double> rows(dir.file("f.npy"));
  const DenseMatrix<double> block = rows.read_rows(1, 2);
  ASSERT_EQ(block.rows(), 2);
  EXPECT_EQ(block(0, 0), 2.0);
  EXPECT_EQ(block(0, 1), 5.0);
  EXPECT_EQ(block(1, 0), 3.0);
  EXPECT_EQ(block(1, 1), 6.0);
  EXPECT_TRUE(rows.read_rows(0, 3) ==
              std::get<DenseMatrix<double>>(io::read_npy(dir.file("f.npy")).storage()));

  std::string int_bytes = bytes;
  int_bytes.replace(int_bytes.find("<f8"), 3, "<i8");
  testing::write_file(dir.file("i.npy"), int_bytes);
  EXPECT_THROW(io::npy_row_dtype(dir.file("i.npy")), InvalidArgument);
}

}  // namespace
}  // namespace nmfkit
