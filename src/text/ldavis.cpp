#include "nmfkit/text/ldavis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"

namespace nmfkit::text {

namespace {

using nlohmann::json;

double kl(const DenseMatrix<double>& F, Index a, const Vector<double>& m) {
  double sum = 0;
  for (Index w = 0; w < F.cols(); ++w) {
    if (F(a, w) > 0) sum += F(a, w) * std::log(F(a, w) / m(w));
  }
  return sum;
}

// LDAvis's jsPCA: Jensen–Shannon divergences between the topics, then classical
// multidimensional scaling to two dimensions.
DenseMatrix<double> topic_centres(const DenseMatrix<double>& F) {
  const Index K = F.rows();
  DenseMatrix<double> squared = DenseMatrix<double>::Zero(K, K);
  for (Index a = 0; a < K; ++a) {
    for (Index b = a + 1; b < K; ++b) {
      const Vector<double> m = 0.5 * (F.row(a) + F.row(b)).transpose();
      const double js = 0.5 * kl(F, a, m) + 0.5 * kl(F, b, m);
      squared(a, b) = squared(b, a) = js * js;
    }
  }
  const DenseMatrix<double> centring =
      DenseMatrix<double>::Identity(K, K) - DenseMatrix<double>::Constant(K, K, 1.0 / K);
  const DenseMatrix<double> B = -0.5 * centring * squared * centring;
  Eigen::SelfAdjointEigenSolver<DenseMatrix<double>> eigen(B);
  DenseMatrix<double> centres = DenseMatrix<double>::Zero(K, 2);
  for (int c = 0; c < 2 && c < K; ++c) {
    const Index column = K - 1 - c;  // eigenvalues ascend
    const double value = std::max(eigen.eigenvalues()(column), 0.0);
    centres.col(c) = eigen.eigenvectors().col(column) * std::sqrt(value);
  }
  return centres;
}

// The indices of the n largest of `score` (ties by index), largest first.
std::vector<Index> top_indices(const std::vector<double>& score, Index n) {
  std::vector<Index> order(score.size());
  std::iota(order.begin(), order.end(), Index{0});
  const auto keep = std::min<std::size_t>(order.size(), static_cast<std::size_t>(n));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](Index a, Index b) {
                      const auto sa = score[static_cast<std::size_t>(a)];
                      const auto sb = score[static_cast<std::size_t>(b)];
                      return sa != sb ? sa > sb : a < b;
                    });
  order.resize(keep);
  return order;
}

double round4(double value) { return std::round(value * 1e4) / 1e4; }

}  // namespace

std::string ldavis_json(const MultinomialView& view, const std::vector<double>& document_lengths,
                        const std::vector<double>& term_frequency,
                        const std::vector<std::string>& vocabulary, const LdavisOptions& options) {
  const DenseMatrix<double>& theta = view.proportions;
  const Index K = view.word_distributions.rows(), V = view.word_distributions.cols();
  if (K < 1) throw InvalidArgument("an LDAvis view needs at least 1 topic");
  if (static_cast<Index>(document_lengths.size()) != theta.rows() || theta.cols() != K ||
      static_cast<Index>(term_frequency.size()) != V ||
      static_cast<Index>(vocabulary.size()) != V) {
    throw InvalidArgument("the LDAvis inputs disagree in size (documents, topics or terms)");
  }
  if (!(options.lambda_step > 0 && options.lambda_step <= 1) || options.terms < 1) {
    throw InvalidArgument("the LDAvis lambda step must be in (0, 1] and R at least 1");
  }

  // Topic sizes in tokens, and the topics by decreasing size.
  std::vector<double> topic_frequency(static_cast<std::size_t>(K), 0.0);
  for (Index d = 0; d < theta.rows(); ++d) {
    for (Index k = 0; k < K; ++k) {
      topic_frequency[static_cast<std::size_t>(k)] += theta(d, k) * document_lengths[static_cast<std::size_t>(d)];
    }
  }
  const std::vector<Index> order = top_indices(topic_frequency, K);
  const double tokens = std::accumulate(topic_frequency.begin(), topic_frequency.end(), 0.0);
  const double corpus_terms = std::accumulate(term_frequency.begin(), term_frequency.end(), 0.0);
  if (!(tokens > 0) || !(corpus_terms > 0)) throw InvalidArgument("the corpus has no tokens");

  DenseMatrix<double> phi(K, V);  // in LDAvis's topic order
  for (Index k = 0; k < K; ++k) phi.row(k) = view.word_distributions.row(order[static_cast<std::size_t>(k)]);
  const DenseMatrix<double> centres = topic_centres(phi);

  json mds = {{"x", json::array()}, {"y", json::array()}, {"topics", json::array()},
              {"cluster", json::array()}, {"Freq", json::array()}};
  json topic_order = json::array();
  for (Index k = 0; k < K; ++k) {
    mds["x"].push_back(centres(k, 0));
    mds["y"].push_back(centres(k, 1));
    mds["topics"].push_back(k + 1);
    mds["cluster"].push_back(1);
    mds["Freq"].push_back(100 * topic_frequency[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])] / tokens);
    topic_order.push_back(order[static_cast<std::size_t>(k)] + 1);
  }

  // Token counts of each term in each topic, scaled per term to the corpus's counts as
  // LDAvis does (so p(topic | term) sums to 1); p(w) over the corpus.
  DenseMatrix<double> term_topic(K, V);
  for (Index k = 0; k < K; ++k) {
    term_topic.row(k) = phi.row(k) * topic_frequency[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])];
  }
  for (Index w = 0; w < V; ++w) {
    const double column = term_topic.col(w).sum();
    if (column > 0) term_topic.col(w) *= term_frequency[static_cast<std::size_t>(w)] / column;
  }
  std::vector<double> p(static_cast<std::size_t>(V));
  for (Index w = 0; w < V; ++w) p[static_cast<std::size_t>(w)] = term_frequency[static_cast<std::size_t>(w)] / corpus_terms;

  json tinfo = {{"Term", json::array()}, {"Freq", json::array()}, {"Total", json::array()},
                {"Category", json::array()}, {"logprob", json::array()}, {"loglift", json::array()}};
  auto add = [&](Index w, double freq, const std::string& category, double logprob, double loglift) {
    tinfo["Term"].push_back(vocabulary[static_cast<std::size_t>(w)]);
    tinfo["Freq"].push_back(freq);
    tinfo["Total"].push_back(term_frequency[static_cast<std::size_t>(w)]);
    tinfo["Category"].push_back(category);
    tinfo["logprob"].push_back(logprob);
    tinfo["loglift"].push_back(loglift);
  };

  // The default view: the most salient terms (Chuang et al. 2012): p(w)·distinctiveness,
  // distinctiveness = KL(p(topic | w) ‖ p(topic)) with p(topic | w) ∝ φ_kw, as LDAvis has it.
  std::vector<double> saliency(static_cast<std::size_t>(V), 0.0);
  for (Index w = 0; w < V; ++w) {
    const double column = phi.col(w).sum();
    if (column <= 0) continue;
    double distinctiveness = 0;
    for (Index k = 0; k < K; ++k) {
      const double given_w = phi(k, w) / column;
      const double prior = topic_frequency[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])] / tokens;
      if (given_w > 0 && prior > 0) distinctiveness += given_w * std::log(given_w / prior);
    }
    saliency[static_cast<std::size_t>(w)] = p[static_cast<std::size_t>(w)] * distinctiveness;
  }
  const std::vector<Index> salient = top_indices(saliency, options.terms);
  std::set<Index> listed(salient.begin(), salient.end());
  for (std::size_t r = 0; r < salient.size(); ++r) {
    const double rank = static_cast<double>(salient.size() - r);  // LDAvis: R down to 1
    add(salient[r], term_frequency[static_cast<std::size_t>(salient[r])], "Default", rank, rank);
  }

  // Each topic's relevant terms at every λ of the grid, listed once.
  const int steps = static_cast<int>(std::floor(1.0 / options.lambda_step + 1e-9));
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  std::vector<double> log_phi(static_cast<std::size_t>(V)), log_lift(static_cast<std::size_t>(V));
  std::vector<double> relevance(static_cast<std::size_t>(V));
  for (Index k = 0; k < K; ++k) {
    for (Index w = 0; w < V; ++w) {
      const double pw = p[static_cast<std::size_t>(w)];
      const bool ranked = phi(k, w) > 0 && pw > 0;
      log_phi[static_cast<std::size_t>(w)] = ranked ? std::log(phi(k, w)) : minus_infinity;
      log_lift[static_cast<std::size_t>(w)] = ranked ? std::log(phi(k, w) / pw) : minus_infinity;
    }
    std::set<Index> terms;
    for (int s = 0; s <= steps; ++s) {
      const double lambda = std::min(1.0, s * options.lambda_step);
      for (std::size_t w = 0; w < relevance.size(); ++w) {
        relevance[w] = std::isfinite(log_phi[w])
                           ? lambda * log_phi[w] + (1 - lambda) * log_lift[w]
                           : minus_infinity;
      }
      for (const Index w : top_indices(relevance, options.terms)) {
        if (std::isfinite(relevance[static_cast<std::size_t>(w)])) terms.insert(w);
      }
    }
    for (const Index w : terms) {
      add(w, term_topic(k, w), "Topic" + std::to_string(k + 1),
          round4(log_phi[static_cast<std::size_t>(w)]), round4(log_lift[static_cast<std::size_t>(w)]));
      listed.insert(w);
    }
  }

  // p(topic | term) for every listed term.
  json tokens_table = {{"Term", json::array()}, {"Topic", json::array()}, {"Freq", json::array()}};
  for (const Index w : listed) {
    const double total = term_frequency[static_cast<std::size_t>(w)];
    if (total <= 0) continue;
    for (Index k = 0; k < K; ++k) {
      const double share = term_topic(k, w) / total;
      if (share <= 0) continue;
      tokens_table["Term"].push_back(vocabulary[static_cast<std::size_t>(w)]);
      tokens_table["Topic"].push_back(k + 1);
      tokens_table["Freq"].push_back(share);
    }
  }

  json out = {{"mdsDat", mds},
              {"tinfo", tinfo},
              {"token.table", tokens_table},
              {"R", options.terms},
              {"lambda.step", options.lambda_step},
              {"plot.opts", {{"xlab", "PC1"}, {"ylab", "PC2"}}},
              {"topic.order", topic_order}};
  return out.dump();
}

}  // namespace nmfkit::text
