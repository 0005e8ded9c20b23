#include "corpus_matrix.hpp"

#include <chrono>
#include <cstdio>

#include "common.hpp"

namespace nmfkit::cli {

namespace {
std::string format_seconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f s", seconds);
  return buffer;
}
}  // namespace

ReadCorpus read_corpus_timed(const std::string& path, const text::CorpusOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  text::Corpus corpus = text::read_corpus(path, options);
  const double seconds = seconds_since(start);
  std::string report = "read       " + std::to_string(corpus.documents.size()) + " documents";
  if (!corpus.label_names.empty()) {
    report += ", " + std::to_string(corpus.label_names.size()) + " labels";
  }
  report += " from " + path + " in " + format_seconds(seconds) + "\n";
  return {std::move(corpus), seconds, std::move(report)};
}

std::string vectorise_report(const AnyMatrix& X, const std::string& weighting, double seconds) {
  return "vectorise  " + describe(X) + ", " + std::to_string(X.stored()) + " non-zeros (" +
         weighting + ") in " + format_seconds(seconds) + "\n";
}

CorpusMatrix read_and_vectorize(const std::string& path, const CorpusFlags& corpus_flags,
                                const VectorizerFlags& vectorizer_flags) {
  // Both option sets are checked before the (possibly long) read.
  const text::CorpusOptions corpus_options = corpus_flags.options();
  text::VectorizerOptions vectorizer_options = vectorizer_flags.options();

  ReadCorpus read = read_corpus_timed(path, corpus_options);
  const auto start = std::chrono::steady_clock::now();
  text::Vectorizer vectorizer(std::move(vectorizer_options));
  AnyMatrix X = vectorizer.fit_transform(read.corpus.documents, interruptible_progress());
  const double vectorize_seconds = seconds_since(start);
  std::string report =
      read.report + vectorise_report(X, vectorizer_flags.weighting, vectorize_seconds);
  return {std::move(read.corpus), std::move(vectorizer), std::move(X),
          read.seconds,           vectorize_seconds,     std::move(report)};
}

std::string documents_table(const text::Corpus& corpus,
                            const std::vector<std::string>& extra_header,
                            const std::vector<std::vector<std::string>>& extra_columns) {
  const bool labelled = !corpus.labels.empty();
  std::string out = labelled ? "document\tlabel" : "document";
  for (const auto& name : extra_header) out += "\t" + name;
  out += '\n';
  for (std::size_t i = 0; i < corpus.names.size(); ++i) {
    out += corpus.names[i];
    if (labelled) out += "\t" + corpus.label_names[static_cast<std::size_t>(corpus.labels[i])];
    for (const auto& column : extra_columns) out += "\t" + column[i];
    out += '\n';
  }
  return out;
}

}  // namespace nmfkit::cli
