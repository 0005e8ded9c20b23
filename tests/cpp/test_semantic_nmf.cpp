// Semantic NMF: the SPPMI word-context matrix against hand-computed values, the stacked
// factorisation against fit() of the stacked matrix, a planted case where the contexts
// decide the topics, and bad input.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nmfkit/core/random.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/text/semantic_nmf.hpp"
#include "nmfkit/text/word_context.hpp"
#include "test_helpers.hpp"

namespace nmfkit::text {
namespace {

using nmfkit::testing::expect_invalid;
using Texts = std::vector<std::vector<std::string>>;

TEST(WordContext, MatchesHandComputedPmi) {
  // "a b c" with window 1: pairs (a,b) and (b,c), each counted both ways; D = 4,
  // #a = #c = 1, #b = 2, so PMI(a,b) = PMI(b,c) = log(1·4 / (1·2)) = log 2.
  // "z" is not in the vocabulary and is dropped before the window slides.
  const Texts texts = {{"a", "z", "b", "c"}};
  const std::vector<std::string> vocabulary = {"a", "b", "c"};
  const SparseMatrix<double> M = word_context_matrix(texts, vocabulary, {.window = 1});
  const DenseMatrix<double> dense = M;
  DenseMatrix<double> expected = DenseMatrix<double>::Zero(3, 3);
  expected(0, 1) = expected(1, 0) = expected(1, 2) = expected(2, 1) = std::log(2.0);
  EXPECT_LT((dense - expected).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(WordContext, ShiftAndWindowChangeTheMatrix) {
  const Texts texts = {{"a", "b", "c", "a", "b", "d"}, {"c", "d", "c", "d", "a"}};
  const std::vector<std::string> vocabulary = {"a", "b", "c", "d"};
  const DenseMatrix<double> ppmi = word_context_matrix(texts, vocabulary, {.window = 2});
  const DenseMatrix<double> shifted =
      word_context_matrix(texts, vocabulary, {.window = 2, .shift = 1.5});
  EXPECT_LT((ppmi - ppmi.transpose()).cwiseAbs().maxCoeff(), 1e-15);  // symmetric
  for (Index i = 0; i < ppmi.size(); ++i) {
    const double expected = std::max(0.0, ppmi.data()[i] - std::log(1.5));
    // A positive PPMI entry loses log 1.5; entries whose PMI was ≤ 0 stay 0.
    if (ppmi.data()[i] > 0) {
      EXPECT_NEAR(shifted.data()[i], expected, 1e-14);
    } else {
      EXPECT_EQ(shifted.data()[i], 0.0);
    }
  }
  const DenseMatrix<double> wide = word_context_matrix(texts, vocabulary, {.window = 5});
  EXPECT_GT((wide - ppmi).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(WordContext, RejectsBadOptionsAndTooSmallCorpora) {
  const Texts texts = {{"a", "b", "c"}};
  const std::vector<std::string> vocabulary = {"a", "b", "c"};
  expect_invalid([&] { word_context_matrix(texts, vocabulary, {.window = 0}); }, "window");
  expect_invalid([&] { word_context_matrix(texts, vocabulary, {.window = 2, .shift = 0.5}); },
                 "shift");
  expect_invalid([&] { word_context_matrix(texts, vocabulary, {.window = 3}); },
                 "too small for a word-context window of 3");
  expect_invalid([&] { word_context_matrix({{"x", "y", "z"}}, vocabulary, {.window = 1}); },
                 "too small");
}

// Two groups of 6 words; the contexts say which words go together, the documents do not
// (their counts are uniform noise).
struct Planted {
  SparseMatrix<double> X, M;
};

Planted planted_contexts() {
  const Index words = 12, documents = 40;
  RandomState rng(7);
  DenseMatrix<double> X(documents, words);
  for (Index i = 0; i < X.size(); ++i) X.data()[i] = rng.random_sample();
  DenseMatrix<double> M = DenseMatrix<double>::Zero(words, words);
  for (Index i = 0; i < words; ++i) {
    for (Index j = 0; j < words; ++j) {
      if (i != j && i / 6 == j / 6) M(i, j) = 1.0 + 0.1 * rng.random_sample();
    }
  }
  return {X.sparseView(), M.sparseView()};
}

// The share of each topic's weight on its heavier word group, worst topic.
double worst_group_purity(const DenseMatrix<double>& H) {
  double worst = 1;
  for (Index t = 0; t < H.rows(); ++t) {
    const double first = H.row(t).head(6).sum(), second = H.row(t).tail(6).sum();
    worst = std::min(worst, std::max(first, second) / (first + second));
  }
  return worst;
}

NmfOptions options_for(Index k) {
  NmfOptions o;
  o.n_components = k;
  o.init = Init::Nndsvda;
  o.random_state = 0;
  o.max_iter = 400;
  o.tol = 1e-6;
  return o;
}

TEST(SemanticNmf, ContextsDecideTheTopicsWhereDocumentsCannot) {
  const Planted p = planted_contexts();
  const auto semantic = fit_semantic(p.X, p.M, 1.0, options_for(2));
  const auto plain = fit(p.X, options_for(2));
  EXPECT_GT(worst_group_purity(semantic.nmf.H), 0.9);
  EXPECT_LT(worst_group_purity(plain.H), worst_group_purity(semantic.nmf.H) - 0.2);
  EXPECT_EQ(semantic.nmf.W.rows(), p.X.rows());
  EXPECT_EQ(semantic.contexts.rows(), p.M.rows());
}

TEST(SemanticNmf, IsTheFitOfTheStackedMatrix) {
  const Planted p = planted_contexts();
  const double weight = 0.5;
  double scale = 0;
  const SparseMatrix<double> stacked = semantic_stack(p.X, p.M, weight, &scale);
  EXPECT_NEAR(scale, std::sqrt(weight) * p.X.norm() / p.M.norm(), 1e-12);
  EXPECT_EQ(stacked.rows(), p.X.rows() + p.M.rows());
  const auto joint = fit_semantic(p.X, p.M, weight, options_for(3));
  const auto direct = fit(stacked, options_for(3));
  EXPECT_EQ(joint.nmf.H, direct.H);
  EXPECT_EQ(joint.nmf.W, direct.W.topRows(p.X.rows()));
  EXPECT_LT((joint.contexts * scale - direct.W.bottomRows(p.M.rows())).cwiseAbs().maxCoeff(),
            1e-12);
  EXPECT_EQ(joint.nmf.reconstruction_error, direct.reconstruction_error);
  const DenseMatrix<double> X = p.X, M = p.M;
  EXPECT_NEAR(joint.document_error, (X - joint.nmf.W * joint.nmf.H).norm() / X.norm(), 1e-10);
  EXPECT_NEAR(joint.context_error, (M - joint.contexts * joint.nmf.H).norm() / M.norm(), 1e-10);
}

TEST(SemanticNmf, FloatAgreesWithDoubleAndThreadsAgree) {
  const Planted p = planted_contexts();
  const auto reference = fit_semantic(p.X, p.M, 1.0, options_for(2));
  const SparseMatrix<float> X32 = p.X.cast<float>();
  const auto single = fit_semantic(X32, p.M, 1.0, options_for(2));
  EXPECT_NEAR(single.document_error, reference.document_error, 1e-4);
  EXPECT_LT((single.nmf.H.cast<double>() - reference.nmf.H).cwiseAbs().maxCoeff(), 1e-3);
  SemanticNmfResult<double> one_thread, two_threads;
  {
    const ScopedThreadCount threads(1);
    one_thread = fit_semantic(p.X, p.M, 1.0, options_for(2));
  }
  {
    const ScopedThreadCount threads(2);
    two_threads = fit_semantic(p.X, p.M, 1.0, options_for(2));
  }
  EXPECT_EQ(one_thread.nmf.H, two_threads.nmf.H);
  EXPECT_EQ(one_thread.nmf.W, two_threads.nmf.W);
}

TEST(SemanticNmf, RejectsBadInput) {
  const Planted p = planted_contexts();
  const SparseMatrix<double> narrow = p.M.leftCols(5);
  expect_invalid([&] { fit_semantic(p.X, narrow, 1.0, options_for(2)); }, "12 words");
  expect_invalid([&] { fit_semantic(p.X, p.M, 0.0, options_for(2)); }, "context weight");
  expect_invalid([&] { fit_semantic(p.X, p.M, NAN, options_for(2)); }, "context weight");
  NmfOptions kl = options_for(2);
  kl.beta_loss = 1;
  kl.solver = "mu";
  expect_invalid([&] { fit_semantic(p.X, p.M, 1.0, kl); }, "Frobenius");
  const SparseMatrix<double> zero(12, 12);
  expect_invalid([&] { fit_semantic(p.X, zero, 1.0, options_for(2)); }, "all zero");
}

}  // namespace
}  // namespace nmfkit::text
