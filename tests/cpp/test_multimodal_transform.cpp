// transform_topics: new samples' topics from a fitted multi-modal topic model. The fit's
// preprocessing is replayed exactly, joint NMF's transform solves the fit's W-problem,
// MTM's is the fit's own E-step, and mismatched modalities are refused by name.

#include <gtest/gtest.h>

#include <algorithm>

#include "nmfkit/multimodal/topic_model.hpp"
#include "test_helpers.hpp"

namespace nmfkit::multimodal {
namespace {

using testing::expect_invalid;
using testing::numbered;
using testing::random_nonnegative;

// Two modalities of `samples` samples drawn from the same planted topics (rna dense, atac
// CSR with half its features empty), mixed by W (returned through `planted`).
MultiModalData planted(Index samples, std::uint32_t seed, DenseMatrix<double>* planted = nullptr) {
  const Index k = 3;
  const DenseMatrix<double> H1 = random_nonnegative(k, 24, 101);
  DenseMatrix<double> H2 = random_nonnegative(k, 16, 102);
  for (Index j = 1; j < H2.cols(); j += 2) H2.col(j).setZero();
  DenseMatrix<double> W = random_nonnegative(samples, k, seed);
  for (Index t = 0; t < std::min(k, samples); ++t) W.row(t).setZero(), W(t, t) = 1.0;
  if (planted) *planted = W;
  MultiModalData data;
  data.sample_names = numbered("cell", samples);
  data.modalities.push_back({"rna", DenseMatrix<double>(W * H1), numbered("gene", 24)});
  const DenseMatrix<double> X2 = W * H2;
  data.modalities.push_back({"atac", SparseMatrix<double>(X2.sparseView()), numbered("peak", 16)});
  return data;
}

MultimodalTopicOptions joint_options() {
  MultimodalTopicOptions o;
  o.joint.nmf.n_components = 3;
  o.joint.nmf.solver = "hals";
  o.joint.nmf.tol = 1e-10;
  o.joint.nmf.max_iter = 3000;
  o.joint.nmf.random_state = 0;
  o.joint.weights = {1.0, 2.0};
  return o;
}

MultimodalTopicOptions mtm_options(int iterations) {
  MultimodalTopicOptions o;
  o.model = TopicModelKind::Mtm;
  o.mtm.n_topics = 3;
  o.iterations = iterations;
  return o;
}

DenseMatrix<double> dense_of(const AnyMatrix& X) {
  return X.visit([](const auto& m) { return DenseMatrix<double>(m.template cast<double>()); });
}

TEST(MultimodalTransform, ReplayedPreprocessingIsBitForBitTheFittedOne) {
  const MultiModalData raw = planted(30, 1);
  PreprocessOptions steps;
  steps.tfidf = {"atac"};
  steps.clr = {"rna"};
  steps.scale_counts = 1000;
  MultiModalData fitted_data = raw;
  const FittedPreprocessing fitted = preprocess(fitted_data, steps);
  ASSERT_EQ(fitted.idf.size(), 1u);
  EXPECT_EQ(fitted.idf[0].size(), 16u);
  EXPECT_EQ(fitted.scaled, (std::vector<std::string>{"rna", "atac"}));

  MultiModalData replayed = raw;
  apply_preprocessing(replayed, fitted);
  for (std::size_t m = 0; m < raw.modalities.size(); ++m) {
    EXPECT_EQ(replayed.modalities[m].counts.is_sparse(), fitted_data.modalities[m].counts.is_sparse());
    EXPECT_TRUE(dense_of(replayed.modalities[m].counts) == dense_of(fitted_data.modalities[m].counts))
        << raw.modalities[m].name;
  }
  // A single sample gets the training weights and factor, not its own.
  MultiModalData one = planted(30, 1);
  for (auto& m : one.modalities)
    m.counts = m.counts.visit([](const auto& X) -> AnyMatrix { return X.topRows(1).eval(); });
  one.sample_names.resize(1);
  apply_preprocessing(one, fitted);
  EXPECT_TRUE(dense_of(one.modalities[1].counts).row(0) ==
              dense_of(fitted_data.modalities[1].counts).row(0));
}

TEST(MultimodalTransform, JointNmfOfTheTrainingDataIsTheFittedW) {
  const MultiModalData data = planted(40, 2);
  const MultimodalTopicOptions options = joint_options();
  const MultimodalTopics fitted = fit_topics(data, options);
  EXPECT_EQ(fitted.modality_names, (std::vector<std::string>{"rna", "atac"}));
  const DenseMatrix<double> W = transform_topics(fitted, options, data);
  ASSERT_EQ(W.rows(), 40);
  ASSERT_EQ(W.cols(), 3);
  // The fit stops at a stationary point of the joint problem (tol 1e-10), where W is the
  // minimiser of the W-problem that transform solves afresh from zero.
  EXPECT_LT((W - fitted.sample_topics).norm() / fitted.sample_topics.norm(), 1e-4);
}

TEST(MultimodalTransform, JointNmfRecoversNewSamplesInAnyModalityOrder) {
  const MultimodalTopicOptions options = joint_options();
  const MultimodalTopics fitted = fit_topics(planted(40, 2), options);
  DenseMatrix<double> truth;
  MultiModalData fresh = planted(15, 77, &truth);
  const DenseMatrix<double> W = transform_topics(fitted, options, fresh);
  // Exact low-rank data: the new samples are reconstructed from the fixed topics.
  for (std::size_t m = 0; m < 2; ++m) {
    const DenseMatrix<double> X = dense_of(fresh.modalities[m].counts);
    EXPECT_LT((X - W * fitted.components[m]).norm() / X.norm(), 1e-3) << m;
  }
  // Each planted topic has a fitted topic whose weights over the new samples match it.
  for (Index t = 0; t < 3; ++t) {
    double best = -1;
    for (Index f = 0; f < 3; ++f) {
      const auto a = (truth.col(t).array() - truth.col(t).mean()).matrix();
      const auto b = (W.col(f).array() - W.col(f).mean()).matrix();
      best = std::max(best, a.dot(b) / (a.norm() * b.norm()));
    }
    EXPECT_GT(best, 0.99) << "planted topic " << t;
  }
  std::swap(fresh.modalities[0], fresh.modalities[1]);
  EXPECT_TRUE(transform_topics(fitted, options, fresh) == W);
}

TEST(MultimodalTransform, MtmIsTheFitsNextEStep) {
  // VI's γ after n iterations comes from the E-step with λ after n − 1 updates, so
  // transforming the training data with the (n − 1)-iteration model reproduces it bit for bit.
  const MultiModalData data = planted(30, 3);
  const MultimodalTopics before = fit_topics(data, mtm_options(3));
  const MultimodalTopics after = fit_topics(data, mtm_options(4));
  const DenseMatrix<double> theta = transform_topics(before, mtm_options(3), data);
  EXPECT_TRUE(theta == after.sample_topics);
  EXPECT_TRUE(theta.rowwise().sum().isOnes(1e-12));
}

TEST(MultimodalTransform, SmtmTransformIsThePlainEStep) {
  const MultiModalData data = planted(30, 4);
  DenseMatrix<double> xy = random_nonnegative(30, 2, 9);
  MultimodalTopicOptions options = mtm_options(3);
  options.model = TopicModelKind::Smtm;
  const MultimodalTopics fitted = fit_topics(data, options, &xy);
  MtmModel model;
  model.modality_names = fitted.modality_names;
  model.options = options.mtm;
  model.lambda = fitted.lambda;
  model.gamma.resize(0, 3);
  EXPECT_TRUE(transform_topics(fitted, options, data) == predict_theta(model, data));
}

TEST(MultimodalTransform, MismatchedModalitiesAreNamed) {
  const MultimodalTopicOptions options = joint_options();
  const MultimodalTopics fitted = fit_topics(planted(20, 5), options);
  MultiModalData wrong_features = planted(5, 6);
  wrong_features.modalities[1].counts =
      wrong_features.modalities[1].counts.visit([](const auto& X) -> AnyMatrix {
        return X.leftCols(15).eval();
      });
  wrong_features.modalities[1].feature_names.resize(15);
  expect_invalid([&] { transform_topics(fitted, options, wrong_features); },
                 "modality 'atac' has 15 features, the fitted model 16");
  MultiModalData renamed = planted(5, 6);
  renamed.modalities[0].name = "protein";
  expect_invalid([&] { transform_topics(fitted, options, renamed); }, "'rna'");
  MultiModalData one = planted(5, 6);
  one.modalities.pop_back();
  expect_invalid([&] { transform_topics(fitted, options, one); },
                 "the data have 1 modalities, the fitted model 2 (rna, atac)");
}

}  // namespace
}  // namespace nmfkit::multimodal
