#include "topic_tables.hpp"

#include <cstdio>

namespace nmfkit::cli {

namespace {

std::string weight_text(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
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

}  // namespace nmfkit::cli
