// The NNLS solvers behind the alternating solvers: their answers satisfy the KKT
// conditions of min ½xᵀGx − bᵀx, x ≥ 0, and the two methods agree.

#include <gtest/gtest.h>

#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/nmf/nnls.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

struct Problem {
  DenseMatrix<double> G;
  Vector<double> b;
};

// G = AᵀA for a random A (well or badly conditioned), b with both signs so that some
// coordinates end at zero.
Problem random_problem(Index k, std::uint32_t seed, double column_spread) {
  RandomState rng(seed);
  DenseMatrix<double> A(3 * k, k);
  for (Index c = 0; c < k; ++c) {
    const double scale = std::pow(column_spread, static_cast<double>(c) / std::max<Index>(k - 1, 1));
    for (Index r = 0; r < A.rows(); ++r) A(r, c) = scale * rng.standard_normal();
  }
  Problem p{A.transpose() * A, Vector<double>(k)};
  for (Index r = 0; r < k; ++r) p.b[r] = rng.standard_normal() * p.G(r, r);
  return p;
}

// Largest violation of x ≥ 0, g = Gx − b ≥ 0 and x·g = 0, relative to the problem's scale.
double kkt_violation(const Problem& p, const Vector<double>& x) {
  const Vector<double> g = p.G * x - p.b;
  const double scale = std::max(p.b.cwiseAbs().maxCoeff(), p.G.cwiseAbs().maxCoeff());
  double worst = 0;
  for (Index r = 0; r < x.size(); ++r) {
    worst = std::max(worst, -x[r]);
    worst = std::max(worst, -g[r] / scale);
    worst = std::max(worst, std::abs(x[r] * g[r]) / (scale * std::max(1.0, x.cwiseAbs().maxCoeff())));
  }
  return worst;
}

struct NnlsCase {
  Index k;
  double column_spread;
};

class NnlsKkt : public ::testing::TestWithParam<NnlsCase> {};

TEST_P(NnlsKkt, BothMethodsSatisfyKktAndAgree) {
  const auto [k, spread] = GetParam();
  for (std::uint32_t seed = 0; seed < 20; ++seed) {
    const Problem p = random_problem(k, seed, spread);
    Vector<double> pivoting = Vector<double>::Zero(k);
    NnlsOptions exact;
    exact.method = NnlsMethod::BlockPivoting;
    solve_nnls(p.G, p.b.data(), pivoting.data(), exact);
    EXPECT_LT(kkt_violation(p, pivoting), 1e-8) << "block pivoting, seed " << seed;

    Vector<double> descent = Vector<double>::Constant(k, 0.5);  // a warm start away from x*
    NnlsOptions tight;
    tight.tol = 1e-14;
    tight.max_sweeps = 100000;
    solve_nnls(p.G, p.b.data(), descent.data(), tight);
    EXPECT_LT(kkt_violation(p, descent), 1e-8) << "coordinate descent, seed " << seed;
    EXPECT_LT((descent - pivoting).norm(), 1e-6 * std::max(1.0, pivoting.norm()))
        << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, NnlsKkt,
                         ::testing::Values(NnlsCase{1, 1}, NnlsCase{2, 1}, NnlsCase{5, 1},
                                           NnlsCase{20, 1}, NnlsCase{20, 100},
                                           NnlsCase{50, 10}));

TEST(Nnls, RowsAreSolvedIndependentlyOfTheThreadCount) {
  const Problem p = random_problem(10, 4, 3);
  const DenseMatrix<double> B = testing::random_nonnegative(500, 10, 9) * p.G;
  DenseMatrix<double> one = DenseMatrix<double>::Zero(500, 10);
  DenseMatrix<double> many = one;
  NnlsOptions o;
  {
    const ScopedThreadCount threads(1);
    solve_nnls_rows(p.G, B, one, o);
  }
  {
    const ScopedThreadCount threads(2);
    solve_nnls_rows(p.G, B, many, o);
  }
  EXPECT_TRUE((one.array() == many.array()).all());
  // Each row equals the single-row solve.
  for (Index i = 0; i < 500; i += 97) {
    Vector<double> x = Vector<double>::Zero(10);
    solve_nnls(p.G, B.data() + i * 10, x.data(), o);
    EXPECT_TRUE((x.transpose().array() == one.row(i).array()).all()) << "row " << i;
  }
}

}  // namespace
}  // namespace nmfkit
