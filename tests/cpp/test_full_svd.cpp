// full_svd against numpy.linalg.svd (tests/oracles/numpy_svd.py), and the properties
// of an SVD that need no oracle: reconstruction, orthonormality, the sign rule.

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/linalg/full_svd.hpp"
#include "reference_data.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using linalg::FullSvdOptions;
using linalg::Svd;
using nlohmann::json;

DenseMatrix<double> matrix_of(const json& rows) {
  const Index m = static_cast<Index>(rows.size());
  const Index n = m > 0 ? static_cast<Index>(rows[0].size()) : 0;
  DenseMatrix<double> out(m, n);
  for (Index i = 0; i < m; ++i) {
    for (Index j = 0; j < n; ++j) out(i, j) = rows[i][j].get<double>();
  }
  return out;
}

Vector<double> vector_of(const json& values) {
  Vector<double> out(static_cast<Index>(values.size()));
  for (Index i = 0; i < out.size(); ++i) out(i) = values[i].get<double>();
  return out;
}

template <class T>
double epsilon() {
  return static_cast<double>(std::numeric_limits<T>::epsilon());
}

// Checks every property of `svd` of X against NumPy's U, S, Vt.
template <class T>
void expect_matches_numpy(const DenseMatrix<T>& X, const Svd<T>& svd, const json& reference) {
  const Vector<double> S_ref = vector_of(reference.at("S"));
  const DenseMatrix<double> U_ref = matrix_of(reference.at("U"));
  const DenseMatrix<double> Vt_ref = matrix_of(reference.at("Vt"));
  const Index m = X.rows();
  const Index n = X.cols();
  const Index r = std::min(m, n);
  ASSERT_EQ(svd.S.size(), r);
  ASSERT_EQ(svd.U.rows(), m);
  ASSERT_EQ(svd.U.cols(), r);
  ASSERT_EQ(svd.Vt.rows(), r);
  ASSERT_EQ(svd.Vt.cols(), n);

  const Vector<double> S = svd.S.template cast<double>();
  const DenseMatrix<double> U = svd.U.template cast<double>();
  const DenseMatrix<double> Vt = svd.Vt.template cast<double>();
  const double sigma1 = std::max(S_ref(0), 1e-300);
  // Both SVDs are backward stable: each value within a small multiple of ε·σ₁.
  const double value_tolerance = 50 * epsilon<T>() * static_cast<double>(std::max(m, n)) * sigma1;
  for (Index i = 0; i < r; ++i) {
    EXPECT_NEAR(S(i), S_ref(i), value_tolerance) << "singular value " << i;
    if (i > 0) {
      EXPECT_GE(S(i - 1), S(i)) << "not descending at " << i;
    }
    EXPECT_GE(S(i), 0.0);
  }

  const DenseMatrix<double> Xd = X.template cast<double>();
  const double size_factor = 20 * epsilon<T>() * static_cast<double>(std::max(m, n));
  EXPECT_LE((U * S.asDiagonal() * Vt - Xd).cwiseAbs().maxCoeff(), size_factor * sigma1 + 1e-300)
      << "U·diag(S)·Vt differs from X";
  EXPECT_LE((U.transpose() * U - DenseMatrix<double>::Identity(r, r)).cwiseAbs().maxCoeff(),
            size_factor)
      << "U's columns are not orthonormal";
  EXPECT_LE((Vt * Vt.transpose() - DenseMatrix<double>::Identity(r, r)).cwiseAbs().maxCoeff(),
            size_factor)
      << "Vt's rows are not orthonormal";

  // A singular vector is unique up to sign when its value is apart from the others; the
  // error of either SVD's vector is then about ε·σ₁/gap.
  for (Index i = 0; i < r; ++i) {
    double gap = sigma1;  // a lone value: apart from zero
    if (i > 0) gap = std::min(gap, S_ref(i - 1) - S_ref(i));
    if (i + 1 < r) gap = std::min(gap, S_ref(i) - S_ref(i + 1));
    if (gap < 1e-3 * sigma1) continue;
    const double tolerance = 1000 * epsilon<T>() * sigma1 / gap;
    const double sign = U.col(i).dot(U_ref.col(i)) < 0 ? -1.0 : 1.0;
    EXPECT_LE((U.col(i) - sign * U_ref.col(i)).cwiseAbs().maxCoeff(), tolerance)
        << "left singular vector " << i;
    EXPECT_LE((Vt.row(i) - sign * Vt_ref.row(i)).cwiseAbs().maxCoeff(), tolerance)
        << "right singular vector " << i;
  }

  // The documented sign rule: the largest |entry| of each column of U is positive.
  for (Index j = 0; j < r; ++j) {
    Index largest = 0;
    for (Index i = 1; i < m; ++i) {
      if (std::abs(U(i, j)) > std::abs(U(largest, j))) largest = i;
    }
    EXPECT_GT(U(largest, j), 0.0) << "column " << j << " of U";
  }
}

template <class T>
void check_case(const json& reference) {
  const std::string name = reference.at("name").get<std::string>();
  SCOPED_TRACE(name);
  const DType dtype = dtype_of<T>();
  AnyMatrix input = io::read_matrix(
      testing::reference_path("svd/" + reference.at("input").get<std::string>()), dtype);
  const bool sparse = reference.at("sparse").get<bool>();
  ASSERT_EQ(input.is_sparse(), sparse);
  DenseMatrix<T> X;
  Svd<T> svd;
  Svd<T> values_only;
  FullSvdOptions no_vectors;
  no_vectors.compute_vectors = false;
  if (sparse) {
    const auto& Xs = std::get<SparseMatrix<T>>(input.storage());
    X = DenseMatrix<T>(Xs);
    svd = linalg::full_svd(Xs);
    values_only = linalg::full_svd(Xs, no_vectors);
    // The sparse and the dense path build the same staircase: the same numbers, exactly.
    const Svd<T> dense = linalg::full_svd(X);
    EXPECT_EQ(dense.S, svd.S) << "sparse and dense singular values differ";
    EXPECT_EQ(dense.U, svd.U) << "sparse and dense U differ";
    EXPECT_EQ(dense.Vt, svd.Vt) << "sparse and dense Vt differ";
  } else {
    X = std::get<DenseMatrix<T>>(input.storage());
    svd = linalg::full_svd(X);
    values_only = linalg::full_svd(X, no_vectors);
  }
  expect_matches_numpy(X, svd, reference);
  EXPECT_EQ(values_only.U.size(), 0);
  EXPECT_EQ(values_only.Vt.size(), 0);
  ASSERT_EQ(values_only.S.size(), svd.S.size());
  const double sigma1 = static_cast<double>(svd.S(0));
  for (Index i = 0; i < svd.S.size(); ++i) {
    EXPECT_NEAR(values_only.S(i), svd.S(i), 100 * epsilon<T>() * sigma1) << "value " << i;
  }
}

TEST(FullSvd, MatchesNumpyOnEveryCase) {
  const json cases = testing::load_reference_json("svd/cases.json");
  ASSERT_TRUE(cases.is_array());
  ASSERT_GE(cases.size(), 10u);
  for (const auto& reference : cases) {
    if (reference.at("dtype") == "float32") {
      check_case<float>(reference);
    } else {
      check_case<double>(reference);
    }
  }
}

TEST(FullSvd, SameResultForAnyThreadCount) {
  const SparseMatrix<double> X = testing::random_sparse(150, 400, 0.05, 11);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Svd<double> one = linalg::full_svd(X);
  omp_set_num_threads(3);
  const Svd<double> three = linalg::full_svd(X);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.S, three.S);
  EXPECT_EQ(one.U, three.U);
  EXPECT_EQ(one.Vt, three.Vt);
}

TEST(FullSvd, FlipSignOffKeepsAValidDecomposition) {
  const DenseMatrix<double> X = testing::random_nonnegative(20, 12, 5);
  FullSvdOptions options;
  options.flip_sign = false;
  const Svd<double> raw = linalg::full_svd(X, options);
  const Svd<double> flipped = linalg::full_svd(X);
  EXPECT_EQ(raw.S, flipped.S);
  EXPECT_LE((raw.U * raw.S.asDiagonal() * raw.Vt - X).cwiseAbs().maxCoeff(), 1e-12);
  for (Index j = 0; j < X.cols(); ++j) {
    EXPECT_NEAR(std::abs(raw.U.col(j).dot(flipped.U.col(j))), 1.0, 1e-12);
  }
}

TEST(FullSvd, RejectsEmptyMatrices) {
  EXPECT_THROW(linalg::full_svd(DenseMatrix<double>(0, 3)), InvalidArgument);
  EXPECT_THROW(linalg::full_svd(SparseMatrix<float>(4, 0)), InvalidArgument);
}

TEST(FullSvd, RejectsNonFiniteEntriesNamingThePlace) {
  DenseMatrix<double> X = DenseMatrix<double>::Ones(4, 5);
  X(1, 2) = std::numeric_limits<double>::quiet_NaN();
  X(3, 0) = std::numeric_limits<double>::infinity();
  try {
    linalg::full_svd(X);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("row 1, column 2"), std::string::npos) << e.what();
  }
  SparseMatrix<float> S(3, 3);
  S.insert(2, 1) = -std::numeric_limits<float>::infinity();
  try {
    linalg::full_svd(S);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("row 2, column 1"), std::string::npos) << e.what();
  }
}

TEST(FullSvd, CancelledByProgress) {
  Progress progress;
  progress.cancel_requested = [] { return true; };
  EXPECT_THROW(linalg::full_svd(testing::random_nonnegative(10, 10, 1), {}, progress), Cancelled);
}

// The acceptance test: the 20 newsgroups notebook's count matrix (2034 × 26576). Rule:
// a value NumPy finds above 1e-8·σ₁ must agree to 1e-8 relative to itself; the values
// below (zero to working precision: the empty and the repeated documents) to 1e-8·σ₁.
TEST(FullSvd, NewsgroupsCountMatrixMatchesNumpy) {
  const json news = testing::load_reference_json("svd/news.json");
  if (!news.value("available", false)) {
    GTEST_SKIP() << news.value("note", std::string("svd/news.json is missing"));
  }
  AnyMatrix input = io::read_matrix(testing::reference_path("svd/news_counts.mtx"));
  const auto& X = std::get<SparseMatrix<double>>(input.storage());
  ASSERT_EQ(X.rows(), 2034);
  ASSERT_EQ(X.cols(), 26576);
  FullSvdOptions options;
  options.compute_vectors = false;
  const Svd<double> svd = linalg::full_svd(X, options);
  const Vector<double> S_ref = vector_of(news.at("S"));
  ASSERT_EQ(svd.S.size(), S_ref.size());
  const double sigma1 = S_ref(0);
  double worst_relative = 0;
  double worst_zero = 0;
  Index zeros = 0;
  for (Index i = 0; i < S_ref.size(); ++i) {
    const double difference = std::abs(svd.S(i) - S_ref(i));
    if (S_ref(i) > 1e-8 * sigma1) {
      worst_relative = std::max(worst_relative, difference / S_ref(i));
      EXPECT_LE(difference, 1e-8 * S_ref(i)) << "value " << i << " (NumPy " << S_ref(i) << ")";
    } else {
      ++zeros;
      worst_zero = std::max(worst_zero, difference / sigma1);
      EXPECT_LE(difference, 1e-8 * sigma1) << "value " << i << " (NumPy " << S_ref(i) << ")";
    }
  }
  std::cout << "news: " << S_ref.size() - zeros << " values worst relative difference "
            << worst_relative << ", " << zeros << " zero values worst difference / sigma1 "
            << worst_zero << '\n';
  RecordProperty("worst_relative_difference", std::to_string(worst_relative));
  RecordProperty("worst_zero_difference_over_sigma1", std::to_string(worst_zero));
}

}  // namespace
}  // namespace nmfkit
