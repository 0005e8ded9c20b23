#pragma once
// The first steps of `vectorize` and `topics`: read a corpus and turn it into a
// document × term matrix, timing both and saying what came out.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/vectorizer.hpp"
#include "text_flags.hpp"

namespace nmfkit::cli {

struct CorpusMatrix {
  text::Corpus corpus;
  text::Vectorizer vectorizer;
  AnyMatrix X;  // documents × terms, CSR
  double read_seconds = 0;
  double vectorize_seconds = 0;
  std::string report;  // one line per step, printed once the command has succeeded
};

// The corpus at `path`, with the time the read took and its report line ("read ...").
struct ReadCorpus {
  text::Corpus corpus;
  double seconds = 0;
  std::string report;
};
ReadCorpus read_corpus_timed(const std::string& path, const text::CorpusOptions& options);

// The report line of a vectorised corpus ("vectorise ...").
std::string vectorise_report(const AnyMatrix& X, const std::string& weighting, double seconds);

// Reads and vectorises.
CorpusMatrix read_and_vectorize(const std::string& path, const CorpusFlags& corpus_flags,
                                const VectorizerFlags& vectorizer_flags);

// documents.tsv: one row per document (its name, its label if the corpus has labels, and
// the extra columns given), under a header.
std::string documents_table(const text::Corpus& corpus,
                            const std::vector<std::string>& extra_header = {},
                            const std::vector<std::vector<std::string>>& extra_columns = {});

}  // namespace nmfkit::cli
