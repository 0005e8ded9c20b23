// summarize(): the counts, range and first locations, and that sparse and dense storage
// of the same matrix summarise the same.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "nmfkit/core/matrix_summary.hpp"

namespace nmfkit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Every field but the storage ones, NaN equal to NaN.
void expect_same_content(const MatrixSummary& a, const MatrixSummary& b) {
  auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.cols, b.cols);
  EXPECT_EQ(a.dtype, b.dtype);
  EXPECT_EQ(a.nonzero_count, b.nonzero_count);
  EXPECT_TRUE(same(a.min, b.min)) << a.min << " vs " << b.min;
  EXPECT_TRUE(same(a.max, b.max)) << a.max << " vs " << b.max;
  EXPECT_TRUE(same(a.sum, b.sum)) << a.sum << " vs " << b.sum;
  EXPECT_EQ(a.nan_count, b.nan_count);
  EXPECT_EQ(a.inf_count, b.inf_count);
  EXPECT_EQ(a.negative_count, b.negative_count);
  EXPECT_EQ(a.has_zero, b.has_zero);
  EXPECT_EQ(a.first_nan, b.first_nan);
  EXPECT_EQ(a.first_inf, b.first_inf);
  EXPECT_EQ(a.first_negative, b.first_negative);
  EXPECT_EQ(a.zero_rows, b.zero_rows);
  EXPECT_EQ(a.zero_cols, b.zero_cols);
}

TEST(MatrixSummary, DenseCountsAndLocations) {
  DenseMatrix<double> m(3, 4);
  m << 1, 0, kNaN, 2,  //
      0, 0, 0, 0,      //
      -3, kInf, kNaN, -kInf;
  const MatrixSummary s = summarize(m);
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 4);
  EXPECT_EQ(s.dtype, DType::Float64);
  EXPECT_FALSE(s.sparse);
  EXPECT_EQ(s.stored, 12);
  EXPECT_EQ(s.nonzero_count, 7);
  EXPECT_EQ(s.min, -kInf);
  EXPECT_EQ(s.max, kInf);
  EXPECT_TRUE(std::isnan(s.sum));  // inf + -inf
  EXPECT_EQ(s.nan_count, 2);
  EXPECT_EQ(s.first_nan, (EntryLocation{0, 2}));
  EXPECT_EQ(s.inf_count, 2);
  EXPECT_EQ(s.first_inf, (EntryLocation{2, 1}));
  EXPECT_EQ(s.negative_count, 2);
  EXPECT_EQ(s.first_negative, (EntryLocation{2, 0}));
  EXPECT_TRUE(s.has_zero);
  EXPECT_EQ(s.zero_rows, 1);
  EXPECT_EQ(s.zero_cols, 0);
}

TEST(MatrixSummary, CleanDenseMatrix) {
  DenseMatrix<float> m(2, 3);
  m << 1, 2, 0, 4, 5, 0;
  const MatrixSummary s = summarize(m);
  EXPECT_EQ(s.dtype, DType::Float32);
  EXPECT_EQ(s.min, 0.0);
  EXPECT_EQ(s.max, 5.0);
  EXPECT_EQ(s.sum, 12.0);
  EXPECT_EQ(s.nan_count + s.inf_count + s.negative_count, 0);
  EXPECT_FALSE(s.first_nan || s.first_inf || s.first_negative);
  EXPECT_TRUE(s.has_zero);
  EXPECT_EQ(s.zero_rows, 0);
  EXPECT_EQ(s.zero_cols, 1);
}

TEST(MatrixSummary, NegativeZeroIsZeroNotNegative) {
  DenseMatrix<double> m(1, 2);
  m << -0.0, 1;
  const MatrixSummary s = summarize(m);
  EXPECT_EQ(s.negative_count, 0);
  EXPECT_TRUE(s.has_zero);
  EXPECT_EQ(s.nonzero_count, 1);
  EXPECT_EQ(s.zero_cols, 1);
}

TEST(MatrixSummary, NaNIsIgnoredInTheRangeAndCountsAsNonZero) {
  DenseMatrix<double> m(2, 2);
  m << kNaN, 3, kNaN, kNaN;
  const MatrixSummary s = summarize(m);
  EXPECT_EQ(s.min, 3.0);
  EXPECT_EQ(s.max, 3.0);
  EXPECT_EQ(s.sum, 3.0);
  EXPECT_FALSE(s.has_zero);
  EXPECT_EQ(s.zero_rows, 0);
  EXPECT_EQ(s.zero_cols, 0);
  const MatrixSummary all_nan = summarize(DenseMatrix<double>::Constant(2, 2, kNaN).eval());
  EXPECT_TRUE(std::isnan(all_nan.min));
  EXPECT_TRUE(std::isnan(all_nan.max));
  EXPECT_EQ(all_nan.sum, 0.0);
}

TEST(MatrixSummary, InfinityTakesPartInTheRange) {
  DenseMatrix<double> m(1, 2);
  m << 1, kInf;
  const MatrixSummary s = summarize(m);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, kInf);
  EXPECT_EQ(s.sum, kInf);
  EXPECT_EQ(s.negative_count, 0);
}

TEST(MatrixSummary, EmptyMatrices) {
  for (const auto& [rows, cols] : {std::pair<Index, Index>{0, 0}, {0, 3}, {3, 0}}) {
    SCOPED_TRACE(std::to_string(rows) + " x " + std::to_string(cols));
    const MatrixSummary dense = summarize(DenseMatrix<double>(rows, cols));
    const MatrixSummary sparse = summarize(SparseMatrix<double>(rows, cols));
    for (const auto& s : {dense, sparse}) {
      EXPECT_EQ(s.rows, rows);
      EXPECT_EQ(s.cols, cols);
      EXPECT_EQ(s.stored, 0);
      EXPECT_TRUE(std::isnan(s.min));
      EXPECT_TRUE(std::isnan(s.max));
      EXPECT_EQ(s.sum, 0.0);
      EXPECT_FALSE(s.has_zero);
      EXPECT_EQ(s.zero_rows, 0);
      EXPECT_EQ(s.zero_cols, 0);
    }
  }
}

TEST(MatrixSummary, SparseCountsImplicitZeros) {
  SparseMatrix<double> m(3, 4);
  m.insert(0, 1) = 2;
  m.insert(0, 3) = -1;
  m.insert(2, 0) = 0;  // explicit zero: stored, but zero
  m.insert(2, 2) = kNaN;
  m.makeCompressed();
  const MatrixSummary s = summarize(m);
  EXPECT_TRUE(s.sparse);
  EXPECT_EQ(s.stored, 4);
  EXPECT_EQ(s.nonzero_count, 3);
  EXPECT_EQ(s.min, -1.0);
  EXPECT_EQ(s.max, 2.0);
  EXPECT_EQ(s.sum, 1.0);
  EXPECT_TRUE(s.has_zero);
  EXPECT_EQ(s.zero_rows, 1);  // row 1
  EXPECT_EQ(s.zero_cols, 1);  // column 0 holds only an explicit zero
  EXPECT_EQ(s.first_negative, (EntryLocation{0, 3}));
  EXPECT_EQ(s.first_nan, (EntryLocation{2, 2}));
}

TEST(MatrixSummary, SparseRangeIncludesImplicitZerosOnlyWhenThereAreAny) {
  SparseMatrix<double> full(1, 2);
  full.insert(0, 0) = 3;
  full.insert(0, 1) = 4;
  const MatrixSummary s = summarize(full);
  EXPECT_EQ(s.min, 3.0);
  EXPECT_FALSE(s.has_zero);
  SparseMatrix<double> partial(1, 3);
  partial.insert(0, 0) = 3;
  EXPECT_EQ(summarize(partial).min, 0.0);
  SparseMatrix<double> negative(1, 3);
  negative.insert(0, 1) = -3;
  EXPECT_EQ(summarize(negative).max, 0.0);
}

TEST(MatrixSummary, AnyMatrixDispatches) {
  DenseMatrix<float> m(1, 2);
  m << 1, 2;
  const AnyMatrix any = m;
  const MatrixSummary s = summarize(any);
  EXPECT_EQ(s.dtype, DType::Float32);
  EXPECT_EQ(s.sum, 3.0);
  const AnyMatrix sparse = SparseMatrix<double>(m.cast<double>().sparseView());
  EXPECT_TRUE(summarize(sparse).sparse);
}

// Property: random matrices with every kind of special value, stored dense and sparse
// (compressed or not), summarise the same.
template <class T>
void check_sparse_matches_dense(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> size(0, 12);
  std::uniform_int_distribution<int> kind(0, 19);
  std::uniform_real_distribution<double> value(0.0, 10.0);
  const Index rows = size(rng);
  const Index cols = size(rng);
  DenseMatrix<T> dense = DenseMatrix<T>::Zero(rows, cols);
  SparseMatrix<T> sparse(rows, cols);
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) {
      const int k = kind(rng);
      if (k < 10) continue;  // implicit zero
      T v = static_cast<T>(value(rng));
      if (k == 10) v = T(0);  // explicit zero
      if (k == 11) v = std::numeric_limits<T>::quiet_NaN();
      if (k == 12) v = std::numeric_limits<T>::infinity();
      if (k == 13) v = -std::numeric_limits<T>::infinity();
      if (k == 14) v = -v;
      dense(i, j) = v;
      sparse.insert(i, j) = v;
    }
  }
  const MatrixSummary from_dense = summarize(dense);
  expect_same_content(summarize(sparse), from_dense);  // uncompressed
  sparse.makeCompressed();
  const MatrixSummary from_sparse = summarize(sparse);
  expect_same_content(from_sparse, from_dense);
  EXPECT_EQ(from_sparse.stored, sparse.nonZeros());
  EXPECT_EQ(from_dense.stored, rows * cols);
}

TEST(MatrixSummary, SparseMatchesDenseOnRandomMatrices) {
  for (unsigned seed = 0; seed < 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    check_sparse_matches_dense<double>(seed);
    check_sparse_matches_dense<float>(seed);
  }
}

}  // namespace
}  // namespace nmfkit
