#pragma once
// `fit --out-of-core`: solver minibatch on X streamed from its file a batch of rows at a
// time (nmf/minibatch.hpp's fit_streamed over io/npy_rows.hpp, io/h5ad_rows.hpp or a
// vectorised corpus), so
// memory holds one batch of X besides W and H. The model equals the in-memory fit's.

#include <optional>
#include <string>

#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/options.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::cli {

struct OutOfCoreInput {
  std::string path;     // .npy (float32 or float64, C or Fortran order) or .h5ad (CSR X)
  std::string dtype;    // --dtype: auto, float32, float64
  std::string init_W;   // --init-w and --init-h, or empty
  std::string init_H;
  std::optional<Index> batch_size;  // --batch-size as given (at most the samples)
};

// The fitted model; `description` gets "m × n, dense float64 (read by rows)" for the
// summary. Throws InvalidArgument for an input or options that cannot be streamed.
io::NmfModel fit_out_of_core(const OutOfCoreInput& input, NmfOptions options,
                             std::string& description);

// `fit CORPUS --out-of-core`: a corpus folder or tar archive streamed a document at a time
// (text/corpus_stream.hpp), vectorised in two passes (the vocabulary, then each document's
// row into a temporary file, io/csr_spill.hpp) and fitted from that file by rows.
struct CorpusFit {
  io::NmfModel model;
  text::Vectorizer vectorizer;  // learned, or the one given
  text::Corpus documents;       // names and labels only (no texts)
  std::int64_t non_zeros = 0;
};

// `vectorizer_dir` names a topic model folder whose vocabulary.txt and vectorizer.json
// fix the vocabulary and weighting (then `vectorizer_options` is not used), or is empty.
CorpusFit fit_corpus_out_of_core(const OutOfCoreInput& input,
                                 const text::CorpusOptions& corpus_options,
                                 const text::VectorizerOptions& vectorizer_options,
                                 const std::string& vectorizer_dir, NmfOptions options,
                                 std::string& description);

}  // namespace nmfkit::cli
