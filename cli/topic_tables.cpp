#include "topic_tables.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/text_file.hpp"

namespace nmfkit::cli {

namespace {

std::string number_text(double value, const char* format) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string weight_text(double value) { return number_text(value, "%.9g"); }

// Per topic, the `top` terms of largest fold change among those more likely in the topic
// than under a uniform distribution (rarer terms' ratios are noise).
std::string distinctive_terms_table(const text::TopicViews& views,
                                    const std::vector<std::string>& vocabulary, int top) {
  const auto& F = views.view.word_distributions;
  const double uniform = 1.0 / static_cast<double>(F.cols());
  std::string out = "topic\trank\tterm\tlog2_fold_change\tprobability\n";
  for (Index k = 0; k < F.rows(); ++k) {
    std::vector<double> score(static_cast<std::size_t>(F.cols()), -HUGE_VAL);
    for (Index w = 0; w < F.cols(); ++w) {
      if (F(k, w) >= uniform) score[static_cast<std::size_t>(w)] = views.fold_change(k, w);
    }
    std::vector<Index> order(score.size());
    std::iota(order.begin(), order.end(), Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
      return score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)];
    });
    for (int r = 0; r < top && r < static_cast<int>(order.size()); ++r) {
      const Index w = order[static_cast<std::size_t>(r)];
      if (score[static_cast<std::size_t>(w)] == -HUGE_VAL) break;
      out += std::to_string(k) + "\t" + std::to_string(r + 1) + "\t" +
             vocabulary[static_cast<std::size_t>(w)] + "\t" +
             number_text(views.fold_change(k, w), "%.6g") + "\t" +
             number_text(F(k, w), "%.6g") + "\n";
    }
  }
  return out;
}

}  // namespace

std::string topics_table(const std::vector<std::vector<text::Ranked>>& terms,
                         const std::vector<std::string>& vocabulary) {
  std::string out = "topic\trank\tterm\tweight\n";
  for (std::size_t k = 0; k < terms.size(); ++k) {
    for (std::size_t r = 0; r < terms[k].size(); ++r) {
      const auto& term = terms[k][r];
      out += std::to_string(k) + "\t" + std::to_string(r + 1) + "\t" +
             vocabulary[static_cast<std::size_t>(term.index)] + "\t" + weight_text(term.weight) +
             "\n";
    }
  }
  return out;
}

std::string top_documents_table(const std::vector<std::vector<text::Ranked>>& documents,
                                const text::Corpus& corpus) {
  std::string out = "topic\trank\tdocument\tweight\n";
  for (std::size_t k = 0; k < documents.size(); ++k) {
    for (std::size_t r = 0; r < documents[k].size(); ++r) {
      const auto& document = documents[k][r];
      out += std::to_string(k) + "\t" + std::to_string(r + 1) + "\t" +
             corpus.names[static_cast<std::size_t>(document.index)] + "\t" +
             weight_text(document.weight) + "\n";
    }
  }
  return out;
}

void write_topic_views(io::StagedDirectory& staged, const text::TopicViews& views,
                       const std::vector<std::string>& vocabulary, int top) {
  io::write_npy(staged.file("topic_proportions.npy").string(), AnyMatrix(views.view.proportions));
  io::write_npy(staged.file("word_distributions.npy").string(),
                AnyMatrix(views.view.word_distributions));
  io::write_npy(staged.file("log_fold_change.npy").string(), AnyMatrix(views.fold_change));
  std::string relevance = "topic\trank\tterm\trelevance\tprobability\tlift\n";
  for (std::size_t k = 0; k < views.relevant.size(); ++k) {
    for (std::size_t r = 0; r < views.relevant[k].size(); ++r) {
      const auto& t = views.relevant[k][r];
      relevance += std::to_string(k) + "\t" + std::to_string(r + 1) + "\t" +
                   vocabulary[static_cast<std::size_t>(t.term)] + "\t" +
                   number_text(t.relevance, "%.6g") + "\t" +
                   number_text(t.probability, "%.6g") + "\t" + number_text(t.lift, "%.6g") +
                   "\n";
    }
  }
  io::write_text_file(staged.file("relevance.tsv").string(), relevance);
  io::write_text_file(staged.file("distinctive_terms.tsv").string(),
                      distinctive_terms_table(views, vocabulary, top));
  io::write_text_file(staged.file("ldavis.json").string(), views.ldavis + "\n");
}

}  // namespace nmfkit::cli
