// mTopic's preprocessing and knee filter against NumPy and scikit-learn (references from
// tests/oracles/mtopic_preprocess.py), on dense and CSR data in float64 and float32.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/numpy_generator.hpp"
#include "nmfkit/multimodal/knee.hpp"
#include "nmfkit/multimodal/preprocess.hpp"
#include "reference_data.hpp"
#include "test_helpers.hpp"

namespace nmfkit::multimodal {
namespace {

using testing::expect_invalid;

// "g0", "g1", ...: appended rather than "g" + std::to_string(j), which trips GCC 12's
// false -Wrestrict warning.
std::string numbered(const std::string& prefix, Index j) {
  std::string name = prefix;
  name += std::to_string(j);
  return name;
}

const nlohmann::json& cases() {
  static const nlohmann::json loaded = testing::load_reference_json("mtopic_preprocess/cases.json");
  return loaded;
}

DenseMatrix<double> dense_of(const nlohmann::json& rows) {
  const auto values = rows.get<std::vector<std::vector<double>>>();
  DenseMatrix<double> out(static_cast<Index>(values.size()),
                          values.empty() ? 0 : static_cast<Index>(values[0].size()));
  for (Index i = 0; i < out.rows(); ++i) {
    for (Index j = 0; j < out.cols(); ++j)
      out(i, j) = values[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  }
  return out;
}

// The matrix in the requested storage and element type.
AnyMatrix stored_as(const DenseMatrix<double>& X, bool sparse, DType dtype) {
  AnyMatrix out = sparse ? AnyMatrix(SparseMatrix<double>(X.sparseView())) : AnyMatrix(X);
  out.convert(dtype);
  return out;
}

DenseMatrix<double> to_dense(const AnyMatrix& X) {
  return X.visit([](const auto& m) -> DenseMatrix<double> {
    return DenseMatrix<double>(m.template cast<double>());
  });
}

// Same storage, type and shape as before; a CSR matrix keeps its non-zero count (zeros
// stay zero and non-zeros stay non-zero); values within `relative` of the reference, and
// exactly zero where it is zero.
void expect_transformed(const AnyMatrix& actual, const AnyMatrix& input,
                        const DenseMatrix<double>& expected, double relative,
                        const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(actual.is_sparse(), input.is_sparse());
  EXPECT_EQ(actual.dtype(), input.dtype());
  ASSERT_EQ(actual.rows(), expected.rows());
  ASSERT_EQ(actual.cols(), expected.cols());
  if (input.is_sparse()) {
    EXPECT_EQ(actual.stored(), input.stored());
  }
  const DenseMatrix<double> got = to_dense(actual);
  double worst = 0;
  for (Index i = 0; i < got.rows(); ++i) {
    for (Index j = 0; j < got.cols(); ++j) {
      const double e = expected(i, j);
      if (e == 0) {
        EXPECT_EQ(got(i, j), 0.0) << "at (" << i << ", " << j << ")";
        continue;
      }
      worst = std::max(worst, std::fabs(got(i, j) - e) / std::fabs(e));
    }
  }
  EXPECT_LE(worst, relative);
}

struct Storage {
  bool sparse;
  DType dtype;
  std::string label() const { return std::string(sparse ? "csr " : "dense ") + to_string(dtype); }
};

const Storage kStorages[] = {{false, DType::Float64},
                             {true, DType::Float64},
                             {false, DType::Float32},
                             {true, DType::Float32}};

TEST(MtopicPreprocess, TfidfMatchesScikitLearn) {
  for (const auto& c : cases().at("transforms")) {
    const DenseMatrix<double> X = dense_of(c.at("X"));
    for (const Storage& s : kStorages) {
      AnyMatrix input = stored_as(X, s.sparse, s.dtype);
      AnyMatrix out = input;
      tfidf(out);
      // float32: scikit-learn's idf is float32 too; NumPy's float32 log may differ from
      // the C library's in the last place.
      const bool single = s.dtype == DType::Float32;
      expect_transformed(out, input, dense_of(c.at(single ? "tfidf_float32" : "tfidf")),
                         single ? 1e-6 : 1e-13, c.at("name").get<std::string>() + " " + s.label());
    }
  }
}

TEST(MtopicPreprocess, ClrMatchesNumPy) {
  for (const auto& c : cases().at("transforms")) {
    const DenseMatrix<double> X = dense_of(c.at("X"));
    for (const Storage& s : kStorages) {
      AnyMatrix input = stored_as(X, s.sparse, s.dtype);
      AnyMatrix out = input;
      clr(out);
      expect_transformed(out, input, dense_of(c.at("clr")),
                         s.dtype == DType::Float32 ? 1e-6 : 1e-12,
                         c.at("name").get<std::string>() + " " + s.label());
    }
  }
}

TEST(MtopicPreprocess, ScaleCountsMatchesNumPy) {
  for (const auto& c : cases().at("transforms")) {
    const DenseMatrix<double> X = dense_of(c.at("X"));
    for (const Storage& s : kStorages) {
      const double tolerance = s.dtype == DType::Float32 ? 1e-6 : 1e-12;
      const std::string what = c.at("name").get<std::string>() + " " + s.label();
      AnyMatrix input = stored_as(X, s.sparse, s.dtype);
      AnyMatrix out = input;
      scale_counts(out);
      expect_transformed(out, input, dense_of(c.at("scale_counts")), tolerance, what);
      out = input;
      scale_counts(out, 50);
      expect_transformed(out, input, dense_of(c.at("scale_counts_50")), tolerance, what + " 50");
    }
  }
}

// Two modalities on the same 12 samples, one dense and one CSR.
MultiModalData two_modalities() {
  const DenseMatrix<double> X = dense_of(cases().at("transforms").at(0).at("X"));
  MultiModalData data;
  for (Index i = 0; i < X.rows(); ++i) data.sample_names.push_back(numbered("s", i));
  std::vector<std::string> genes;
  for (Index j = 0; j < X.cols(); ++j) genes.push_back(numbered("g", j));
  DenseMatrix<double> peaks = 2.0 * X.rowwise().reverse();
  std::vector<std::string> peak_names;
  for (Index j = 0; j < peaks.cols(); ++j) peak_names.push_back(numbered("p", j));
  data.modalities.push_back({"rna", AnyMatrix(X), genes});
  data.modalities.push_back(
      {"atac", AnyMatrix(SparseMatrix<double>(peaks.sparseView())), peak_names});
  return data;
}

TEST(MtopicPreprocess, ModalityOverloadsChangeOnlyTheirModality) {
  const auto& c = cases().at("transforms").at(0);
  MultiModalData data = two_modalities();
  const DenseMatrix<double> atac_before = to_dense(data.modalities[1].counts);
  tfidf(data, "rna");
  expect_transformed(data.modalities[0].counts, AnyMatrix(dense_of(c.at("X"))),
                     dense_of(c.at("tfidf")), 1e-13, "tfidf rna");
  EXPECT_EQ(to_dense(data.modalities[1].counts), atac_before);

  data = two_modalities();
  clr(data, "atac");
  EXPECT_EQ(to_dense(data.modalities[0].counts), dense_of(c.at("X")));
  EXPECT_TRUE(data.modalities[1].counts.is_sparse());

  // Every modality ends with the same total: n_samples · counts_per_cell.
  data = two_modalities();
  scale_counts(data, 100);
  for (const auto& m : data.modalities) {
    EXPECT_NEAR(to_dense(m.counts).sum(), 12 * 100.0, 1e-9) << m.name;
  }
}

TEST(MtopicPreprocess, BadValuesAreErrorsNamingTheModalityAndEntry) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {-1.0, nan, inf}) {
    MultiModalData data = two_modalities();
    auto& rna = std::get<DenseMatrix<double>>(data.modalities[0].counts.storage());
    rna(2, 3) = bad;
    AnyMatrix single = rna;
    const std::string kind = bad < 0 ? "a negative value" : "a non-finite value";
    expect_invalid([&] { tfidf(data, "rna"); }, "tfidf: modality 'rna' has " + kind);
    expect_invalid([&] { clr(data, "rna"); }, "at row 2, column 3");
    // The check runs on every modality first, so the valid one is left untouched.
    std::swap(data.modalities[0], data.modalities[1]);
    const DenseMatrix<double> atac_before = to_dense(data.modalities[0].counts);
    expect_invalid([&] { scale_counts(data); }, "scale_counts: modality 'rna' has " + kind);
    EXPECT_EQ(to_dense(data.modalities[0].counts), atac_before);

    expect_invalid([&] { tfidf(single); }, "tfidf: the matrix has " + kind);
  }
  SparseMatrix<float> negative(3, 3);
  negative.insert(1, 2) = -0.5f;
  AnyMatrix sparse(negative);
  expect_invalid([&] { clr(sparse); }, "at row 1, column 2");

  MultiModalData data = two_modalities();
  expect_invalid([&] { tfidf(data, "prot"); }, "no modality named 'prot'");
  expect_invalid([&] { clr(data, "protein"); }, "rna, atac");
}

TEST(MtopicPreprocess, ScaleCountsRejectsAnEmptyModalityAndBadTargets) {
  MultiModalData data = two_modalities();
  data.modalities[1].counts = AnyMatrix(SparseMatrix<double>(12, 7));
  expect_invalid([&] { scale_counts(data); }, "modality 'atac' is all zero");
  AnyMatrix zero = DenseMatrix<float>::Zero(3, 2).eval();
  expect_invalid([&] { scale_counts(zero); }, "the matrix is all zero");
  AnyMatrix X = dense_of(cases().at("transforms").at(0).at("X"));
  for (const double bad : {0.0, -5.0, std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity()}) {
    expect_invalid([&] { scale_counts(X, bad); }, "counts_per_cell must be finite and > 0");
  }
}

std::optional<Index> optional_index(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<Index>();
}

std::string describe(const std::optional<Index>& knee) {
  return knee ? std::to_string(*knee) : "none";
}

TEST(MtopicKnee, FindKneeMatchesTheNumPyKneedle) {
  int with_knee = 0;
  for (const auto& c : cases().at("knee")) {
    const auto y = c.at("y").get<std::vector<double>>();
    const double S = c.at("S").get<double>();
    const std::optional<Index> expected = optional_index(c.at("knee"));
    const std::optional<Index> got = find_knee(y, S);
    EXPECT_EQ(got, expected) << c.at("name").get<std::string>() << " S=" << S << ": got "
                             << describe(got) << ", expected " << describe(expected);
    with_knee += expected.has_value();
  }
  EXPECT_GT(with_knee, 30);  // the cases are not all "no knee"
}

TEST(MtopicKnee, KneeOfAKnownCurve) {
  // y = 1/(x+1) on 0..59: after scaling, the flipped curve stands farthest above the
  // diagonal near x = sqrt(60) - 1, between 6 and 7 (the maximum of d is at 7).
  std::vector<double> y;
  for (int i = 0; i < 60; ++i) y.push_back(1.0 / (i + 1.0));
  EXPECT_EQ(find_knee(y, 1.0), Index{7});
  // A straight line has no knee, nor do a flat curve and a single point.
  EXPECT_EQ(find_knee({1.0, 0.75, 0.5, 0.25, 0.0}, 1.0), std::nullopt);
  EXPECT_EQ(find_knee({2.0, 2.0, 2.0}, 1.0), std::nullopt);
  EXPECT_EQ(find_knee({2.0}, 1.0), std::nullopt);
  EXPECT_EQ(find_knee({}, 1.0), std::nullopt);
}

TEST(MtopicKnee, FindKneeRejectsBadCurves) {
  expect_invalid([] { find_knee({1.0, 0.5, 0.7}, 1.0); }, "non-increasing, but index 2");
  expect_invalid([] { find_knee({1.0, std::nan(""), 0.2}, 1.0); }, "non-finite value at index 1");
  expect_invalid([] { find_knee({1.0, 0.5}, std::nan("")); }, "sensitivity must be finite");
  expect_invalid([] { KneeOptions{std::numeric_limits<double>::infinity()}.validate(); },
                 "sensitivity must be finite, got inf");
}

TEST(MtopicKnee, FilterFeaturesMatchesTheReference) {
  for (const auto& c : cases().at("filter")) {
    const DenseMatrix<double> lambda = dense_of(c.at("lambda"));
    const KneeOptions options{c.at("S").get<double>()};
    const auto expected = c.at("kept").get<std::vector<Index>>();
    const std::string what =
        c.at("name").get<std::string>() + " S=" + std::to_string(options.sensitivity);
    EXPECT_EQ(filter_features_knee(lambda, options), expected) << what;
    if (options.sensitivity > 0) {
      EXPECT_LT(expected.size(), static_cast<std::size_t>(lambda.cols())) << what;
    }
  }
  // The planted case: the dropped features are exactly the dominant ones.
  const auto& planted = cases().at("filter").at(1);
  const DenseMatrix<double> lambda = dense_of(planted.at("lambda"));
  const auto kept = filter_features_knee(lambda, KneeOptions{5});
  const DenseMatrix<float> single = lambda.cast<float>();
  EXPECT_EQ(filter_features_knee(single, KneeOptions{5}), kept);
  const Vector<double> mean = lambda.colwise().mean().transpose();
  for (Index j = 0, k = 0; j < lambda.cols(); ++j) {
    const bool is_kept =
        k < static_cast<Index>(kept.size()) && kept[static_cast<std::size_t>(k)] == j;
    if (is_kept) ++k;
    EXPECT_EQ(is_kept, mean[j] < 3.0) << "feature " << j << " with mean lambda " << mean[j];
  }
}

TEST(MtopicKnee, FilterFeaturesRejectsBadLambda) {
  DenseMatrix<double> lambda = DenseMatrix<double>::Constant(3, 5, 1.0);
  lambda(1, 4) = -1;
  expect_invalid([&] { filter_features_knee(lambda); }, "at topic 1, feature 4");
  lambda(1, 4) = std::numeric_limits<double>::infinity();
  expect_invalid([&] { filter_features_knee(lambda); }, "finite and >= 0");
  lambda.row(1).setZero();
  expect_invalid([&] { filter_features_knee(lambda); }, "topic 1 of lambda is all zero");
  expect_invalid([] { filter_features_knee(DenseMatrix<double>(0, 4)); }, "no topics");
  expect_invalid(
      [] {
        filter_features_knee(DenseMatrix<double>::Ones(2, 4).eval(), KneeOptions{std::nan("")});
      },
      "sensitivity must be finite");
}

TEST(MtopicKnee, KeepFeaturesSelectsColumnsAndNames) {
  MultiModalData data = two_modalities();
  const DenseMatrix<double> rna = to_dense(data.modalities[0].counts);
  const DenseMatrix<double> atac = to_dense(data.modalities[1].counts);
  keep_features(data, "rna", {0, 2, 6});
  keep_features_named(data, "atac", {"p5", "p1"});
  data.validate();
  EXPECT_EQ(data.modalities[0].feature_names, (std::vector<std::string>{"g0", "g2", "g6"}));
  EXPECT_EQ(data.modalities[1].feature_names, (std::vector<std::string>{"p1", "p5"}));
  EXPECT_FALSE(data.modalities[0].counts.is_sparse());
  EXPECT_TRUE(data.modalities[1].counts.is_sparse());
  const DenseMatrix<double> kept_rna = to_dense(data.modalities[0].counts);
  const DenseMatrix<double> kept_atac = to_dense(data.modalities[1].counts);
  for (Index i = 0; i < rna.rows(); ++i) {
    EXPECT_EQ(kept_rna(i, 1), rna(i, 2));
    EXPECT_EQ(kept_rna(i, 2), rna(i, 6));
    EXPECT_EQ(kept_atac(i, 0), atac(i, 1));
    EXPECT_EQ(kept_atac(i, 1), atac(i, 5));
  }
  expect_invalid([&] { keep_features(data, "rna", {2, 1}); }, "ascending and distinct");
  expect_invalid([&] { keep_features(data, "rna", {0, 0}); }, "ascending and distinct");
  expect_invalid([&] { keep_features(data, "rna", {3}); }, "column 3 is out of range");
  expect_invalid([&] { keep_features_named(data, "atac", {"p1", "p9"}); }, "no feature named 'p9'");
  expect_invalid([&] { keep_features(data, "prot", {}); }, "no modality named 'prot'");
}

TEST(MtopicPreprocess, DropEmptyKeepsSamplesPresentInEveryModality) {
  MultiModalData data;
  data.sample_names = {"a", "b", "c", "d"};
  DenseMatrix<double> rna(4, 3);
  // clang-format off
  rna << 1, 0, 2,
         0, 0, 0,   // b: empty in rna
         3, 0, 1,
         0, 0, 4;   // column 1: empty everywhere
  DenseMatrix<double> prot(4, 2);
  prot << 5, 0,
          1, 1,
          0, 0,     // c: empty in prot
          2, 0;
  // clang-format on
  data.modalities.push_back(
      {"rna", AnyMatrix(SparseMatrix<double>(rna.sparseView())), {"x", "y", "z"}});
  data.modalities.push_back({"prot", AnyMatrix(prot), {"P", "Q"}});
  drop_empty(data);
  data.validate();
  EXPECT_EQ(data.sample_names, (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(data.modalities[0].feature_names, (std::vector<std::string>{"x", "z"}));
  // Q was non-zero only in the dropped sample b: filtered before the intersection, so kept.
  EXPECT_EQ(data.modalities[1].feature_names, (std::vector<std::string>{"P", "Q"}));
  DenseMatrix<double> rna_expected(2, 2);
  rna_expected << 1, 2, 0, 4;
  DenseMatrix<double> prot_expected(2, 2);
  prot_expected << 5, 0, 2, 0;
  EXPECT_TRUE(data.modalities[0].counts.is_sparse());
  EXPECT_EQ(to_dense(data.modalities[0].counts), rna_expected);
  EXPECT_EQ(to_dense(data.modalities[1].counts), prot_expected);
}

MultiModalData permute_reference_input() {
  const auto& p = cases().at("permute");
  MultiModalData data;
  data.sample_names = testing::strings(p.at("samples"));
  for (const auto& m : p.at("modalities")) {
    const DenseMatrix<double> X = dense_of(m.at("X"));
    std::vector<std::string> names;
    for (Index j = 0; j < X.cols(); ++j)
      names.push_back(numbered(m.at("name").get<std::string>(), j));
    data.modalities.push_back({m.at("name"), stored_as(X, m.at("sparse"), DType::Float64), names});
  }
  return data;
}

TEST(MtopicPermute, GeneratorMatchesNumPy) {
  const auto expected = cases().at("permute").at("permutation_2291_24").get<std::vector<Index>>();
  EXPECT_EQ(NumpyGenerator(2291).permutation(24), expected);
}

TEST(MtopicPermute, MatchesNumPyStreamForStream) {
  const MultiModalData input = permute_reference_input();
  for (const auto& c : cases().at("permute").at("cases")) {
    const PermuteOptions options{c.at("seed").get<std::uint64_t>(),
                                 c.at("sparse_mode").get<bool>()};
    SCOPED_TRACE("seed " + std::to_string(options.seed) +
                 (options.sparse_mode ? " sparse" : " dense"));
    const MultiModalData out = permute(input, options);
    out.validate();
    EXPECT_EQ(out.sample_names, testing::strings(c.at("samples")));
    ASSERT_EQ(out.modalities.size(), input.modalities.size());
    for (std::size_t k = 0; k < out.modalities.size(); ++k) {
      const Modality& m = out.modalities[k];
      std::vector<std::string> names;
      for (Index j : c.at("features").at(k).get<std::vector<Index>>()) {
        names.push_back(input.modalities[k].feature_names[static_cast<std::size_t>(j)]);
      }
      EXPECT_EQ(m.feature_names, names) << m.name;
      EXPECT_EQ(m.counts.is_sparse(), input.modalities[k].counts.is_sparse()) << m.name;
      EXPECT_EQ(to_dense(m.counts), dense_of(c.at("X").at(k))) << m.name;  // values only move
    }
  }
}

// Three modalities without empty samples or features; column 0 of rna and atac holds the
// row number + 1, so a row's origin can be read after a dense shuffle.
MultiModalData tracked_data() {
  const Index n = 40;
  MultiModalData data;
  for (Index i = 0; i < n; ++i) data.sample_names.push_back(numbered("c", i));
  DenseMatrix<double> rna = testing::random_nonnegative(n, 6, 3, 0.1);
  SparseMatrix<double> atac = testing::random_sparse(n, 10, 0.3, 4);
  DenseMatrix<double> atac_dense(atac);
  DenseMatrix<double> prot = testing::random_nonnegative(n, 3, 5, 0.1);
  for (Index i = 0; i < n; ++i) {
    rna(i, 0) = static_cast<double>(i + 1);
    atac_dense(i, 0) = static_cast<double>(i + 1);
    prot(i, 0) = static_cast<double>(i + 1);
    atac_dense(i, 1 + i % 9) += 1.0;  // every column non-zero somewhere
  }
  auto names = [](const std::string& prefix, Index count) {
    std::vector<std::string> out;
    for (Index j = 0; j < count; ++j) out.push_back(numbered(prefix, j));
    return out;
  };
  data.modalities.push_back({"rna", AnyMatrix(rna), names("g", 6)});
  data.modalities.push_back(
      {"atac", AnyMatrix(SparseMatrix<double>(atac_dense.sparseView())), names("p", 10)});
  data.modalities.push_back(
      {"prot", AnyMatrix(DenseMatrix<float>(prot.cast<float>())), names("a", 3)});
  return data;
}

std::vector<double> sorted_column(const DenseMatrix<double>& X, Index j) {
  std::vector<double> values;
  for (Index i = 0; i < X.rows(); ++i) values.push_back(X(i, j));
  std::sort(values.begin(), values.end());
  return values;
}

TEST(MtopicPermute, KeepsColumnValuesAndBreaksThePairing) {
  const MultiModalData input = tracked_data();
  const Index n = input.n_samples();
  for (const bool sparse_mode : {false, true}) {
    SCOPED_TRACE(sparse_mode ? "sparse mode" : "dense mode");
    const MultiModalData out = permute(input, {2291, sparse_mode});
    // Nothing is empty, so nothing is dropped; names stay with their positions.
    ASSERT_EQ(out.n_samples(), n);
    EXPECT_EQ(out.sample_names, input.sample_names);
    std::vector<std::vector<Index>> origins;
    for (std::size_t k = 0; k < out.modalities.size(); ++k) {
      const DenseMatrix<double> before = to_dense(input.modalities[k].counts);
      const DenseMatrix<double> after = to_dense(out.modalities[k].counts);
      ASSERT_EQ(after.cols(), before.cols());
      EXPECT_EQ(out.modalities[k].counts.dtype(), input.modalities[k].counts.dtype());
      EXPECT_EQ(out.modalities[k].counts.is_sparse(), input.modalities[k].counts.is_sparse());
      for (Index j = 0; j < before.cols(); ++j) {
        EXPECT_EQ(sorted_column(after, j), sorted_column(before, j)) << "column " << j;
      }
      if (sparse_mode) {
        // The pattern stays: every sample keeps its set of non-zero features.
        EXPECT_EQ((after.array() != 0).matrix(), (before.array() != 0).matrix());
        EXPECT_NE(after, before);
      } else {
        // Whole rows move: row i is some input row, each input row used once.
        std::vector<Index> origin;
        for (Index i = 0; i < n; ++i) {
          const Index from = static_cast<Index>(after(i, 0)) - 1;
          EXPECT_EQ(after.row(i), before.row(from)) << "row " << i;
          origin.push_back(from);
        }
        std::vector<Index> sorted = origin;
        std::sort(sorted.begin(), sorted.end());
        for (Index i = 0; i < n; ++i) EXPECT_EQ(sorted[static_cast<std::size_t>(i)], i);
        origins.push_back(origin);
      }
    }
    if (!sparse_mode) {
      // Each modality has its own row order: a sample's modalities now come from
      // different samples almost everywhere (independent orders agree at ~1 position).
      for (std::size_t a = 0; a < origins.size(); ++a) {
        for (std::size_t b = a + 1; b < origins.size(); ++b) {
          Index same = 0;
          for (Index i = 0; i < n; ++i)
            same +=
                origins[a][static_cast<std::size_t>(i)] == origins[b][static_cast<std::size_t>(i)];
          EXPECT_LT(same, n / 4) << "modalities " << a << " and " << b;
        }
      }
    }
  }
}

TEST(MtopicPermute, SameSeedSameResult) {
  const MultiModalData input = tracked_data();
  for (const bool sparse_mode : {false, true}) {
    const MultiModalData first = permute(input, {17, sparse_mode});
    const MultiModalData again = permute(input, {17, sparse_mode});
    const MultiModalData other = permute(input, {18, sparse_mode});
    bool differs = false;
    for (std::size_t k = 0; k < input.modalities.size(); ++k) {
      EXPECT_EQ(to_dense(first.modalities[k].counts), to_dense(again.modalities[k].counts));
      differs =
          differs || to_dense(first.modalities[k].counts) != to_dense(other.modalities[k].counts);
    }
    EXPECT_TRUE(differs) << (sparse_mode ? "sparse" : "dense");
  }
}

TEST(MtopicPermute, RejectsBadData) {
  MultiModalData data = tracked_data();
  std::get<DenseMatrix<double>>(data.modalities[0].counts.storage())(4, 2) = -3;
  expect_invalid([&] { permute(data); }, "permute: modality 'rna' has a negative value");
  data = tracked_data();
  data.sample_names.pop_back();
  expect_invalid([&] { permute(data); }, "modality 'rna' has 40 samples");
}

}  // namespace
}  // namespace nmfkit::multimodal
