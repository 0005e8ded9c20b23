#include "out_of_core_fit.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <optional>

#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/h5ad_rows.hpp"
#include "nmfkit/io/npy_rows.hpp"
#include "nmfkit/io/csr_spill.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/nmf/minibatch.hpp"
#include "nmfkit/text/corpus_stream.hpp"
#include "nmfkit/text/streamed_vectorizer.hpp"
#include "nmfkit/text/vectorizer_file.hpp"

namespace nmfkit::cli {

namespace {

std::string lowercase_extension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

std::optional<DType> requested_dtype(const std::string& dtype) {
  if (dtype == "float32") return DType::Float32;
  if (dtype == "float64") return DType::Float64;
  return std::nullopt;
}

template <class T, class Matrix>
io::NmfModel fit_rows(linalg::RowBatchSource<Matrix>& X, const OutOfCoreInput& input,
                      NmfOptions options) {
  check_batch_size(input.batch_size, X.rows());
  std::optional<Factors<T>> custom;
  if (!input.init_W.empty()) {
    custom = Factors<T>{dense_as<T>(read_input(input.init_W, "auto"), "--init-w"),
                        dense_as<T>(read_input(input.init_H, "auto"), "--init-h")};
  }
  const auto start = std::chrono::steady_clock::now();
  MiniBatchNmf<T> model(options, options.minibatch);
  MiniBatchResult<T> fitted =
      model.fit_streamed(X, custom ? &*custom : nullptr, interruptible_progress());
  NmfResult<T> result;
  result.W = std::move(fitted.W);
  result.H = std::move(fitted.H);
  result.reconstruction_error = fitted.reconstruction_error;
  result.n_iter = fitted.n_iter;
  result.converged = fitted.converged;
  result.init = fitted.init;
  result.random_state = fitted.random_state;
  result.warnings = std::move(fitted.warnings);
  result.solver = "minibatch";
  return model_of(std::move(result), std::move(options), input.path, seconds_since(start));
}

std::string description_of(Index rows, Index cols, const std::string& kind, DType dtype) {
  return shape_text(rows, cols) + ", " + kind + " " + to_string(dtype) + " (read by rows)";
}

// A topic model folder's vectoriser (vocabulary.txt and vectorizer.json, as `topics` writes).
text::Vectorizer saved_vectorizer(const std::string& directory) {
  const std::filesystem::path dir(directory);
  const std::string json_path = (dir / "vectorizer.json").string();
  if (!std::filesystem::exists(dir / "vocabulary.txt") || !std::filesystem::exists(json_path)) {
    throw InvalidArgument("--vectorizer '" + directory +
                          "' holds no vocabulary.txt and vectorizer.json (a folder written by "
                          "`nmfkit topics` or `fit CORPUS --out-of-core`)");
  }
  std::string json_text;
  for (const auto& line : io::read_lines(json_path)) json_text += line + "\n";
  return text::vectorizer_from_json(json_text, io::read_lines((dir / "vocabulary.txt").string()),
                                    json_path);
}

// Calls visit(d, text) for every document of the corpus, reporting the pass as `task`.
template <class Visit>
void corpus_pass(const text::CorpusStream& corpus, const char* task, Visit&& visit) {
  const Progress progress = interruptible_progress();
  std::int64_t done = 0;
  const std::int64_t total = corpus.size();
  corpus.for_each([&](Index d, std::string&& document) {
    visit(d, document);
    if (++done % 256 == 0 || done == total) {
      progress.report({.task = task, .unit = "documents", .done = done, .total = total});
      progress.check_cancelled();
    }
  });
}

template <class T>
CorpusFit fit_spilled(const text::CorpusStream& corpus, text::Vectorizer vectorizer,
                      const OutOfCoreInput& input, NmfOptions options, std::string& description) {
  io::CsrSpill<T> spill(corpus.size(), static_cast<Index>(vectorizer.vocabulary().size()));
  text::DocumentRows<T> rows(vectorizer);
  std::vector<std::int64_t> columns;
  std::vector<T> values;
  corpus_pass(corpus, "vectorize", [&](Index d, const std::string& document) {
    rows.row(document, columns, values);
    spill.write_row(d, columns, values);
  });
  description = description_of(spill.rows(), spill.cols(), "sparse", dtype_of<T>()) +
                ", " + std::to_string(spill.non_zeros()) + " non-zeros vectorised to a temporary file";
  CorpusFit out{fit_rows<T>(spill, input, std::move(options)), std::move(vectorizer), {},
                spill.non_zeros()};
  out.documents.names = corpus.names();
  out.documents.labels = corpus.labels();
  out.documents.label_names = corpus.label_names();
  return out;
}

}  // namespace

io::NmfModel fit_out_of_core(const OutOfCoreInput& input, NmfOptions options,
                             std::string& description) {
  if (input.init_W.empty() != input.init_H.empty()) {
    throw InvalidArgument("--init-w and --init-h must be given together");
  }
  const std::string extension = lowercase_extension(input.path);
  const std::optional<DType> requested = requested_dtype(input.dtype);
  if (extension == ".npy") {
    const DType stored = io::npy_row_dtype(input.path);
    if (requested && *requested != stored) {
      throw InvalidArgument("--out-of-core reads '" + input.path + "' in its own element type (" +
                            to_string(stored) + "); drop --dtype " + input.dtype +
                            " or save the array as " + to_string(*requested));
    }
    if (stored == DType::Float32) {
      io::NpyRows<float> X(input.path);
      description = description_of(X.rows(), X.cols(), "dense", stored);
      return fit_rows<float>(X, input, std::move(options));
    }
    io::NpyRows<double> X(input.path);
    description = description_of(X.rows(), X.cols(), "dense", stored);
    return fit_rows<double>(X, input, std::move(options));
  }
  if (extension == ".h5ad") {
    const DType type = io::h5ad_row_dtype(input.path, requested);
    if (type == DType::Float32) {
      io::H5adRows<float> X(input.path);
      description = description_of(X.rows(), X.cols(), "sparse", type);
      return fit_rows<float>(X, input, std::move(options));
    }
    io::H5adRows<double> X(input.path);
    description = description_of(X.rows(), X.cols(), "sparse", type);
    return fit_rows<double>(X, input, std::move(options));
  }
  throw InvalidArgument("--out-of-core reads .npy and .h5ad files by rows, and corpus folders and "
                        "tar archives by documents; got '" + input.path +
                        "' (convert it with `nmfkit convert`, or fit it in memory)");
}

CorpusFit fit_corpus_out_of_core(const OutOfCoreInput& input,
                                 const text::CorpusOptions& corpus_options,
                                 const text::VectorizerOptions& vectorizer_options,
                                 const std::string& vectorizer_dir, NmfOptions options,
                                 std::string& description) {
  if (input.init_W.empty() != input.init_H.empty()) {
    throw InvalidArgument("--init-w and --init-h must be given together");
  }
  std::optional<text::Vectorizer> fixed;
  if (!vectorizer_dir.empty()) fixed = saved_vectorizer(vectorizer_dir);
  const std::optional<DType> requested = requested_dtype(input.dtype);
  if (fixed && requested && *requested != fixed->options().dtype) {
    throw InvalidArgument("--dtype " + input.dtype + " differs from the element type of --vectorizer '" +
                          vectorizer_dir + "' (" + to_string(fixed->options().dtype) + ")");
  }
  // Listing the corpus finds an empty or corrupt one before any pass over its texts.
  const text::CorpusStream corpus(input.path, corpus_options);
  check_batch_size(input.batch_size, corpus.size());
  if (!fixed) {
    text::VectorizerOptions learn = vectorizer_options;
    if (requested) learn.dtype = *requested;
    text::VocabularyCounter counter(std::move(learn));
    corpus_pass(corpus, "vocabulary",
                [&](Index, const std::string& document) { counter.add(document); });
    fixed = counter.vectorizer();
  }
  if (fixed->options().dtype == DType::Float32) {
    return fit_spilled<float>(corpus, std::move(*fixed), input, std::move(options), description);
  }
  return fit_spilled<double>(corpus, std::move(*fixed), input, std::move(options), description);
}

}  // namespace nmfkit::cli
