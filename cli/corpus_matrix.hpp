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

// Reads and vectorises.
CorpusMatrix read_and_vectorize(const std::string& path, const CorpusFlags& corpus_flags,
                                const VectorizerFlags& vectorizer_flags);

// documents.tsv: one row per document (its name, its label if the corpus has labels, and
// the extra columns given), under a header.
std::string documents_table(const text::Corpus& corpus,
                            const std::vector<std::string>& extra_header = {},
                            const std::vector<std::vector<std::string>>& extra_columns = {});

}  // namespace nmfkit::cli
