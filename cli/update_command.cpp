// `nmfkit update MODEL_DIR INPUT --out DIR`: continues a fitted model with new samples
// (online NMF), writing a model folder like `fit`'s. A topic model (a `topics` folder) takes
// new documents: they are vectorised with the model's vocabulary and weighting, and the
// folder written is a topic model again (topics.tsv and the rest, as `topics` writes them).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "corpus_matrix.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/nmf/minibatch.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/topics.hpp"
#include "nmfkit/text/vectorizer_file.hpp"
#include "text_flags.hpp"
#include "topic_tables.hpp"

namespace nmfkit::cli {

namespace {

struct UpdateArgs {
  std::string model;
  std::string input;
  std::string out;
  int passes = 1;
  std::optional<Index> batch_size;
  CorpusFlags corpus_flags;
  int top = 10;
  int top_documents = 5;
};

// What a topic model folder adds to the NMF model: how its documents became rows.
struct TopicVocabulary {
  text::Vectorizer vectorizer;
};

std::optional<TopicVocabulary> topic_vocabulary(const std::string& directory, Index features) {
  const std::filesystem::path dir(directory);
  if (!std::filesystem::exists(dir / "vocabulary.txt")) return std::nullopt;
  const std::string json_path = (dir / "vectorizer.json").string();
  if (!std::filesystem::exists(json_path)) {
    throw InvalidArgument("'" + directory +
                          "' is a topic model without vectorizer.json (written by an older "
                          "nmfkit); fit it again with `nmfkit topics` to update it with documents");
  }
  std::string json_text;
  for (const auto& line : io::read_lines(json_path)) json_text += line + "\n";
  text::Vectorizer vectorizer = text::vectorizer_from_json(
      json_text, io::read_lines((dir / "vocabulary.txt").string()), json_path);
  if (static_cast<Index>(vectorizer.vocabulary().size()) != features) {
    throw InvalidArgument("'" + directory + "': vocabulary.txt has " +
                          std::to_string(vectorizer.vocabulary().size()) +
                          " terms, but the model has " + std::to_string(features) + " features");
  }
  return TopicVocabulary{std::move(vectorizer)};
}

// Matrix files go to the matrix readers; anything else to a topic model is a corpus (a
// folder, an archive, a .txt or a .tsv, as `topics` reads them).
bool is_matrix_file(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* suffix : {".npy", ".mtx", ".mtx.gz", ".csv", ".csv.gz", ".tsv.gz", ".h5ad"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

void write_topic_folder(const io::StagedDirectory& staged, const io::NmfModel& model,
                        const TopicVocabulary& topics, const std::optional<text::Corpus>& corpus,
                        const UpdateArgs& args, int n_steps) {
  const auto& vocabulary = topics.vectorizer.vocabulary();
  AnyMatrix W = model.W, H = model.H;
  W.convert(DType::Float64);
  H.convert(DType::Float64);
  const auto& Wd = std::get<DenseMatrix<double>>(W.storage());
  const auto& Hd = std::get<DenseMatrix<double>>(H.storage());
  const auto terms = text::top_terms(Hd, args.top);
  const auto words = text::topic_words(terms, vocabulary);
  const auto dominant = text::dominant_topics(Wd);
  const auto counts = text::documents_per_topic(dominant, Hd.rows());
  io::write_text_file(staged.file("topics.tsv").string(), topics_table(terms, vocabulary));
  io::write_lines(staged.file("vocabulary.txt").string(), vocabulary);
  io::write_text_file(staged.file("vectorizer.json").string(),
                      text::vectorizer_json(topics.vectorizer));
  nlohmann::json summary;
  summary["updated_from"] = args.model;
  summary["input"] = args.input;
  summary["documents"] = Wd.rows();
  summary["k"] = Hd.rows();
  summary["passes"] = args.passes;
  summary["batches"] = n_steps;
  summary["reconstruction_error"] = model.reconstruction_error;
  summary["topics"] = nlohmann::json::array();
  for (std::size_t t = 0; t < words.size(); ++t) {
    summary["topics"].push_back({{"topic", t}, {"documents", counts[t]}, {"terms", words[t]}});
  }
  if (corpus) {
    std::vector<std::string> topic_column;
    for (const int t : dominant) topic_column.push_back(std::to_string(t));
    io::write_text_file(staged.file("top_documents.tsv").string(),
                        top_documents_table(text::top_documents(Wd, args.top_documents), *corpus));
    io::write_text_file(staged.file("documents.tsv").string(),
                        documents_table(*corpus, {"topic"}, {topic_column}));
  }
  io::write_text_file(staged.file("summary.json").string(), summary.dump(2) + "\n");
  std::printf("\ntopic   docs  top terms\n");
  for (std::size_t t = 0; t < words.size(); ++t) {
    std::printf("%5zu %6lld ", t, static_cast<long long>(counts[t]));
    for (const auto& word : words[t]) std::printf(" %s", word.c_str());
    std::printf("\n");
  }
}

void run(const UpdateArgs& args) {
  io::NmfModel model = io::load_nmf_model(args.model);
  const std::optional<TopicVocabulary> topics = topic_vocabulary(args.model, model.H.cols());
  // The data takes the model's element type, whatever its file holds.
  const std::string dtype = to_string(model.H.dtype());
  std::optional<text::Corpus> corpus;
  AnyMatrix X;
  if (topics && !is_matrix_file(args.input)) {
    corpus = text::read_corpus(args.input, args.corpus_flags.options());
    X = topics->vectorizer.transform(corpus->documents);
    X.convert(model.H.dtype());
  } else {
    X = read_input(args.input, dtype);
  }
  if (topics && X.cols() != model.H.cols()) {
    throw InvalidArgument("'" + args.input + "' has " + std::to_string(X.cols()) +
                          " columns, but the topic model's vocabulary has " +
                          std::to_string(model.H.cols()) + " terms");
  }
  check_batch_size(args.batch_size, X.rows());
  if (args.batch_size) model.options.minibatch.batch_size = *args.batch_size;
  const auto start = std::chrono::steady_clock::now();
  int n_steps = 0;
  X.visit([&](const auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    const auto& H = std::get<DenseMatrix<T>>(model.H.storage());
    MiniBatchResult<T> r = online_update(m, H, model.options, args.passes, interruptible_progress());
    n_steps = r.n_steps;
    model.W = std::move(r.W);
    model.H = std::move(r.H);
    model.reconstruction_error = r.reconstruction_error;
    model.n_iter = r.n_iter;
  });
  model.seconds = seconds_since(start);
  model.input = args.input;
  model.converged = true;
  model.warnings.clear();
  model.objective_history.clear();
  model.iteration_seconds.clear();
  model.kkt_history.clear();
  model.solver_used = "minibatch";
  std::printf("update %s with %s: %s, %d batches in %d pass%s, %.3f s\n", args.model.c_str(),
              args.input.c_str(), describe(X).c_str(), n_steps, args.passes,
              args.passes == 1 ? "" : "es", model.seconds);
  std::printf("      reconstruction error of the new data %.6g\n", model.reconstruction_error);
  if (!topics) {
    io::save_nmf_model(args.out, model, "update");
    std::printf("wrote %s: W.npy (%s, the new samples), H.npy (%s), model.json\n",
                args.out.c_str(), shape_text(model.W.rows(), model.W.cols()).c_str(),
                shape_text(model.H.rows(), model.H.cols()).c_str());
    return;
  }
  io::ResultFolder staged(args.out, "update");
  io::write_nmf_model(staged, model, "doc_topics.npy");
  write_topic_folder(staged, model, *topics, corpus, args, n_steps);
  staged.commit();
  std::printf("wrote %s: topics.tsv, doc_topics.npy (the new documents), H.npy, model.json, "
              "vocabulary.txt, vectorizer.json, summary.json%s\n",
              args.out.c_str(), corpus ? ", documents.tsv, top_documents.tsv" : "");
}

}  // namespace

void add_update_command(CLI::App& app) {
  auto args = std::make_shared<UpdateArgs>();
  auto* command = app.add_subcommand(
      "update",
      "Continue a fitted model with new samples (online NMF, as gensim's Nmf.update): "
      "MiniBatchNMF's partial_fit over the new data's batches, from the model's H; a topic "
      "model takes new documents");
  command->add_option("MODEL_DIR", args->model, "directory written by `nmfkit fit` or `topics`")
      ->required();
  command
      ->add_option("INPUT", args->input,
                   "new samples with the model's number of features; for a `topics` model also "
                   "a corpus (folder, .tar.gz, .txt or .tsv), vectorised with its vocabulary")
      ->required();
  command->add_option("--out", args->out, "directory for the updated model")->required();
  command->add_option("--passes", args->passes, "passes over the new data")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--batch-size", args->batch_size,
                   "samples per batch (default: the model's, at most the new samples)")
      ->check(CLI::PositiveNumber);
  args->corpus_flags.add_to(*command);
  command->add_option("--top", args->top, "topic models: terms saved per topic")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--top-documents", args->top_documents,
                      "topic models: documents saved per topic")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
