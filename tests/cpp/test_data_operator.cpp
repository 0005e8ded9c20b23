// The data-operator seam: the dense, CSR and weighted implementations agree on every
// primitive (dense = CSR = all-ones weights, to 1e-12), and a mask enters the row
// problems exactly as the weighted objective says.

#include <gtest/gtest.h>

#include <vector>

#include "../../src/nmf/weighted_operator.hpp"
#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/sparse_operator.hpp"
#include "nmfkit/nmf/nnls.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using linalg::Side;
using Dense = DenseMatrix<double>;
using Sparse = SparseMatrix<double>;

static_assert(linalg::DataOperator<linalg::DenseOperator<double>>);
static_assert(linalg::DataOperator<linalg::SparseOperator<float>>);
static_assert(linalg::DataOperator<WeightedOperator<double, Sparse>>);

double relative(const Dense& a, const Dense& b) {
  return (a - b).norm() / std::max(1e-300, b.norm());
}

// What a row solve sees: each row's non-zeros (index, value·weight) and linear term.
struct SeenRows {
  std::vector<std::vector<std::pair<std::int64_t, double>>> entries;
  std::vector<std::vector<double>> linear;
};

template <class Op>
SeenRows count_rows_of(const Op& op, Side side, const Dense& O) {
  Dense F = Dense::Zero(side == Side::Rows ? op.rows() : op.cols(), O.cols());
  SeenRows seen;
  seen.entries.resize(static_cast<std::size_t>(F.rows()));
  seen.linear.resize(static_cast<std::size_t>(F.rows()));
  const double total = op.solve_count_rows(
      side, O, F, [&](const linalg::CountRow<double>& row, const Dense&, double*) {
        auto& e = seen.entries[static_cast<std::size_t>(row.row)];
        for (Index p = 0; p < row.size; ++p) {
          e.emplace_back(row.index[p], row.value[p] * (row.weight ? row.weight[p] : 1.0));
        }
        seen.linear[static_cast<std::size_t>(row.row)].assign(row.linear, row.linear + O.cols());
        return static_cast<double>(row.row);
      });
  EXPECT_EQ(total, F.rows() * (F.rows() - 1) / 2.0);  // every row once, results summed
  return seen;
}

void expect_same_rows(const SeenRows& a, const SeenRows& b) {
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (std::size_t r = 0; r < a.entries.size(); ++r) {
    EXPECT_EQ(a.entries[r], b.entries[r]) << "row " << r;
    ASSERT_EQ(a.linear[r].size(), b.linear[r].size());
    for (std::size_t c = 0; c < a.linear[r].size(); ++c) {
      EXPECT_NEAR(a.linear[r][c], b.linear[r][c], 1e-12 * std::abs(b.linear[r][c]) + 1e-300);
    }
  }
}

// Runs every primitive of each operator on the same factors and compares them.
template <class A, class B>
void expect_operators_agree(const A& a, const B& b, const Dense& W, const Dense& Ht) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.cols(), b.cols());
  EXPECT_NEAR(a.squared_norm(), b.squared_norm(), 1e-12 * b.squared_norm());
  EXPECT_NEAR(a.count_offset(), b.count_offset(), 1e-12 * std::abs(b.count_offset()));
  Dense ga, gb, ra, rb;
  a.gram(W, ga);
  b.gram(W, gb);
  EXPECT_LT(relative(ga, gb), 1e-12);
  for (const Side side : {Side::Rows, Side::Columns}) {
    const Dense& O = side == Side::Rows ? Ht : W;
    a.rhs(side, O, ra);
    b.rhs(side, O, rb);
    EXPECT_LT(relative(ra, rb), 1e-12);
    expect_same_rows(count_rows_of(a, side, O), count_rows_of(b, side, O));

    // The batched NNLS: the same answer through both operators.
    Dense G;
    a.gram(O, G);
    G.diagonal().array() += 0.1;
    Dense Fa = Dense::Constant(ra.rows(), O.cols(), 0.5), Fb = Fa;
    const NnlsOptions exact{NnlsMethod::BlockPivoting};
    const linalg::GramRowSolve<double> solve = [&](const Dense& Gr, const double* rhs, double* x) {
      solve_nnls(Gr, rhs, x, exact);
    };
    a.solve_gram_rows(side, G, ra, O, 0.1, Fa, solve);
    b.solve_gram_rows(side, G, rb, O, 0.1, Fb, solve);
    EXPECT_LT(relative(Fa, Fb), 1e-10);
  }
  for (const double beta : {2.0, 1.0, 0.5}) {
    EXPECT_NEAR(a.divergence(W, Ht, beta), b.divergence(W, Ht, beta),
                1e-12 * b.divergence(W, Ht, beta));
  }
  // The squared error through each operator's own route (the Gram trick on plain data).
  Dense XHt, WtW, HtH;
  a.rhs(Side::Rows, Ht, XHt);
  a.gram(W, WtW);
  a.gram(Ht, HtH);
  const linalg::GramTrickTerms terms{(W.array() * XHt.array()).sum(),
                                     (WtW.array() * HtH.array()).sum()};
  EXPECT_NEAR(a.squared_error(W, Ht, terms), b.squared_error(W, Ht, terms),
              1e-10 * b.squared_error(W, Ht, terms));
  EXPECT_NEAR(a.squared_error(W, Ht, terms), 2 * a.divergence(W, Ht, 2.0),
              1e-10 * a.squared_error(W, Ht, terms));
}

TEST(DataOperator, DenseSparseAndAllOnesWeightsAgree) {
  const Sparse X = testing::random_sparse(37, 29, 0.3, 3);
  const Dense dense = Dense(X);
  const Dense W = testing::random_nonnegative(37, 4, 4, 0.1);
  const Dense Ht = testing::random_nonnegative(29, 4, 5, 0.1);
  const linalg::DenseOperator<double> on_dense(dense);
  const linalg::SparseOperator<double> on_sparse(X);
  expect_operators_agree(on_dense, on_sparse, W, Ht);
  // The weighted operator with every weight 1 takes its own (weighted) route everywhere.
  const auto ones = EntryWeights<double>::weights(Dense::Ones(37, 29));
  const WeightedOperator<double, Sparse> weighted_sparse(X, ones);
  const WeightedOperator<double, Dense> weighted_dense(dense, ones);
  expect_operators_agree(weighted_sparse, on_sparse, W, Ht);
  expect_operators_agree(weighted_dense, on_dense, W, Ht);
}

TEST(DataOperator, AMaskRemovesEntriesFromEveryRowProblem) {
  const Sparse X = testing::random_sparse(23, 19, 0.4, 7);
  const Dense dense = Dense(X);
  Dense weights = Dense::Ones(23, 19);
  RandomState rng(8);
  for (Index i = 0; i < weights.size(); ++i) {
    const double u = rng.random_sample();
    weights.data()[i] = u < 0.25 ? 0.0 : u < 0.35 ? 2.5 : 1.0;
  }
  const auto w = EntryWeights<double>::weights(weights);
  const WeightedOperator<double, Sparse> on_sparse(X, w);
  const WeightedOperator<double, Dense> on_dense(dense, w);
  const Dense Ht = testing::random_nonnegative(19, 3, 9, 0.1);
  const Dense W = testing::random_nonnegative(23, 3, 10, 0.1);
  expect_operators_agree(on_sparse, on_dense, W, Ht);
  // Row r of the W side: its non-zeros carry w·x, its linear term is Σ_c w_rc·Ht_c.
  const SeenRows seen = count_rows_of(on_sparse, Side::Rows, Ht);
  for (Index r = 0; r < 23; ++r) {
    std::vector<std::pair<std::int64_t, double>> expected;
    for (Index c = 0; c < 19; ++c) {
      if (dense(r, c) > 0 && weights(r, c) > 0)
        expected.emplace_back(c, weights(r, c) * dense(r, c));
    }
    EXPECT_EQ(seen.entries[static_cast<std::size_t>(r)].size(), expected.size());
    for (std::size_t p = 0; p < expected.size(); ++p) {
      EXPECT_EQ(seen.entries[r][p].first, expected[p].first);
      EXPECT_NEAR(seen.entries[r][p].second, expected[p].second, 1e-15);
    }
    const Eigen::RowVectorXd linear = weights.row(r) * Ht;
    for (Index c = 0; c < 3; ++c) EXPECT_NEAR(seen.linear[r][c], linear[c], 1e-12);
  }
  // The squared error is the weighted one.
  const Dense residual = dense - W * Ht.transpose();
  const double expected = (weights.array() * residual.array().square()).sum();
  EXPECT_NEAR(on_sparse.squared_error(W, Ht, {}), expected, 1e-12 * expected);
}

}  // namespace
}  // namespace nmfkit
