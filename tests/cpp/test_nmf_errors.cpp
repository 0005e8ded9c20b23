// Every bad input to fit() and transform() is rejected with a message that names it.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using testing::expect_invalid;

NmfOptions with_k(Index k) {
  NmfOptions o;
  o.n_components = k;
  o.random_state = 0;
  return o;
}

TEST(NmfErrors, BadData) {
  DenseMatrix<double> X = testing::random_nonnegative(6, 5, 1);
  DenseMatrix<double> negative = X;
  negative(2, 3) = -1;
  expect_invalid([&] { fit(negative, with_k(2)); }, "Negative values in data passed to NMF");
  expect_invalid([&] { fit(negative, with_k(2)); }, "row 2, column 3");
  DenseMatrix<double> nan = X;
  nan(1, 1) = std::numeric_limits<double>::quiet_NaN();
  expect_invalid([&] { fit(nan, with_k(2)); }, "NaN");
  DenseMatrix<double> inf = X;
  inf(0, 4) = std::numeric_limits<double>::infinity();
  expect_invalid([&] { fit(inf, with_k(2)); }, "infinity");
  expect_invalid([&] { fit(DenseMatrix<double>(0, 5), with_k(2)); }, "empty");
  SparseMatrix<double> empty_sparse(4, 0);
  expect_invalid([&] { fit(empty_sparse, with_k(1)); }, "empty");
}

TEST(NmfErrors, ZerosWithNonPositiveBeta) {
  DenseMatrix<double> X = testing::random_nonnegative(6, 5, 1, 0.1);
  X(0, 0) = 0;
  NmfOptions o = with_k(2);
  o.solver = "mu";
  o.beta_loss = 0;
  expect_invalid([&] { fit(X, o); }, "When beta_loss <= 0 and X contains zeros");
  o.beta_loss = -0.5;
  expect_invalid([&] { fit(X, o); }, "When beta_loss <= 0 and X contains zeros");
  // A sparse matrix's implicit zeros count as zeros.
  const SparseMatrix<double> sparse = testing::random_sparse(8, 8, 0.5, 2);
  expect_invalid([&] { fit(sparse, o); }, "contains zeros");
}

TEST(NmfErrors, BadOptions) {
  const DenseMatrix<double> X = testing::random_nonnegative(6, 5, 1);
  NmfOptions o = with_k(2);
  o.beta_loss = 1;  // cd handles only Frobenius
  expect_invalid([&] { fit(X, o); }, "solver 'cd' handles only beta_loss = frobenius");
  expect_invalid([&] { fit(X, with_k(0)); }, "n_components must be >= 1, got 0");
  o = with_k(2);
  o.tol = -1;
  expect_invalid([&] { fit(X, o); }, "tol must be >= 0");
  o = with_k(2);
  o.max_iter = 0;
  expect_invalid([&] { fit(X, o); }, "max_iter must be >= 1");
  o = with_k(2);
  o.l1_ratio = 1.5;
  expect_invalid([&] { fit(X, o); }, "l1_ratio must be in [0, 1]");
  o = with_k(2);
  o.alpha_W = -0.1;
  expect_invalid([&] { fit(X, o); }, "alpha_W must be >= 0");
  o = with_k(2);
  o.alpha_H = -1;
  expect_invalid([&] { fit(X, o); }, "alpha_H must be >= 0");
  o = with_k(2);
  o.solver = "magic";
  expect_invalid([&] { fit(X, o); },
                 "solver must be one of cd, mu, hals, anls, anls-bpp, scd, minibatch, pgd, adam, auto; got 'magic'");
  expect_invalid([] { parse_init("svd"); }, "init must be one of");
  expect_invalid([] { parse_beta_loss("euclid"); }, "beta_loss must be");
  EXPECT_EQ(parse_beta_loss("kullback-leibler"), 1.0);
  EXPECT_EQ(parse_beta_loss("0.5"), 0.5);
}

TEST(NmfErrors, TooManyComponentsForSvdInits) {
  const DenseMatrix<double> X = testing::random_nonnegative(6, 5, 1);
  for (Init init : {Init::Nndsvd, Init::Nndsvda, Init::Nndsvdar}) {
    NmfOptions o = with_k(6);
    o.init = init;
    expect_invalid([&] { fit(X, o); },
                   "can only be used when n_components <= min(n_samples, n_features)");
  }
}

TEST(NmfErrors, BadCustomFactors) {
  const DenseMatrix<double> X = testing::random_nonnegative(6, 5, 1);
  NmfOptions o = with_k(2);
  o.init = Init::Custom;
  expect_invalid([&] { fit(X, o); }, "init = 'custom' needs initial W and H");
  Factors<double> wrong_shape{testing::random_nonnegative(6, 2, 2),
                              testing::random_nonnegative(3, 5, 3)};
  expect_invalid([&] { fit(X, o, &wrong_shape); },
                 "custom H has the wrong shape: expected (2, 5), got (3, 5)");
  Factors<double> negative{testing::random_nonnegative(6, 2, 2),
                           testing::random_nonnegative(2, 5, 3)};
  negative.W(0, 0) = -1;
  expect_invalid([&] { fit(X, o, &negative); }, "Negative values in custom W");
  Factors<double> zeros{DenseMatrix<double>::Zero(6, 2), testing::random_nonnegative(2, 5, 3)};
  expect_invalid([&] { fit(X, o, &zeros); }, "custom W is full of zeros");
  NmfOptions random = with_k(2);
  random.init = Init::Random;
  Factors<double> fine{testing::random_nonnegative(6, 2, 2), testing::random_nonnegative(2, 5, 3)};
  expect_invalid([&] { fit(X, random, &fine); }, "used only with init = 'custom'");
}

TEST(NmfErrors, TransformNeedsMatchingFeatures) {
  const DenseMatrix<double> X = testing::random_nonnegative(6, 5, 1);
  const DenseMatrix<double> H = testing::random_nonnegative(2, 4, 2);
  expect_invalid([&] { transform(X, H, with_k(2)); },
                 "X has 5 features, but the components have 4");
  expect_invalid([&] { inverse_transform(DenseMatrix<double>(3, 3), H); },
                 "W has 3 columns but H has 2 rows");
}

}  // namespace
}  // namespace nmfkit
