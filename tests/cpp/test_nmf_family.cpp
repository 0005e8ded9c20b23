// The NMF family beyond the standard model (nmf/models.hpp) and seed 004's gradient
// solvers: planted recovery, monotone objectives and bad input.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/nmf/models.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using testing::expect_invalid;

// Each objective at most the one before, up to rounding.
void expect_non_increasing(const std::vector<double>& history) {
  ASSERT_FALSE(history.empty());
  for (std::size_t i = 1; i < history.size(); ++i) {
    EXPECT_LE(history[i], history[i - 1] * (1 + 1e-10) + 1e-12 * history[0]) << "iteration " << i + 1;
  }
}

// For each row of `truth`, the best |cosine| with a row of `found`.
double worst_best_cosine(const DenseMatrix<double>& truth, const DenseMatrix<double>& found) {
  double worst = 1;
  for (Index r = 0; r < truth.rows(); ++r) {
    double best = 0;
    for (Index s = 0; s < found.rows(); ++s) {
      const double denominator = truth.row(r).norm() * found.row(s).norm();
      if (denominator > 0) best = std::max(best, std::abs(truth.row(r).dot(found.row(s))) / denominator);
    }
    worst = std::min(worst, best);
  }
  return worst;
}

// ---- semi-NMF --------------------------------------------------------------------------

struct Signed {
  DenseMatrix<double> X, W, H;
};

// Ding et al.'s setting: W of any sign (the centroids), H ≥ 0 with one positive entry per
// column (feature j belongs to cluster j mod k, with a weight in [0.5, 1.5)).
Signed signed_planted(Index m, Index n, Index k, std::uint32_t seed,
                      std::vector<int>* labels = nullptr) {
  RandomState rng(seed);
  Signed s;
  s.W.resize(m, k);
  for (Index i = 0; i < s.W.size(); ++i) s.W.data()[i] = rng.standard_normal();
  s.H = DenseMatrix<double>::Zero(k, n);
  if (labels) labels->clear();
  for (Index c = 0; c < n; ++c) {
    s.H(c % k, c) = 0.5 + rng.random_sample();
    if (labels) labels->push_back(static_cast<int>(c % k));
  }
  s.X = s.W * s.H;
  return s;
}

NmfOptions semi_options(Index k) {
  NmfOptions o;
  o.model = "semi";
  o.n_components = k;
  o.random_state = 0;
  o.tol = 1e-12;
  o.max_iter = 3000;
  return o;
}

TEST(SemiNmf, RecoversSignedPlantedFactors) {
  std::vector<int> labels;
  const Signed s = signed_planted(80, 60, 3, 7, &labels);
  ASSERT_LT(s.X.minCoeff(), 0);  // the data really is signed
  const auto result = fit(s.X, semi_options(3));
  EXPECT_EQ(result.solver, "semi");
  EXPECT_LT(result.W.minCoeff(), 0);
  EXPECT_GE(result.H.minCoeff(), 0);
  EXPECT_LT(result.reconstruction_error / s.X.norm(), 1e-4);
  // The features' clusters, and both factors up to order and scale.
  std::vector<int> found;
  for (Index c = 0; c < result.H.cols(); ++c) {
    Index best = 0;
    result.H.col(c).maxCoeff(&best);
    found.push_back(static_cast<int>(best));
  }
  EXPECT_GT(cluster::adjusted_rand_index(labels, found), 0.99);
  EXPECT_GT(worst_best_cosine(s.H, result.H), 0.95);
  EXPECT_GT(worst_best_cosine(DenseMatrix<double>(s.W.transpose()),
                              DenseMatrix<double>(result.W.transpose())),
            0.95);
}

TEST(SemiNmf, ObjectiveNeverIncreasesDenseAndSparse) {
  const Signed s = signed_planted(40, 30, 3, 11);
  NmfOptions o = semi_options(3);
  o.max_iter = 200;
  o.alpha_H = 0.01;
  o.l1_ratio = 0.0;
  expect_non_increasing(fit(s.X, o).objective_history);
  const SparseMatrix<double> sparse = s.X.sparseView();
  const auto sparse_fit = fit(sparse, semi_options(3));
  expect_non_increasing(sparse_fit.objective_history);
  EXPECT_NEAR(sparse_fit.reconstruction_error, fit(s.X, semi_options(3)).reconstruction_error,
              1e-6 * s.X.norm());
}

TEST(SemiNmf, RejectsNanAndInfinityButNotNegativeValues) {
  Signed s = signed_planted(10, 8, 2, 3);
  NmfOptions standard;
  standard.n_components = 2;
  expect_invalid([&] { fit(s.X, standard); }, "Negative values");
  DenseMatrix<double> bad = s.X;
  bad(2, 3) = std::numeric_limits<double>::quiet_NaN();
  expect_invalid([&] { fit(bad, semi_options(2)); }, "NaN: 1 entries, the first at row 2, column 3");
  bad(2, 3) = std::numeric_limits<double>::infinity();
  expect_invalid([&] { fit(bad, semi_options(2)); }, "infinity");
  NmfOptions o = semi_options(2);
  o.alpha_W = 0.1;
  o.l1_ratio = 1;
  expect_invalid([&] { fit(s.X, o); }, "L1 penalty on W is not defined");
  o = semi_options(2);
  o.solver = "hals";
  expect_invalid([&] { fit(s.X, o); }, "solver must be 'auto'");
}

// ---- symmetric NMF ---------------------------------------------------------------------

// A planted partition: `blocks` communities of `size` nodes, edges with probability
// p_in inside a community and p_out between them, no self-loops.
DenseMatrix<double> block_graph(int blocks, int size, double p_in, double p_out,
                                std::uint32_t seed, std::vector<int>& truth) {
  const Index n = blocks * size;
  RandomState rng(seed);
  DenseMatrix<double> A = DenseMatrix<double>::Zero(n, n);
  truth.assign(static_cast<std::size_t>(n), 0);
  for (Index i = 0; i < n; ++i) truth[static_cast<std::size_t>(i)] = static_cast<int>(i / size);
  for (Index i = 0; i < n; ++i) {
    for (Index j = i + 1; j < n; ++j) {
      const bool same = truth[static_cast<std::size_t>(i)] == truth[static_cast<std::size_t>(j)];
      if (rng.random_sample() < (same ? p_in : p_out)) A(i, j) = A(j, i) = 1;
    }
  }
  return A;
}

NmfOptions symmetric_options(Index k) {
  NmfOptions o;
  o.model = "symmetric";
  o.n_components = k;
  o.random_state = 0;
  o.max_iter = 300;
  o.tol = 1e-6;
  return o;
}

TEST(SymmetricNmf, RecoversPlantedCommunities) {
  std::vector<int> truth;
  const DenseMatrix<double> A = block_graph(4, 30, 0.4, 0.05, 5, truth);
  const auto result = fit(A, symmetric_options(4));
  EXPECT_EQ(result.solver, "symmetric-anls");
  EXPECT_TRUE(result.H.isApprox(DenseMatrix<double>(result.W.transpose())));
  EXPECT_GE(result.W.minCoeff(), 0);
  const std::vector<int> found = communities(result.W);
  EXPECT_GT(cluster::adjusted_rand_index(truth, found), 0.9);
  expect_non_increasing(result.objective_history);
  // The same from CSR storage.
  const SparseMatrix<double> sparse = A.sparseView();
  EXPECT_GT(cluster::adjusted_rand_index(truth, communities(fit(sparse, symmetric_options(4)).W)),
            0.9);
}

TEST(SymmetricNmf, RejectsNonSquareAndNonSymmetricMatrices) {
  std::vector<int> truth;
  DenseMatrix<double> A = block_graph(2, 5, 0.9, 0.1, 1, truth);
  const DenseMatrix<double> tall = A.topRows(7);
  expect_invalid([&] { fit(tall, symmetric_options(2)); }, "square matrix X, got shape (7, 10)");
  A(2, 7) += 0.5;
  A(1, 4) += 0.25;
  expect_invalid([&] { fit(A, symmetric_options(2)); },
                 "the largest asymmetry is |X[2, 7] - X[7, 2]|");
  const SparseMatrix<double> sparse = A.sparseView();
  expect_invalid([&] { fit(sparse, symmetric_options(2)); },
                 "the largest asymmetry is |X[2, 7] - X[7, 2]|");
  A(2, 7) -= 0.5;
  A(1, 4) -= 0.25;
  A(3, 3) = -1;
  expect_invalid([&] { fit(A, symmetric_options(2)); }, "Negative values");
}

TEST(Communities, AreTheArgmaxOfEachRow) {
  DenseMatrix<double> W(3, 2);
  W << 0.1, 0.9, 2.0, 1.0, 0.0, 0.0;
  EXPECT_EQ(communities(W), (std::vector<int>{1, 0, -1}));
}

// ---- graph-regularised NMF -------------------------------------------------------------

// Samples on a line whose codes vary smoothly along it (Gaussian bumps), with noise.
struct Smooth {
  DenseMatrix<double> X, W, signal;  // signal = W·H before the noise
  SparseMatrix<double> chain;  // each sample linked to its 5 neighbours on each side
};

Smooth smooth_planted(Index m, Index n, Index k, double noise, std::uint32_t seed) {
  Smooth s;
  s.W.resize(m, k);
  for (Index i = 0; i < m; ++i) {
    for (Index c = 0; c < k; ++c) {
      const double centre = (c + 0.5) * static_cast<double>(m) / static_cast<double>(k);
      const double d = (static_cast<double>(i) - centre) / (0.1 * static_cast<double>(m));
      s.W(i, c) = std::exp(-d * d);
    }
  }
  const DenseMatrix<double> H = testing::random_nonnegative(k, n, seed);
  RandomState rng(seed + 1);
  s.X = s.W * H;
  s.signal = s.X;
  const double scale = noise * s.X.mean();
  for (Index i = 0; i < s.X.size(); ++i) {
    s.X.data()[i] = std::max(0.0, s.X.data()[i] + scale * rng.standard_normal());
  }
  std::vector<Eigen::Triplet<double, std::int64_t>> edges;
  for (Index i = 0; i < m; ++i) {
    for (Index j = std::max<Index>(0, i - 5); j <= std::min<Index>(m - 1, i + 5); ++j) {
      if (j != i) edges.emplace_back(i, j, 1.0);
    }
  }
  s.chain.resize(m, m);
  s.chain.setFromTriplets(edges.begin(), edges.end());
  return s;
}

NmfOptions graph_options(const SparseMatrix<double>& graph, double weight) {
  NmfOptions o;
  o.n_components = 3;
  o.random_state = 0;
  o.graph = &graph;
  o.graph_weight = weight;
  o.max_iter = 500;
  o.tol = 0;
  return o;
}

// Few features per sample: each sample's own row says little through the noise, its
// neighbours on the graph say more.
TEST(GraphNmf, GraphTermImprovesRecoveryOfSmoothFactors) {
  const Smooth s = smooth_planted(150, 8, 3, 1.0, 3);
  const auto plain = fit(s.X, graph_options(s.chain, 0.0));
  const auto regularised = fit(s.X, graph_options(s.chain, 1.0));
  EXPECT_EQ(regularised.solver, "gnmf-mu");
  const DenseMatrix<double> truth = s.W.transpose();
  const double plain_match = worst_best_cosine(truth, DenseMatrix<double>(plain.W.transpose()));
  const double graph_match =
      worst_best_cosine(truth, DenseMatrix<double>(regularised.W.transpose()));
  EXPECT_GT(graph_match, plain_match) << plain_match << " vs " << graph_match;
  // The clean signal W·H, recovered through the noise.
  const double plain_error = (plain.W * plain.H - s.signal).norm() / s.signal.norm();
  const double graph_error = (regularised.W * regularised.H - s.signal).norm() / s.signal.norm();
  EXPECT_LT(graph_error, 0.9 * plain_error) << plain_error << " vs " << graph_error;
}

TEST(GraphNmf, ObjectiveNeverIncreasesWithL1OnEitherFactor) {
  const Smooth s = smooth_planted(60, 20, 3, 0.5, 4);
  NmfOptions o = graph_options(s.chain, 2.0);
  o.max_iter = 150;
  o.alpha_W = 0.01;
  o.alpha_H = 0.02;
  o.l1_ratio = 1.0;
  expect_non_increasing(fit(s.X, o).objective_history);
  const SparseMatrix<double> sparse = s.X.sparseView();
  expect_non_increasing(fit(sparse, o).objective_history);
}

TEST(GraphNmf, RejectsGraphsOfTheWrongSizeOrWithNegativeWeights) {
  const Smooth s = smooth_planted(20, 10, 3, 0.1, 5);
  SparseMatrix<double> small(19, 19);
  expect_invalid([&] { fit(s.X, graph_options(small, 1.0)); },
                 "the graph has shape (19, 19) but X has 20 samples");
  SparseMatrix<double> negative = s.chain;
  negative.coeffRef(4, 5) = -1;
  expect_invalid([&] { fit(s.X, graph_options(negative, 1.0)); },
                 "negative weights: 1 entries, the first at row 4, column 5");
  NmfOptions o = graph_options(s.chain, 1.0);
  o.solver = "hals";
  expect_invalid([&] { fit(s.X, o); }, "solver must be 'auto' or 'mu'");
}

// ---- seed 004's gradient solvers ---------------------------------------------------------

TEST(GradientNmf, PgdAndAdamReduceTheObjectiveAndReturnNonNegativeFactors) {
  const DenseMatrix<double> X = testing::planted(30, 20, 3, 2) / 10.0;
  for (const char* solver : {"pgd", "adam"}) {
    NmfOptions o;
    o.solver = solver;
    o.n_components = 3;
    o.random_state = 0;
    o.tol = 0;
    o.max_iter = 300;
    if (std::string(solver) == "pgd") o.learning_rate = 0.01;
    const auto result = fit(X, o);
    EXPECT_EQ(result.solver, solver);
    ASSERT_EQ(result.objective_history.size(), 300u);
    EXPECT_LT(result.objective_history.back(), 0.5 * result.objective_history.front()) << solver;
    EXPECT_GE(result.W.minCoeff(), 0);
    EXPECT_GE(result.H.minCoeff(), 0);
  }
}

TEST(GradientNmf, DivergenceIsAnErrorAndOptionsBelongToTheGradientSolvers) {
  const DenseMatrix<double> X = testing::planted(20, 15, 2, 1) * 100.0;
  NmfOptions o;
  o.solver = "pgd";
  o.n_components = 2;
  o.random_state = 0;
  o.learning_rate = 10.0;
  EXPECT_THROW(fit(X, o), Error);
  o.solver = "hals";
  expect_invalid([&] { fit(X, o); }, "learning_rate and penalty are options of solvers pgd and adam");
}

}  // namespace
}  // namespace nmfkit
