#include "nmfkit/text/topic_views.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "nmfkit/core/error.hpp"
#include "nmfkit/text/ldavis.hpp"

namespace nmfkit::text {

template <class T>
MultinomialView multinomial_view(const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  if (W.cols() != H.rows()) {
    throw InvalidArgument("W has " + std::to_string(W.cols()) + " topics but H has " +
                          std::to_string(H.rows()));
  }
  MultinomialView view;
  const DenseMatrix<double> Hd = H.template cast<double>();
  const Vector<double> scale = Hd.rowwise().sum();
  view.word_distributions = DenseMatrix<double>::Zero(Hd.rows(), Hd.cols());
  for (Index k = 0; k < Hd.rows(); ++k) {
    if (scale(k) > 0) view.word_distributions.row(k) = Hd.row(k) / scale(k);
  }
  view.proportions = W.template cast<double>() * scale.asDiagonal();
  for (Index d = 0; d < view.proportions.rows(); ++d) {
    const double total = view.proportions.row(d).sum();
    if (total > 0) view.proportions.row(d) /= total;
  }
  return view;
}

TokenCounts token_counts(const std::vector<std::vector<std::string>>& texts,
                         const std::vector<std::string>& vocabulary) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < vocabulary.size(); ++i) index.emplace(vocabulary[i], i);
  TokenCounts counts;
  counts.term_frequency.assign(vocabulary.size(), 0.0);
  for (const auto& tokens : texts) {
    double length = 0;
    for (const auto& token : tokens) {
      if (const auto it = index.find(token); it != index.end()) {
        counts.term_frequency[it->second] += 1;
        length += 1;
      }
    }
    counts.document_lengths.push_back(length);
  }
  return counts;
}

std::vector<double> term_probabilities(const std::vector<double>& term_frequency) {
  double total = 0;
  for (const double v : term_frequency) total += v;
  if (!(total > 0)) throw InvalidArgument("the corpus has no tokens: no term probabilities");
  std::vector<double> p(term_frequency);
  for (double& v : p) v /= total;
  return p;
}

namespace {

void check_terms(const DenseMatrix<double>& F, const std::vector<double>& p) {
  if (static_cast<Index>(p.size()) != F.cols()) {
    throw InvalidArgument("the term probabilities have " + std::to_string(p.size()) +
                          " entries for " + std::to_string(F.cols()) + " terms");
  }
}

}  // namespace

std::vector<std::vector<RelevantTerm>> relevant_terms(const DenseMatrix<double>& F,
                                                      const std::vector<double>& p,
                                                      double lambda, Index n) {
  if (!(lambda >= 0 && lambda <= 1)) {
    throw InvalidArgument("the relevance lambda must be in [0, 1], got " + std::to_string(lambda));
  }
  check_terms(F, p);
  std::vector<std::vector<RelevantTerm>> out(static_cast<std::size_t>(F.rows()));
  for (Index k = 0; k < F.rows(); ++k) {
    auto& terms = out[static_cast<std::size_t>(k)];
    for (Index w = 0; w < F.cols(); ++w) {
      const double phi = F(k, w), pw = p[static_cast<std::size_t>(w)];
      if (phi <= 0 || pw <= 0) continue;
      const double lift = phi / pw;
      terms.push_back({w, lambda * std::log(phi) + (1 - lambda) * std::log(lift), phi, lift});
    }
    const auto keep = std::min<std::size_t>(terms.size(), static_cast<std::size_t>(std::max<Index>(n, 0)));
    std::partial_sort(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(keep), terms.end(),
                      [](const RelevantTerm& a, const RelevantTerm& b) {
                        return a.relevance != b.relevance ? a.relevance > b.relevance
                                                          : a.term < b.term;
                      });
    terms.resize(keep);
  }
  return out;
}

FoldChange parse_fold_change(const std::string& name) {
  if (name == "vsnull") return FoldChange::VersusNull;
  if (name == "le") return FoldChange::LeastExtreme;
  throw InvalidArgument("the fold-change statistic must be vsnull or le, got '" + name + "'");
}

std::vector<double> topic_tokens(const DenseMatrix<double>& proportions,
                                 const std::vector<double>& document_lengths) {
  if (static_cast<Index>(document_lengths.size()) != proportions.rows()) {
    throw InvalidArgument("the document lengths have " + std::to_string(document_lengths.size()) +
                          " entries for " + std::to_string(proportions.rows()) + " documents");
  }
  std::vector<double> tokens(static_cast<std::size_t>(proportions.cols()), 0.0);
  for (Index d = 0; d < proportions.rows(); ++d) {
    for (Index k = 0; k < proportions.cols(); ++k) {
      tokens[static_cast<std::size_t>(k)] += proportions(d, k) * document_lengths[static_cast<std::size_t>(d)];
    }
  }
  return tokens;
}

DenseMatrix<double> log_fold_change(const DenseMatrix<double>& F, const std::vector<double>& p,
                                    const std::vector<double>& topic_tokens,
                                    FoldChange statistic) {
  check_terms(F, p);
  if (static_cast<Index>(topic_tokens.size()) != F.rows()) {
    throw InvalidArgument("the topic sizes have " + std::to_string(topic_tokens.size()) +
                          " entries for " + std::to_string(F.rows()) + " topics");
  }
  if (statistic == FoldChange::LeastExtreme && F.rows() < 2) {
    throw InvalidArgument("the least-extreme fold change needs at least 2 topics");
  }
  // Half a token; 1e-12 stands in for a topic (or corpus) with no tokens.
  const auto floor_of = [](double tokens) { return tokens > 0 ? 0.5 / tokens : 1e-12; };
  double total = 0;
  for (const double t : topic_tokens) total += t;
  const double null_floor = floor_of(total);
  std::vector<double> floors(topic_tokens.size());
  for (std::size_t k = 0; k < floors.size(); ++k) floors[k] = floor_of(topic_tokens[k]);
  const auto rate = [&](Index k, Index w) {
    return std::max(F(k, w), floors[static_cast<std::size_t>(k)]);
  };

  DenseMatrix<double> lfc(F.rows(), F.cols());
  for (Index w = 0; w < F.cols(); ++w) {
    for (Index k = 0; k < F.rows(); ++k) {
      if (statistic == FoldChange::VersusNull) {
        lfc(k, w) = std::log2(rate(k, w) / std::max(p[static_cast<std::size_t>(w)], null_floor));
        continue;
      }
      double closest = std::numeric_limits<double>::infinity();
      for (Index l = 0; l < F.rows(); ++l) {
        if (l == k) continue;
        const double value = std::log2(rate(k, w) / rate(l, w));
        if (std::abs(value) < std::abs(closest)) closest = value;
      }
      lfc(k, w) = closest;
    }
  }
  return lfc;
}

TopicViews topic_views(const DenseMatrix<double>& W, const DenseMatrix<double>& H,
                       const TokenCounts& counts, const std::vector<std::string>& vocabulary,
                       double relevance_lambda, Index top, FoldChange fold_change) {
  TopicViews views;
  views.view = multinomial_view(W, H);
  const auto p = term_probabilities(counts.term_frequency);
  views.relevant = relevant_terms(views.view.word_distributions, p, relevance_lambda, top);
  const auto statistic = H.rows() < 2 ? FoldChange::VersusNull : fold_change;
  views.fold_change =
      log_fold_change(views.view.word_distributions, p,
                      topic_tokens(views.view.proportions, counts.document_lengths), statistic);
  views.ldavis =
      ldavis_json(views.view, counts.document_lengths, counts.term_frequency, vocabulary);
  return views;
}

template MultinomialView multinomial_view(const DenseMatrix<float>&, const DenseMatrix<float>&);
template MultinomialView multinomial_view(const DenseMatrix<double>&, const DenseMatrix<double>&);

}  // namespace nmfkit::text
