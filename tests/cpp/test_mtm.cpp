// mTopic's multimodal topic model: agreement with the NumPy reference of its update
// equations (tests/oracles/mtopic_mtm.py), and properties that hold for any data.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nmfkit/core/digamma.hpp"
#include "nmfkit/core/numpy_generator.hpp"
#include "nmfkit/multimodal/mtm.hpp"
#include "nmfkit/multimodal/topic_number.hpp"
#include "reference_data.hpp"
#include "test_helpers.hpp"

namespace nmfkit::multimodal {
namespace {

using nmfkit::testing::expect_invalid;
using nmfkit::testing::load_reference_json;
using Json = nlohmann::json;

constexpr double kAgreement = 1e-8;  // the bar for the NumPy reference

// No per-iteration lines in the test log.
const Progress kQuiet{[](const std::string&) {}, {}};

DenseMatrix<double> matrix(const Json& rows) {
  DenseMatrix<double> out(static_cast<Index>(rows.size()),
                          rows.empty() ? 0 : static_cast<Index>(rows[0].size()));
  for (Index i = 0; i < out.rows(); ++i)
    for (Index j = 0; j < out.cols(); ++j) out(i, j) = rows[i][j].get<double>();
  return out;
}

std::vector<DenseMatrix<double>> matrices(const Json& list) {
  std::vector<DenseMatrix<double>> out;
  for (const auto& m : list) out.push_back(matrix(m));
  return out;
}

// Dense first modality, CSR second: both storages go through the model.
MultiModalData to_data(const std::vector<DenseMatrix<double>>& Xs) {
  MultiModalData data;
  for (Index d = 0; d < Xs[0].rows(); ++d) data.sample_names.push_back("s" + std::to_string(d));
  for (std::size_t m = 0; m < Xs.size(); ++m) {
    Modality mod;
    mod.name = m == 0 ? "rna" : "atac";
    for (Index w = 0; w < Xs[m].cols(); ++w) mod.feature_names.push_back(std::to_string(w));
    if (m == 0) {
      mod.counts = Xs[m];
    } else {
      SparseMatrix<double> S = Xs[m].sparseView();
      mod.counts = S;
    }
    data.modalities.push_back(std::move(mod));
  }
  return data;
}

MtmOptions reference_options(const Json& ref) {
  MtmOptions o;
  o.n_topics = ref["n_topics"].get<int>();
  o.alpha = ref["alpha"].get<double>();
  o.eta = ref["eta"].get<double>();
  o.max_iter_d = ref["max_iter_d"].get<int>();
  o.gamma_tol = ref["gamma_tol"].get<double>();
  return o;
}

// |a − b| ≤ tol·max(1, |b|) everywhere: relative for large values, absolute near zero.
void expect_close(const DenseMatrix<double>& actual, const DenseMatrix<double>& expected,
                  double tol, const std::string& what) {
  ASSERT_EQ(actual.rows(), expected.rows()) << what;
  ASSERT_EQ(actual.cols(), expected.cols()) << what;
  double worst = 0;
  for (Index i = 0; i < actual.size(); ++i) {
    const double e = expected.data()[i];
    worst = std::max(worst, std::abs(actual.data()[i] - e) / std::max(1.0, std::abs(e)));
  }
  EXPECT_LE(worst, tol) << what;
}

void expect_model(const MtmModel& model, const Json& expected, const std::string& what) {
  const auto lambda = matrices(expected["lambda"]);
  ASSERT_EQ(model.lambda.size(), lambda.size());
  for (std::size_t m = 0; m < lambda.size(); ++m)
    expect_close(model.lambda[m], lambda[m], kAgreement, what + " lambda " + std::to_string(m));
  expect_close(model.gamma, matrix(expected["gamma"]), kAgreement, what + " gamma");
}

std::vector<std::vector<Index>> batches(const Json& rows) {
  std::vector<std::vector<Index>> out;
  for (const auto& row : rows) out.push_back(row.get<std::vector<Index>>());
  return out;
}

class MtmOracle : public ::testing::Test {
 protected:
  void SetUp() override {
    ref_ = load_reference_json("mtopic/mtm.json");
    if (ref_.empty()) GTEST_SKIP() << "no reference";
    data_ = to_data(matrices(ref_["data"]));
    new_data_ = to_data(matrices(ref_["new_data"]));
    options_ = reference_options(ref_);
    lambda0_ = matrices(ref_["lambda0"]);
  }
  Json ref_;
  MultiModalData data_, new_data_;
  MtmOptions options_;
  std::vector<DenseMatrix<double>> lambda0_;
};

TEST(MtmDigamma, WithinFourUlpOfScipy) {
  const Json ref = load_reference_json("mtopic/mtm.json");
  if (ref.empty()) return;
  const auto x = ref["digamma"]["x"].get<std::vector<double>>();
  const auto psi = ref["digamma"]["psi"].get<std::vector<double>>();
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double ulp = std::abs(std::nextafter(psi[i], INFINITY) - psi[i]);
    worst = std::max(worst, std::abs(digamma(x[i]) - psi[i]) / ulp);
  }
  EXPECT_LE(worst, 4.0);
  EXPECT_TRUE(std::isnan(digamma(-2.0)));
  EXPECT_EQ(digamma(0.0), -INFINITY);
  EXPECT_NEAR(digamma(-0.5), 0.03648997397857652, 1e-15);  // ψ(1/2) + 2, by reflection
}

TEST_F(MtmOracle, FiveViIterationsAgree) {
  const MtmModel model = fit_vi(data_, options_, ref_["vi"]["n_iter"].get<int>(), kQuiet, lambda0_);
  expect_model(model, ref_["vi"], "vi");
  EXPECT_EQ(model.n_iter, 5);
  // The never-seen feature keeps only the prior.
  for (Index k = 0; k < model.n_topics(); ++k) EXPECT_EQ(model.lambda[0](k, 3), options_.eta);
}

TEST_F(MtmOracle, SviWithFixedBatchesAgrees) {
  SviOptions svi;
  svi.tau = ref_["svi"]["tau"].get<double>();
  svi.kappa = ref_["svi"]["kappa"].get<double>();
  const MtmModel model =
      fit_svi(data_, options_, svi, kQuiet, lambda0_, batches(ref_["svi"]["batches"]));
  expect_model(model, ref_["svi"], "svi");
}

TEST_F(MtmOracle, SeededStartAndBatchesAreNumpys) {
  options_.seed = ref_["seeded_svi"]["seed"].get<std::uint64_t>();
  const auto expected0 = matrices(ref_["seeded_svi"]["lambda0"]);
  const auto start = initial_lambda(data_, options_);
  ASSERT_EQ(start.size(), expected0.size());
  for (std::size_t m = 0; m < start.size(); ++m) EXPECT_EQ(start[m], expected0[m]);
  SviOptions svi;
  svi.n_batches = 6;
  svi.batch_size = 10;
  const MtmModel model = fit_svi(data_, options_, svi, kQuiet);
  expect_model(model, ref_["seeded_svi"], "seeded svi");
}

TEST_F(MtmOracle, SpatialModelAgrees) {
  SpatialOptions spatial;
  spatial.radius = ref_["smtm"]["radius"].get<double>();
  const MtmModel model = fit_spatial(data_, matrix(ref_["smtm"]["coordinates"]), options_, spatial,
                                     ref_["smtm"]["n_iter"].get<int>(), kQuiet, lambda0_);
  expect_model(model, ref_["smtm"], "smtm");
}

TEST_F(MtmOracle, HeldOutInferenceAndLikelihoodAgree) {
  const MtmModel model = fit_vi(data_, options_, 5, kQuiet, lambda0_);
  const DenseMatrix<double> theta = predict_theta(model, new_data_);
  expect_close(theta, matrix(ref_["predict"]["theta"]), kAgreement, "theta");
  const auto ll = held_out_log_likelihood(model, new_data_, theta);
  const auto expected = ref_["predict"]["log_likelihood"].get<std::vector<double>>();
  ASSERT_EQ(ll.per_modality.size(), expected.size());
  for (std::size_t m = 0; m < expected.size(); ++m)
    EXPECT_NEAR(ll.per_modality[m], expected[m], kAgreement * std::abs(expected[m]));
  EXPECT_DOUBLE_EQ(ll.total, ll.per_modality[0] + ll.per_modality[1]);
}

TEST_F(MtmOracle, PlateauFitMatchesScipy) {
  for (const auto& c : ref_["curve_fits"]) {
    std::vector<int> ks;
    for (double k : c["ks"].get<std::vector<double>>()) ks.push_back(static_cast<int>(k));
    const PlateauFit fit = fit_plateau(ks, c["ll"].get<std::vector<double>>());
    const auto params = c["params"].get<std::vector<double>>();
    for (int i = 0; i < 4; ++i)
      EXPECT_NEAR(fit.params[i], params[i], 1e-9 * std::max(1.0, std::abs(params[i])));
    EXPECT_NEAR(fit.sse, c["sse"].get<double>(), 1e-12);
    EXPECT_NEAR(fit.r2, c["r2"].get<double>(), 1e-9);
    EXPECT_EQ(fit.best_k, c["best_k"].get<int>());
  }
}

// Three topics, each with features of its own in both modalities; samples mostly of one
// topic. The model must find one fitted topic per planted one.
struct Planted {
  MultiModalData data;
  std::vector<int> topic_of_sample;
};

Planted planted_data(Index n, int K, std::uint64_t seed) {
  NumpyGenerator rng(seed);
  Planted out;
  const Index per_topic[2] = {12, 6};
  DenseMatrix<double> X[2] = {DenseMatrix<double>::Zero(n, K * per_topic[0]),
                              DenseMatrix<double>::Zero(n, K * per_topic[1])};
  for (Index d = 0; d < n; ++d) {
    const int main = static_cast<int>(d % K);
    out.topic_of_sample.push_back(main);
    out.data.sample_names.push_back("s" + std::to_string(d));
    for (int m = 0; m < 2; ++m) {
      for (Index w = 0; w < X[m].cols(); ++w) {
        const int topic = static_cast<int>(w / per_topic[m]);
        const double rate = topic == main ? 3.0 : 0.15;
        // Gamma values: real, with many small ones, zeroed at random.
        const double v = rng.gamma(rate, 1.0);
        X[m](d, w) = rng.random() < 0.3 ? 0.0 : v;
      }
    }
  }
  for (int m = 0; m < 2; ++m) {
    Modality mod;
    mod.name = m == 0 ? "rna" : "prot";
    for (Index w = 0; w < X[m].cols(); ++w) mod.feature_names.push_back("f" + std::to_string(w));
    if (m == 0) {
      mod.counts = X[m];
    } else {
      SparseMatrix<double> S = X[m].sparseView();
      mod.counts = S;
    }
    out.data.modalities.push_back(std::move(mod));
  }
  return out;
}

TEST(MtmProperties, RecoversPlantedTopics) {
  const Planted p = planted_data(90, 3, 5);
  MtmOptions o;
  o.n_topics = 3;
  const MtmModel model = fit_vi(p.data, o, 30, kQuiet);
  // Map each planted topic to the fitted topic that dominates its samples.
  const DenseMatrix<double> theta = model.topic_proportions();
  std::vector<int> fitted_of(3, -1);
  int agree = 0;
  for (Index d = 0; d < theta.rows(); ++d) {
    Index k = 0;
    theta.row(d).maxCoeff(&k);
    if (fitted_of[p.topic_of_sample[d]] < 0) fitted_of[p.topic_of_sample[d]] = static_cast<int>(k);
    agree += fitted_of[p.topic_of_sample[d]] == k;
  }
  EXPECT_GE(agree, 88);
  EXPECT_NE(fitted_of[0], fitted_of[1]);
  EXPECT_NE(fitted_of[1], fitted_of[2]);
  EXPECT_NE(fitted_of[0], fitted_of[2]);
  // Each fitted β puts most of its mass on its planted topic's features, in both modalities.
  for (std::size_t m = 0; m < 2; ++m) {
    const DenseMatrix<double> beta = model.expected_beta(m);
    const Index block = beta.cols() / 3;
    for (int t = 0; t < 3; ++t)
      EXPECT_GT(beta.row(fitted_of[t]).segment(t * block, block).sum(), 0.8) << m << " " << t;
  }
}

TEST(MtmProperties, AnyThreadCountGivesTheSameBits) {
  const Planted p = planted_data(60, 3, 11);
  DenseMatrix<double> coords(60, 2);
  NumpyGenerator rng(3);
  for (Index i = 0; i < coords.size(); ++i) coords.data()[i] = rng.random();
  auto run = [&](int threads) {
    MtmOptions o;
    o.n_topics = 4;
    o.n_threads = threads;
    SviOptions svi;
    svi.n_batches = 5;
    svi.batch_size = 16;
    SpatialOptions spatial;
    spatial.radius = 0.2;
    std::vector<MtmModel> models = {fit_vi(p.data, o, 4, kQuiet), fit_svi(p.data, o, svi, kQuiet),
                                    fit_spatial(p.data, coords, o, spatial, 3, kQuiet)};
    return std::make_pair(models, predict_theta(models[0], p.data));
  };
  const auto one = run(1), two = run(2);
  for (std::size_t i = 0; i < one.first.size(); ++i) {
    for (std::size_t m = 0; m < 2; ++m)
      EXPECT_EQ(one.first[i].lambda[m], two.first[i].lambda[m]) << i;
    EXPECT_EQ(one.first[i].gamma, two.first[i].gamma) << i;
  }
  EXPECT_EQ(one.second, two.second);
}

TEST(MtmProperties, SameSeedSameModelAndSviLeavesUndrawnSamplesAtAlpha) {
  const Planted p = planted_data(40, 3, 2);
  MtmOptions o;
  o.n_topics = 3;
  SviOptions svi;
  svi.n_batches = 1;
  svi.batch_size = 5;
  const MtmModel a = fit_svi(p.data, o, svi, kQuiet), b = fit_svi(p.data, o, svi, kQuiet);
  EXPECT_EQ(a.lambda[0], b.lambda[0]);
  EXPECT_EQ(a.gamma, b.gamma);
  int at_alpha = 0;
  for (Index d = 0; d < a.gamma.rows(); ++d) at_alpha += (a.gamma.row(d).array() == 1.0 / 3).all();
  EXPECT_GE(at_alpha, 35);  // at most 5 samples drawn
}

TEST(MtmProperties, SpatialNeighbourhoods) {
  DenseMatrix<double> xy(4, 2);
  xy << 10, 10,  //
      12, 10,    //
      10, 11,    //
      20, 10;    // range 10 on x: scaled (0,0), (0.2,0), (0,0.1), (1,0)
  SpatialOptions o;
  o.radius = 0.2;
  const SpatialNeighbours nb = spatial_neighbours(xy, o);
  ASSERT_EQ(nb.offsets, (std::vector<Index>{0, 3, 5, 7, 8}));
  // Self first, then by distance; the boundary (0.2) is included.
  EXPECT_EQ(std::vector<Index>(nb.index.begin(), nb.index.begin() + 3),
            (std::vector<Index>{0, 2, 1}));
  EXPECT_EQ(nb.index[7], 3);
  EXPECT_DOUBLE_EQ(nb.weight[0], 1.0);
  EXPECT_NEAR(nb.weight[1], std::exp(-M_PI * 0.01), 1e-15);
  o.n_neighbors = 2;
  const SpatialNeighbours capped = spatial_neighbours(xy, o);
  EXPECT_EQ(capped.offsets, (std::vector<Index>{0, 2, 4, 6, 7}));
  EXPECT_EQ(capped.index[1], 2);
}

TEST(MtmProperties, ExportDropsRareTopics) {
  MtmModel model;
  model.gamma.resize(2, 3);
  model.gamma << 1, 0.001, 1,  //
      2, 0.002, 1;
  model.lambda = {DenseMatrix<double>::Constant(3, 2, 0.5)};
  model.lambda[0](2, 1) = 7;
  const ExportedTopics e = export_topics(model);
  EXPECT_EQ(e.topics, (std::vector<Index>{0, 2}));
  EXPECT_NEAR(e.proportions(0, 0), 1 / 2.001, 1e-15);  // not renormalised, as mTopic
  EXPECT_EQ(e.signatures[0](1, 1), 7);
  const ExportedTopics r = export_topics(model, true, 0.01, true);
  EXPECT_NEAR(r.proportions.row(1).sum(), 1.0, 1e-15);
  EXPECT_EQ(export_topics(model, false).topics.size(), 3u);
}

TEST(MtmProgress, ReportsEveryIterationAndStopsWhenAsked) {
  const Planted p = planted_data(30, 3, 1);
  MtmOptions o;
  o.n_topics = 3;
  std::vector<ProgressStep> steps;
  Progress progress;
  progress.step = [&](const ProgressStep& step) { steps.push_back(step); };
  fit_vi(p.data, o, 3, progress);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps.back().unit, "iterations");
  EXPECT_EQ(steps.back().done, 3);
  EXPECT_EQ(steps.back().total, 3);
  int polls = 0;
  progress.cancel_requested = [&] { return ++polls > 2; };
  EXPECT_THROW(fit_vi(p.data, o, 10, progress), Cancelled);
  EXPECT_EQ(polls, 3);
}

TEST(MtmErrors, BadOptionsAndInputsAreNamed) {
  const Planted p = planted_data(20, 2, 4);
  MtmOptions o;
  o.n_topics = 2;
  auto with = [&](auto change) {
    MtmOptions bad = o;
    change(bad);
    return bad;
  };
  expect_invalid([&] { fit_vi(p.data, with([](MtmOptions& b) { b.n_topics = 0; })); }, "n_topics");
  expect_invalid([&] { fit_vi(p.data, with([](MtmOptions& b) { b.eta = 0; })); }, "eta");
  expect_invalid([&] { fit_vi(p.data, with([](MtmOptions& b) { b.alpha = -1; })); }, "alpha");
  expect_invalid([&] { fit_vi(p.data, with([](MtmOptions& b) { b.max_iter_d = 0; })); },
                 "max_iter_d");
  expect_invalid([&] { fit_vi(p.data, o, 0); }, "n_iter");
  SviOptions svi;
  svi.kappa = 0.5;
  expect_invalid([&] { fit_svi(p.data, o, svi); }, "kappa");
  expect_invalid([&] { fit_svi(p.data, o, {}, {}, {}, {{0, 99}}); }, "sample index 99");
  SpatialOptions spatial;
  spatial.radius = 0;
  expect_invalid([&] { fit_spatial(p.data, DenseMatrix<double>::Zero(20, 2), o, spatial); },
                 "radius");
  expect_invalid([&] { fit_spatial(p.data, DenseMatrix<double>::Zero(20, 2), o); }, "same place");
  expect_invalid([&] { fit_spatial(p.data, DenseMatrix<double>::Zero(19, 2), o); }, "19 rows");

  MultiModalData negative = p.data;
  std::get<SparseMatrix<double>>(negative.modalities[1].counts.storage()).coeffRef(3, 2) = -1;
  expect_invalid([&] { fit_vi(negative, o); }, "modality 'prot'");
  MultiModalData not_finite = p.data;
  std::get<DenseMatrix<double>>(not_finite.modalities[0].counts.storage())(0, 0) = NAN;
  expect_invalid([&] { fit_vi(not_finite, o); }, "modality 'rna'");

  expect_invalid([&] { fit_vi(p.data, o, 1, {}, {DenseMatrix<double>::Ones(2, 3)}); },
                 "initial lambda");
  std::vector<DenseMatrix<double>> zero_start = initial_lambda(p.data, o);
  zero_start[1](0, 0) = 0;
  expect_invalid([&] { fit_vi(p.data, o, 1, {}, zero_start); }, "'prot'");

  const MtmModel model = fit_vi(p.data, o, 1, kQuiet);
  MultiModalData fewer = p.data;
  fewer.modalities.pop_back();
  expect_invalid([&] { predict_theta(model, fewer); }, "modalities");
  MultiModalData renamed = p.data;
  renamed.modalities[1].name = "adt";
  expect_invalid([&] { predict_theta(model, renamed); }, "no modality named 'prot'");
  expect_invalid([&] { held_out_log_likelihood(model, p.data, DenseMatrix<double>::Ones(3, 2)); },
                 "theta");
  expect_invalid([&] { fit_plateau({1, 2, 3, 4}, {1, 2, 3, 4}); }, "at least 5");
  expect_invalid([&] { fit_plateau({1, 2, 3, 4, 5}, {1, 1, 1, 1, 1}); }, "all equal");
}

TEST(MtmSelect, FindsThePlantedNumberOfTopics) {
  const Planted p = planted_data(60, 4, 8);
  TopicNumberOptions o;
  o.ks = {1, 2, 3, 4, 5, 6};
  o.n_folds = 3;
  o.n_iter = 10;
  std::vector<std::string> lines;
  Progress progress;
  progress.log = [&](const std::string& line) { lines.push_back(line); };
  int preprocessed = 0;
  const Preprocess count = [&](const MultiModalData& d) {
    ++preprocessed;
    return d;
  };
  const TopicNumberResult r = select_n_topics(p.data, o, count, {}, progress);
  EXPECT_EQ(preprocessed, 6);  // training and test set of each fold, separately
  EXPECT_EQ(lines.size(), 18u);
  ASSERT_EQ(r.scores.size(), 18u);
  ASSERT_EQ(r.mean_total.size(), 6u);
  // Every sample is tested once; the folds are as equal as possible.
  std::vector<int> sizes(3, 0);
  for (int f : r.fold_of_sample) ++sizes[f];
  EXPECT_EQ(sizes, (std::vector<int>{20, 20, 20}));
  // The held-out likelihood rises to the planted K and no further.
  const auto best = std::max_element(r.mean_total.begin(), r.mean_total.end());
  EXPECT_EQ(o.ks[best - r.mean_total.begin()], 4);
  for (int j = 1; j < 4; ++j) EXPECT_LT(r.mean_total[j - 1], r.mean_total[j]);
  // mTopic's plateau rule smooths the sharp knee with its rational curve and lands on the
  // planted K or just after it.
  EXPECT_GE(r.best_k, 4);
  EXPECT_LE(r.best_k, 5);
  expect_invalid(
      [&] {
        TopicNumberOptions few = o;
        few.ks = {2, 3, 4};
        select_n_topics(p.data, few);
      },
      "at least 6");
}

}  // namespace
}  // namespace nmfkit::multimodal
