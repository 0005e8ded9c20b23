// Masks and weights: the missing entries are recovered to the noise level, what lies under
// the mask changes nothing, weights mean what they say (all ones = unweighted, weight 2 =
// a duplicated row), the weighted solutions satisfy their KKT conditions, and bad masks
// are rejected.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

const std::vector<std::string> kWeightedSolvers = {"hals", "anls", "anls-bpp", "mu"};

using testing::expect_invalid;

// Planted rank-r data (entries around 1) and the same plus Gaussian noise of size sigma.
struct Planted {
  DenseMatrix<double> clean;
  DenseMatrix<double> noisy;
};
Planted planted(Index rows, Index cols, Index r, double sigma, std::uint32_t seed) {
  const DenseMatrix<double> W = testing::random_nonnegative(rows, r, seed, 0.2);
  const DenseMatrix<double> H = testing::random_nonnegative(r, cols, seed + 1, 0.2);
  Planted p;
  p.clean = W * H / static_cast<double>(r);
  RandomState rng(seed + 2);
  p.noisy = p.clean;
  for (Index i = 0; i < p.noisy.size(); ++i) {
    p.noisy.data()[i] = std::max(0.0, p.noisy.data()[i] + sigma * rng.standard_normal());
  }
  return p;
}

NmfOptions options_for(const std::string& solver, Index k) {
  NmfOptions o;
  o.n_components = k;
  o.solver = solver;
  o.random_state = 3;
  o.tol = 1e-7;
  o.max_iter = solver == "mu" ? 3000 : 1000;
  return o;
}

// A mask with `fraction` of the entries missing (1 = missing).
DenseMatrix<double> random_mask(Index rows, Index cols, double fraction, std::uint64_t seed) {
  const SpeckledHoldout pick{fraction, seed};
  DenseMatrix<double> mask(rows, cols);
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) mask(i, j) = pick.held_out(i, j) ? 1.0 : 0.0;
  }
  return mask;
}

double masked_mse(const DenseMatrix<double>& X, const DenseMatrix<double>& mask,
                  const DenseMatrix<double>& WH) {
  double sum = 0;
  Index count = 0;
  for (Index i = 0; i < X.size(); ++i) {
    if (mask.data()[i] == 0) continue;
    const double d = X.data()[i] - WH.data()[i];
    sum += d * d;
    ++count;
  }
  return sum / static_cast<double>(count);
}

TEST(Mask, MissingEntriesAreRecoveredToTheNoiseLevel) {
  const double sigma = 0.05;
  const Planted data = planted(80, 60, 4, sigma, 11);
  const DenseMatrix<double> mask = random_mask(80, 60, 0.2, 5);
  const auto weights = EntryWeights<double>::missing(mask);
  for (const auto& solver : kWeightedSolvers) {
    const auto r = fit(data.noisy, weights, options_for(solver, 4));
    const DenseMatrix<double> WH = r.W * r.H;
    // against the noisy truth the error is the noise variance; against the clean data, less
    EXPECT_LT(masked_mse(data.noisy, mask, WH), 1.5 * sigma * sigma) << solver;
    EXPECT_GT(masked_mse(data.noisy, mask, WH), 0.7 * sigma * sigma) << solver;
    EXPECT_LT(masked_mse(data.clean, mask, WH), 0.5 * sigma * sigma) << solver;
  }
  // the unmasked fit, which takes the zeroed entries at face value, is far off
  DenseMatrix<double> zeroed = data.noisy;
  for (Index i = 0; i < zeroed.size(); ++i) {
    if (mask.data()[i] != 0) zeroed.data()[i] = 0;
  }
  const auto plain = fit(zeroed, options_for("hals", 4));
  EXPECT_GT(masked_mse(data.noisy, mask, plain.W * plain.H), 10 * sigma * sigma);
}

TEST(Mask, ValuesUnderTheMaskChangeNothing) {
  const Planted data = planted(40, 30, 3, 0.05, 21);
  const DenseMatrix<double> mask = random_mask(40, 30, 0.2, 8);
  const auto weights = EntryWeights<double>::missing(mask);
  DenseMatrix<double> other = data.noisy;
  RandomState rng(4);
  for (Index i = 0; i < other.size(); ++i) {
    if (mask.data()[i] != 0) other.data()[i] = 1000 * rng.random_sample();
  }
  DenseMatrix<double> with_nan = data.noisy;
  for (Index i = 0; i < with_nan.size(); ++i) {
    if (mask.data()[i] != 0) with_nan.data()[i] = std::numeric_limits<double>::quiet_NaN();
  }
  for (const auto& solver : kWeightedSolvers) {
    NmfOptions o = options_for(solver, 3);
    o.max_iter = 200;
    const auto a = fit(data.noisy, weights, o);
    const auto b = fit(other, weights, o);
    const auto c = fit(with_nan, weights, o);
    EXPECT_TRUE(a.W == b.W && a.H == b.H) << solver;
    EXPECT_TRUE(a.W == c.W && a.H == c.H) << solver;
    EXPECT_EQ(a.reconstruction_error, b.reconstruction_error) << solver;
    EXPECT_EQ(a.n_iter, b.n_iter) << solver;
  }
  // sparse input, held-out stored entries: the same
  const SparseMatrix<double> sparse = data.noisy.sparseView();
  SparseMatrix<double> changed = sparse;
  const SpeckledHoldout holdout{0.2, 9};
  for (Index i = 0; i < changed.rows(); ++i) {
    for (SparseMatrix<double>::InnerIterator it(changed, i); it; ++it) {
      if (holdout.held_out(i, it.col())) it.valueRef() = 77.0 + static_cast<double>(it.col());
    }
  }
  const auto held = EntryWeights<double>().with_holdout(holdout);
  for (const auto& solver : {std::string("hals"), std::string("anls-bpp")}) {
    NmfOptions o = options_for(solver, 3);
    o.max_iter = 100;
    const auto a = fit(sparse, held, o);
    const auto b = fit(changed, held, o);
    EXPECT_TRUE(a.W == b.W && a.H == b.H) << solver;
  }
}

TEST(Mask, AllOnesWeightsEqualTheUnweightedFit) {
  const Planted data = planted(30, 20, 3, 0.05, 31);
  const auto ones = EntryWeights<double>::weights(DenseMatrix<double>::Ones(30, 20));
  EXPECT_TRUE(ones.trivial());
  for (const std::string solver : {"cd", "mu", "hals", "anls", "anls-bpp"}) {
    const NmfOptions o = options_for(solver, 3);
    const auto weighted = fit(data.noisy, ones, o);
    const auto plain = fit(data.noisy, o);
    EXPECT_TRUE(weighted.W == plain.W && weighted.H == plain.H) << solver;
    EXPECT_EQ(weighted.reconstruction_error, plain.reconstruction_error) << solver;
  }
}

// Weight 2 on a row is the same problem as that row twice.
TEST(Mask, WeightTwoEqualsADuplicatedRow) {
  const Planted data = planted(20, 15, 3, 0.05, 41);
  DenseMatrix<double> weights = DenseMatrix<double>::Ones(20, 15);
  weights.row(4).setConstant(2.0);
  DenseMatrix<double> duplicated(21, 15);
  duplicated.topRows(20) = data.noisy;
  duplicated.row(20) = data.noisy.row(4);
  Factors<double> start{testing::random_nonnegative(20, 3, 1, 0.1),
                        testing::random_nonnegative(3, 15, 2, 0.1)};
  Factors<double> start_duplicated{DenseMatrix<double>(21, 3), start.H};
  start_duplicated.W.topRows(20) = start.W;
  start_duplicated.W.row(20) = start.W.row(4);
  for (const auto& solver : kWeightedSolvers) {
    NmfOptions o = options_for(solver, 3);
    o.init = Init::Custom;
    o.tol = 0;
    o.max_iter = 60;
    // Plain iterations: the two problems agree to rounding, and an extrapolated run may
    // take another path after a close accept/reject decision.
    o.extrapolate = false;
    const auto a = fit(data.noisy, EntryWeights<double>::weights(weights), o, &start);
    const auto b = fit(duplicated, o, &start_duplicated);
    EXPECT_LT((a.H - b.H).norm(), 1e-8 * b.H.norm()) << solver;
    EXPECT_LT((a.W - b.W.topRows(20)).norm(), 1e-8 * b.W.norm()) << solver;
  }
}

// At a converged anls-bpp solution the last factor updated (H) satisfies the KKT
// conditions of the weighted problem: H ≥ 0, gradient ≥ 0, H ⊙ gradient = 0.
TEST(Mask, WeightedSolutionSatisfiesKkt) {
  const Planted data = planted(40, 30, 4, 0.05, 51);
  DenseMatrix<double> weights = DenseMatrix<double>::Ones(40, 30);
  RandomState rng(6);
  for (Index i = 0; i < weights.size(); ++i) {
    const double u = rng.random_sample();
    weights.data()[i] = u < 0.2 ? 0.0 : u < 0.4 ? 0.5 : u < 0.5 ? 3.0 : 1.0;
  }
  NmfOptions o = options_for("anls-bpp", 4);
  o.tol = 1e-12;
  o.max_iter = 300;
  const auto r = fit(data.noisy, EntryWeights<double>::weights(weights), o);
  const DenseMatrix<double> residual =
      weights.cwiseProduct(r.W * r.H - data.noisy);  // masked X values are multiplied by 0
  const DenseMatrix<double> gradient = r.W.transpose() * residual;
  const double scale = gradient.cwiseAbs().maxCoeff() + 1;
  EXPECT_GE(r.H.minCoeff(), 0.0);
  EXPECT_GT(gradient.minCoeff(), -1e-8 * scale);
  EXPECT_LT(r.H.cwiseProduct(gradient).cwiseAbs().maxCoeff(), 1e-8 * scale);
}

// transform with a mask: a sample's codes from its observed entries equal the codes from
// the matrix without the missing columns.
TEST(Mask, TransformUsesObservedEntriesOnly) {
  const Planted data = planted(10, 12, 3, 0.02, 61);
  const DenseMatrix<double> H = testing::random_nonnegative(3, 12, 7, 0.1);
  DenseMatrix<double> mask = DenseMatrix<double>::Zero(1, 12);
  mask(0, 2) = mask(0, 5) = mask(0, 6) = 1;
  const DenseMatrix<double> x = data.noisy.topRows(1);
  NmfOptions o = options_for("anls-bpp", 3);
  const auto masked = transform(x, EntryWeights<double>::missing(mask), H, o);
  std::vector<Index> kept;
  for (Index j = 0; j < 12; ++j) {
    if (mask(0, j) == 0) kept.push_back(j);
  }
  DenseMatrix<double> x_kept(1, static_cast<Index>(kept.size()));
  DenseMatrix<double> H_kept(3, static_cast<Index>(kept.size()));
  for (std::size_t c = 0; c < kept.size(); ++c) {
    x_kept(0, static_cast<Index>(c)) = x(0, kept[c]);
    H_kept.col(static_cast<Index>(c)) = H.col(kept[c]);
  }
  const auto reference = transform(x_kept, H_kept, o);
  EXPECT_LT((masked.W - reference.W).norm(), 1e-10 * (reference.W.norm() + 1));
}

TEST(Mask, ZerosMissingMatchesAnExplicitMaskOfTheZeros) {
  const SparseMatrix<double> X = testing::random_sparse(50, 40, 0.3, 71);
  const DenseMatrix<double> dense = X;
  DenseMatrix<double> mask(50, 40);
  for (Index i = 0; i < mask.size(); ++i) mask.data()[i] = dense.data()[i] == 0 ? 1.0 : 0.0;
  NmfOptions o = options_for("anls-bpp", 3);
  o.tol = 0;
  o.max_iter = 60;
  o.init = Init::Random;
  const auto a = fit(X, EntryWeights<double>::zeros_missing(), o);
  const auto b = fit(dense, EntryWeights<double>::missing(mask), o);
  EXPECT_NEAR(a.reconstruction_error, b.reconstruction_error, 1e-6 * b.reconstruction_error);
  EXPECT_LT((a.H - b.H).norm(), 1e-5 * b.H.norm());
}

TEST(Mask, EmptyRowsAreHandledWithAWarning) {
  const Planted data = planted(20, 10, 2, 0.05, 81);
  DenseMatrix<double> mask = DenseMatrix<double>::Zero(20, 10);
  mask.row(7).setOnes();
  const auto r = fit(data.noisy, EntryWeights<double>::missing(mask), options_for("hals", 2));
  EXPECT_EQ(r.W.row(7).norm(), 0.0);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("1 rows of X have no observed entry"), std::string::npos);
}

TEST(Mask, BadMasksAreRejected) {
  const Planted data = planted(12, 10, 2, 0.05, 91);
  const auto wrong = EntryWeights<double>::missing(DenseMatrix<double>::Ones(10, 12));
  expect_invalid([&] { fit(data.noisy, wrong, options_for("hals", 2)); },
                 "the mask has shape (10, 12) but X has shape (12, 10)");
  const auto mask = EntryWeights<double>::missing(random_mask(12, 10, 0.2, 1));
  expect_invalid([&] { fit(data.noisy, mask, options_for("cd", 2)); },
                 "use one of auto, hals, anls, anls-bpp, scd, mu");
  expect_invalid([&] { EntryWeights<double>().with_holdout({0.7, 1}); },
                 "holdout fraction must be in (0, 0.5]");
  expect_invalid([&] { EntryWeights<double>().with_holdout({0.0, 1}); },
                 "holdout fraction must be in (0, 0.5]");
  DenseMatrix<double> negative = DenseMatrix<double>::Ones(12, 10);
  negative(3, 4) = -1;
  expect_invalid([&] { EntryWeights<double>::weights(negative); }, "weights must be >= 0");
}

TEST(Mask, SpeckledHoldoutIsDeterministicAndHasItsFraction) {
  const SpeckledHoldout a{0.1, 42};
  const SpeckledHoldout b{0.1, 43};
  Index count = 0, same = 0;
  for (Index i = 0; i < 300; ++i) {
    for (Index j = 0; j < 300; ++j) {
      count += a.held_out(i, j);
      same += a.held_out(i, j) && b.held_out(i, j);
      EXPECT_EQ(a.held_out(i, j), SpeckledHoldout({0.1, 42}).held_out(i, j));
    }
  }
  EXPECT_NEAR(static_cast<double>(count) / 90000.0, 0.1, 0.005);
  EXPECT_NEAR(static_cast<double>(same) / 90000.0, 0.01, 0.002);  // independent seeds
}

TEST(Mask, ImputeFillsOnlyTheMissingEntries) {
  const Planted data = planted(30, 20, 3, 0.01, 101);
  const DenseMatrix<double> mask = random_mask(30, 20, 0.2, 2);
  const auto weights = EntryWeights<double>::missing(mask);
  const auto r = fit(data.noisy, weights, options_for("hals", 3));
  const DenseMatrix<double> filled = impute(data.noisy, weights, r.W, r.H);
  const DenseMatrix<double> WH = r.W * r.H;
  for (Index i = 0; i < filled.size(); ++i) {
    if (mask.data()[i] != 0) {
      EXPECT_NEAR(filled.data()[i], WH.data()[i], 1e-12);
    } else {
      EXPECT_EQ(filled.data()[i], data.noisy.data()[i]);
    }
  }
  const HoldoutError held = holdout_error(data.noisy, EntryWeights<double>(),
                                          SpeckledHoldout{0.2, 2}, r.W, r.H);
  EXPECT_NEAR(held.mean_squared_error, masked_mse(data.noisy, mask, WH), 1e-12);
}

}  // namespace
}  // namespace nmfkit
