#pragma once
// What LDAvis and fastTopics users read from a topic model, computed from NMF's factors:
// the multinomial view (each document's topic proportions and each topic's word
// distribution, both summing to 1), terms ranked by relevance (Sievert & Shirley 2014),
// and each word's log-fold change in a topic against the others (fastTopics' point
// estimates, no MCMC).

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::text {

// fastTopics' poisson2multinom: with s_k = Σ_w H_kw, the word distributions are
// F_kw = H_kw / s_k and the topic proportions L_dk = W_dk·s_k / Σ_k' W_dk'·s_k' (a row of
// zeros for a document with no weight). Topics with no weight get a row of zeros in F.
struct MultinomialView {
  DenseMatrix<double> proportions;         // documents × topics
  DenseMatrix<double> word_distributions;  // topics × terms
};
template <class T>
MultinomialView multinomial_view(const DenseMatrix<T>& W, const DenseMatrix<T>& H);

// Token counts of tokenised texts over a vocabulary (other tokens are not counted): what
// LDAvis calls doc.length and term.frequency.
struct TokenCounts {
  std::vector<double> document_lengths;  // per text
  std::vector<double> term_frequency;    // per vocabulary term
};
TokenCounts token_counts(const std::vector<std::vector<std::string>>& texts,
                         const std::vector<std::string>& vocabulary);

// Each term's share of all tokens, from counts. Throws InvalidArgument when all are 0.
std::vector<double> term_probabilities(const std::vector<double>& term_frequency);

struct RelevantTerm {
  Index term = 0;
  double relevance = 0;    // λ·log φ_kw + (1 − λ)·log(φ_kw / p_w)
  double probability = 0;  // φ_kw
  double lift = 0;         // φ_kw / p_w
};
// The n most relevant terms of each topic at λ in [0, 1] (λ = 1 ranks by probability,
// λ = 0 by lift; Sievert & Shirley found λ ≈ 0.6 best), largest first, ties by term index.
// Terms with φ_kw = 0 or p_w = 0 are never ranked. Throws InvalidArgument for λ outside
// [0, 1] or p of the wrong length.
std::vector<std::vector<RelevantTerm>> relevant_terms(const DenseMatrix<double>& word_distributions,
                                                      const std::vector<double>& term_probability,
                                                      double lambda, Index n);

// log2 fold change of each word's rate in each topic (topics × terms), as fastTopics
// reports it: VersusNull compares φ_kw with p_w (the one-topic model); LeastExtreme with
// each other topic's φ_lw and keeps the ratio closest to 0 (a word is distinctive for
// topic k only if it is more frequent there than in every other topic). NMF leaves exact
// zeros in H, so each topic's rates are floored at half a token of that topic,
// 0.5 / topic_tokens[k] (a pseudocount: an absent word gives a finite value that grows
// with the topic's size), and p_w at 0.5 / Σ topic_tokens. Throws InvalidArgument for
// LeastExtreme with fewer than 2 topics, or sizes that disagree.
enum class FoldChange { VersusNull, LeastExtreme };
FoldChange parse_fold_change(const std::string& name);  // "vsnull" | "le"
DenseMatrix<double> log_fold_change(const DenseMatrix<double>& word_distributions,
                                    const std::vector<double>& term_probability,
                                    const std::vector<double>& topic_tokens,
                                    FoldChange statistic);

// Each topic's share of the tokens, in tokens: Σ_d proportions_dk · document_lengths_d.
std::vector<double> topic_tokens(const DenseMatrix<double>& proportions,
                                 const std::vector<double>& document_lengths);

// All the views of a fitted model X ≈ W·H at once, as `nmfkit topics` writes them.
struct TopicViews {
  MultinomialView view;
  std::vector<std::vector<RelevantTerm>> relevant;  // per topic, `top` terms
  DenseMatrix<double> fold_change;                  // topics × terms, log2
  std::string ldavis;                               // LDAvis's createJSON layout (ldavis.hpp)
};
// With token counts of the tokenised documents, λ of the relevance ranking, `top` terms per
// topic and the fold-change statistic (VersusNull whatever is asked when there is one topic:
// it has no other topic to compare with).
TopicViews topic_views(const DenseMatrix<double>& W, const DenseMatrix<double>& H,
                       const TokenCounts& counts, const std::vector<std::string>& vocabulary,
                       double relevance_lambda, Index top, FoldChange fold_change);

}  // namespace nmfkit::text
