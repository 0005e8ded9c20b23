// Non-negative CP by HALS (tensor/ntf.hpp): planted recovery, monotone error, missing
// entries, sparse = dense, float32, threads, and bad input; the tensor readers.

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <vector>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/io/tensor_file.hpp"
#include "nmfkit/tensor/factor_match.hpp"
#include "nmfkit/tensor/ntf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using testing::expect_invalid;

struct Planted {
  std::vector<DenseMatrix<double>> factors;
  Vector<double> weights;
  DenseTensor<double> X;
};

// Factors uniform on [0, 1) with about a third of the entries zeroed (parts-like, well
// separated), λ = 1, plus non-negative noise of `noise` times the mean entry.
Planted planted(const std::vector<Index>& shape, Index k, double noise, std::uint32_t seed) {
  RandomState rng(seed);
  Planted p;
  for (const Index rows : shape) {
    DenseMatrix<double> A(rows, k);
    for (Index i = 0; i < A.size(); ++i) {
      const double u = rng.random_sample();
      A.data()[i] = u < 0.33 ? 0.0 : u;
    }
    p.factors.push_back(A);
  }
  p.weights = Vector<double>::Ones(k);
  p.X = cp_to_tensor(p.factors, p.weights);
  double mean = 0;
  for (const double v : p.X.values) mean += v;
  mean /= static_cast<double>(p.X.values.size());
  for (double& v : p.X.values) v += noise * mean * rng.random_sample();
  return p;
}

NtfOptions options_for(Index k, std::uint32_t seed = 0) {
  NtfOptions o;
  o.n_components = k;
  o.random_state = seed;
  o.max_iter = 300;
  o.tol = 1e-6;
  return o;
}

template <class T>
std::vector<DenseMatrix<double>> as_double(const std::vector<DenseMatrix<T>>& factors) {
  std::vector<DenseMatrix<double>> out;
  for (const auto& A : factors) out.push_back(A.template cast<double>());
  return out;
}

// Each relative error at most the one before, up to `relative` of it, or up to rounding
// (1e-12 of the first) once the fit is exact.
void expect_non_increasing(const std::vector<double>& history, double relative) {
  ASSERT_FALSE(history.empty());
  for (std::size_t i = 1; i < history.size(); ++i) {
    EXPECT_LE(history[i], history[i - 1] * (1 + relative) + 1e-12 * history[0])
        << "iteration " << i + 1;
  }
}

TEST(TensorNtf, RecoversPlantedRankFiveThreeWay) {
  const Planted p = planted({30, 25, 20}, 5, 0.05, 1);
  const NtfResult<double> fit = fit_ntf(p.X, options_for(5));
  const double fms = factor_match_score(p.factors, p.weights, fit.factors, fit.weights);
  EXPECT_GE(fms, 0.95) << "relative error " << fit.relative_error;
  EXPECT_LT(fit.relative_error, 0.05);
  expect_non_increasing(fit.relative_error_history, 1e-12);
  // The columns are unit vectors and λ holds the scale.
  for (const auto& A : fit.factors) {
    for (Index r = 0; r < A.cols(); ++r) EXPECT_NEAR(A.col(r).norm(), 1.0, 1e-12);
    EXPECT_GE(A.minCoeff(), 0.0);
  }
}

TEST(TensorNtf, RecoversPlantedFourWay) {
  const Planted p = planted({12, 10, 9, 8}, 4, 0.02, 2);
  const NtfResult<double> fit = fit_ntf(p.X, options_for(4));
  EXPECT_GE(factor_match_score(p.factors, p.weights, fit.factors, fit.weights), 0.95);
  expect_non_increasing(fit.relative_error_history, 1e-12);
}

TEST(TensorNtf, ErrorHistoryIsTheErrorOfTheReturnedModel) {
  const Planted p = planted({10, 9, 8}, 3, 0.1, 3);
  NtfOptions o = options_for(3);
  o.max_iter = 7;
  const NtfResult<double> fit = fit_ntf(p.X, o);
  EXPECT_EQ(fit.n_iter, 7);
  EXPECT_FALSE(fit.converged);
  const DenseTensor<double> model = cp_to_tensor(fit.factors, fit.weights);
  double error = 0, norm = 0;
  for (std::size_t e = 0; e < model.values.size(); ++e) {
    error += std::pow(p.X.values[e] - model.values[e], 2);
    norm += p.X.values[e] * p.X.values[e];
  }
  EXPECT_NEAR(fit.relative_error, std::sqrt(error / norm), 1e-9);
}

TEST(TensorNtf, SparseCoordinatesGiveTheDenseFit) {
  Planted p = planted({15, 12, 10}, 3, 0.0, 4);
  // Zero out most entries so that the sparse form is sparse.
  RandomState rng(5);
  SparseTensor<double> S;
  S.shape = p.X.shape;
  for (std::size_t e = 0; e < p.X.values.size(); ++e) {
    if (rng.random_sample() < 0.7) p.X.values[e] = 0;
    if (p.X.values[e] == 0) continue;
    Index linear = static_cast<Index>(e);
    std::vector<Index> c(3);
    for (std::size_t m = 3; m-- > 0;) {
      c[m] = linear % S.shape[m];
      linear /= S.shape[m];
    }
    S.coords.insert(S.coords.end(), c.begin(), c.end());
    S.values.push_back(p.X.values[e]);
  }
  const NtfResult<double> dense = fit_ntf(p.X, options_for(3));
  const NtfResult<double> sparse = fit_ntf(S, options_for(3));
  ASSERT_EQ(dense.n_iter, sparse.n_iter);
  EXPECT_NEAR(dense.relative_error, sparse.relative_error, 1e-10);
  for (std::size_t m = 0; m < 3; ++m) {
    EXPECT_LT((dense.factors[m] - sparse.factors[m]).cwiseAbs().maxCoeff(), 1e-8) << "mode " << m;
  }
}

TEST(TensorNtf, MissingEntriesAreLeftOut) {
  const Planted p = planted({14, 12, 10}, 3, 0.0, 6);
  DenseTensor<double> X = p.X;
  RandomState rng(7);
  Index missing = 0;
  for (double& v : X.values) {
    if (rng.random_sample() < 0.2) {
      v = std::numeric_limits<double>::quiet_NaN();
      ++missing;
    }
  }
  NtfOptions o = options_for(3);
  o.max_iter = 500;
  o.tol = 1e-9;
  const NtfResult<double> fit = fit_ntf(X, o);
  EXPECT_EQ(fit.n_missing, missing);
  expect_non_increasing(fit.relative_error_history, 1e-12);
  // Exact low-rank data: the observed entries are fitted and the missing ones predicted.
  EXPECT_LT(fit.relative_error, 1e-3);
  EXPECT_GE(factor_match_score(p.factors, p.weights, fit.factors, fit.weights), 0.95);
  const DenseTensor<double> model = cp_to_tensor(fit.factors, fit.weights);
  double error = 0, norm = 0;
  for (std::size_t e = 0; e < X.values.size(); ++e) {
    if (!std::isnan(X.values[e])) continue;
    error += std::pow(p.X.values[e] - model.values[e], 2);
    norm += p.X.values[e] * p.X.values[e];
  }
  EXPECT_LT(std::sqrt(error / norm), 0.01);
}

TEST(TensorNtf, MissingEntriesInSparseInputGiveTheDenseFit) {
  const Planted p = planted({8, 7, 6}, 2, 0.1, 8);
  SparseTensor<double> S;
  S.shape = p.X.shape;
  DenseTensor<double> D = p.X;
  for (Index i = 0; i < 8; ++i) {
    for (Index j = 0; j < 7; ++j) {
      for (Index l = 0; l < 6; ++l) {
        const std::size_t e = static_cast<std::size_t>((i * 7 + j) * 6 + l);
        double v = p.X.values[e];
        if ((i + j + l) % 5 == 0) v = std::numeric_limits<double>::quiet_NaN();
        if ((i + j + l) % 7 == 0) v = 0;
        D.values[e] = v;
        if (v != 0) {
          S.coords.insert(S.coords.end(), {i, j, l});
          S.values.push_back(v);
        }
      }
    }
  }
  const NtfResult<double> dense = fit_ntf(D, options_for(2));
  const NtfResult<double> sparse = fit_ntf(S, options_for(2));
  EXPECT_EQ(dense.relative_error_history, sparse.relative_error_history);
  EXPECT_GT(dense.n_missing, 0);
}

TEST(TensorNtf, FloatMatchesDouble) {
  const Planted p = planted({20, 15, 12}, 3, 0.05, 9);
  DenseTensor<float> Xf;
  Xf.shape = p.X.shape;
  Xf.values.assign(p.X.values.begin(), p.X.values.end());
  NtfOptions o = options_for(3);
  o.max_iter = 50;
  o.tol = 0;
  const NtfResult<double> d = fit_ntf(p.X, o);
  const NtfResult<float> f = fit_ntf(Xf, o);
  EXPECT_NEAR(f.relative_error, d.relative_error, 1e-4);
  EXPECT_GE(factor_match_score(as_double(f.factors), f.weights.cast<double>(), d.factors, d.weights),
            0.999);
  // Monotone up to float rounding: the error by the Gram trick, ‖X‖² − 2⟨X, X̂⟩ + ‖X̂‖²,
  // cancels ~7 digits, so at a relative error of 1% its last 3 digits are noise.
  expect_non_increasing(f.relative_error_history, 2e-3);
}

TEST(TensorNtf, OneAndTwoThreadsAgreeExactly) {
  // Large enough that every kernel runs its parallel branch.
  const Planted p = planted({200, 40, 30}, 4, 0.05, 10);
  DenseTensor<double> masked = p.X;
  for (std::size_t e = 0; e < masked.values.size(); e += 13) {
    masked.values[e] = std::numeric_limits<double>::quiet_NaN();
  }
  const std::vector<const DenseTensor<double>*> cases{&p.X, &masked};
  for (const DenseTensor<double>* X : cases) {
    NtfOptions o = options_for(4);
    o.max_iter = 5;
    o.n_threads = 1;
    const NtfResult<double> one = fit_ntf(*X, o);
    o.n_threads = 2;
    const NtfResult<double> two = fit_ntf(*X, o);
    EXPECT_EQ(one.relative_error_history, two.relative_error_history);
    for (std::size_t m = 0; m < 3; ++m) EXPECT_EQ(one.factors[m], two.factors[m]) << "mode " << m;
    EXPECT_EQ(one.weights, two.weights);
  }
}

TEST(TensorNtf, SameSeedSameResult) {
  const Planted p = planted({10, 9, 8}, 3, 0.1, 11);
  const NtfResult<double> a = fit_ntf(p.X, options_for(3, 42));
  const NtfResult<double> b = fit_ntf(p.X, options_for(3, 42));
  EXPECT_EQ(a.relative_error_history, b.relative_error_history);
  EXPECT_EQ(a.random_state, 42u);
}

TEST(TensorNtf, BadInput) {
  DenseTensor<double> matrix{{4, 5}, std::vector<double>(20, 1.0)};
  expect_invalid([&] { fit_ntf(matrix, options_for(2)); }, "at least 3 modes");
  DenseTensor<double> X{{2, 2, 2}, std::vector<double>(8, 1.0)};
  X.values[3] = -1;
  expect_invalid([&] { fit_ntf(X, options_for(2)); }, "(0, 1, 1) is negative");
  X.values[3] = std::numeric_limits<double>::infinity();
  expect_invalid([&] { fit_ntf(X, options_for(2)); }, "infinite");
  X.values[3] = 1;
  expect_invalid([&] { fit_ntf(X, options_for(0)); }, "n_components must be >= 1");
  expect_invalid([&] { fit_ntf(X, options_for(Index{1} << 50)); }, "of memory");
  DenseTensor<double> zeros{{2, 2, 2}, std::vector<double>(8, 0.0)};
  expect_invalid([&] { fit_ntf(zeros, options_for(1)); }, "all zero");
  DenseTensor<double> nan{{2, 2, 2}, std::vector<double>(8, std::nan(""))};
  expect_invalid([&] { fit_ntf(nan, options_for(1)); }, "missing");
  SparseTensor<double> S{{2, 2, 2}, {0, 0, 0, 1, 1, 2}, {1.0, 2.0}};
  expect_invalid([&] { fit_ntf(S, options_for(1)); }, "outside 0..1");
  S.coords = {0, 0, 0, 0, 0, 0};
  expect_invalid([&] { fit_ntf(S, options_for(1)); }, "both give coordinates (0, 0, 0)");
}

TEST(TensorNtf, LargeSparseShapeNeedsNoDenseMemory) {
  // 10¹⁵ entries, 3 listed: the sparse fit needs memory for the factors only.
  SparseTensor<double> S{{100000, 100000, 100000}, {0, 0, 0, 5, 7, 9, 99999, 1, 2}, {1, 2, 3}};
  NtfOptions o = options_for(2);
  o.max_iter = 3;
  const NtfResult<double> fit = fit_ntf(S, o);
  EXPECT_EQ(fit.n_iter, 3);
  EXPECT_EQ(fit.factors[2].rows(), 100000);
}

TEST(TensorNtf, FactorMatchScore) {
  const Planted p = planted({6, 5, 4}, 3, 0.0, 12);
  EXPECT_NEAR(factor_match_score(p.factors, p.weights, p.factors, p.weights), 1.0, 1e-12);
  // Permuted and rescaled columns (scale moved between modes) still score 1.
  std::vector<DenseMatrix<double>> q = p.factors;
  for (auto& A : q) {
    DenseMatrix<double> B(A.rows(), 3);
    B << A.col(2), A.col(0), A.col(1);
    A = B;
  }
  q[0] *= 2.0;
  q[1] *= 0.5;
  const Vector<double> w = Vector<double>::Ones(3);
  EXPECT_NEAR(factor_match_score(p.factors, p.weights, q, w), 1.0, 1e-12);
  // A doubled weight halves that component's score.
  Vector<double> w2 = w;
  w2(0) = 2;
  EXPECT_NEAR(factor_match_score(p.factors, p.weights, q, w2), (1 + 1 + 0.5) / 3, 1e-12);
}

TEST(TensorIo, ReadsTnsAndNpyArrays) {
  testing::TempDir dir;
  testing::write_file(dir.file("x.tns"), "# a comment\n1 1 1 2.5\n2 3 1 1\n\n1 2 4 nan\n");
  const SparseTensor<double> S = io::read_tns<double>(dir.file("x.tns"));
  EXPECT_EQ(S.shape, (std::vector<Index>{2, 3, 4}));
  EXPECT_EQ(S.coords, (std::vector<Index>{0, 0, 0, 1, 2, 0, 0, 1, 3}));
  EXPECT_TRUE(std::isnan(S.values[2]));
  const SparseTensor<double> shaped =
      io::read_tns<double>(dir.file("x.tns"), std::vector<Index>{5, 5, 5});
  EXPECT_EQ(shaped.shape, (std::vector<Index>{5, 5, 5}));
  testing::expect_error<FormatError>(
      [&] { io::read_tns<double>(dir.file("x.tns"), std::vector<Index>{2, 2, 4}); },
      {"x.tns:line 3", "beyond"});
  testing::write_file(dir.file("dup.tns"), "1 1 1 1\n2 2 2 1\n1 1 1 3\n");
  testing::expect_error<FormatError>([&] { io::read_tns<double>(dir.file("dup.tns")); },
                                     {"line 3", "already given on line 1"});
  testing::write_file(dir.file("neg.tns"), "1 1 1 -1\n");
  testing::expect_error<FormatError>([&] { io::read_tns<double>(dir.file("neg.tns")); },
                                     {"line 1", "negative"});
  testing::write_file(dir.file("zero.tns"), "0 1 1 1\n");
  testing::expect_error<FormatError>([&] { io::read_tns<double>(dir.file("zero.tns")); },
                                     {"below 1"});
  testing::write_file(dir.file("two.tns"), "1 1 1\n");
  expect_invalid([&] { io::read_tns<double>(dir.file("two.tns")); }, "at least 3");
  testing::write_file(dir.file("ragged.tns"), "1 1 1 1\n1 1 2\n");
  testing::expect_error<FormatError>([&] { io::read_tns<double>(dir.file("ragged.tns")); },
                                     {"line 2", "expected 4 fields"});
}

}  // namespace
}  // namespace nmfkit
