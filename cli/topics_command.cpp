// `nmfkit topics CORPUS --k K --out DIR`: a topic model of a corpus — read, vectorise,
// factorise with NMF (or semantic NMF: --model semantic), then the top terms, dominant
// topics, coherence and, when the documents have labels, how well the topics agree with
// them.

#include <chrono>
#include <cmath>
#include <numeric>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "cluster_flags.hpp"
#include "command.hpp"
#include "report_flags.hpp"
#include "common.hpp"
#include "corpus_matrix.hpp"
#include "nmf_flags.hpp"
#include "topic_tables.hpp"
#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/text/analyzer.hpp"
#include "nmfkit/text/coherence.hpp"
#include "nmfkit/text/ldavis.hpp"
#include "nmfkit/text/semantic_nmf.hpp"
#include "nmfkit/text/topic_views.hpp"
#include "nmfkit/text/topics.hpp"
#include "nmfkit/text/vectorizer_file.hpp"
#include "nmfkit/text/word_context.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct TopicsArgs {
  std::string corpus;
  std::string out;
  CorpusFlags corpus_flags;
  VectorizerFlags vectorizer_flags;
  NmfFlags nmf;
  SelectFlags select;
  int top = 10;
  int top_documents = 5;
  std::vector<std::string> coherence = {"c_v", "c_npmi", "u_mass"};
  bool save_matrix = false;
  bool cluster = false;
  std::string model = "standard";  // or semantic
  text::WordContextOptions word_context;
  double context_weight = 1.0;
  bool select_method_given = false;  // else semantic's --k auto uses stability (SeNMFk)
  bool semantic_flags_given = false;  // --window, --pmi-shift or --context-weight
  double relevance_lambda = 0.6;
  std::string fold_change = "le";
  bool no_report = false;
};

// What semantic NMF adds to a topic model.
struct SemanticPart {
  SparseMatrix<double> M;  // contexts × words
  double document_error = 0;
  double context_error = 0;
  double context_scale = 0;
};

struct TopicModel {
  io::NmfModel nmf;
  std::vector<std::vector<text::Ranked>> terms;      // per topic, best first
  std::vector<std::vector<text::Ranked>> documents;  // per topic, best first
  std::vector<int> dominant;                         // per document, -1 for none
  std::vector<std::vector<std::string>> words;       // the terms' words
};

template <class T>
TopicModel fit_topics(const SparseMatrix<T>& X, const TopicsArgs& args, NmfOptions options,
                      SemanticPart* semantic) {
  const auto start = std::chrono::steady_clock::now();
  NmfResult<T> result;
  if (semantic) {
    auto joint = text::fit_semantic(X, semantic->M, args.context_weight, options,
                                    interruptible_progress());
    result = std::move(joint.nmf);
    semantic->document_error = joint.document_error;
    semantic->context_error = joint.context_error;
    semantic->context_scale = joint.context_scale;
  } else {
    result = fit(X, options, nullptr, interruptible_progress());
  }
  const double seconds = seconds_since(start);
  TopicModel model;
  model.terms = text::top_terms(result.H, args.top);
  model.documents = text::top_documents(result.W, args.top_documents);
  model.dominant = text::dominant_topics(result.W);
  model.nmf = model_of(std::move(result), std::move(options), args.corpus, seconds);
  return model;
}

std::vector<text::CoherenceMeasure> coherence_measures(const std::vector<std::string>& names) {
  std::vector<text::CoherenceMeasure> measures;
  for (const auto& name : names) {
    if (name != "none") measures.push_back(text::parse_coherence_measure(name));
  }
  return measures;
}

void print_topics(const TopicModel& model, const std::vector<Index>& counts,
                  const std::vector<text::CoherenceMeasure>& measures,
                  const std::vector<std::vector<double>>& coherence) {
  std::printf("\ntopic   docs");
  for (const auto measure : measures) std::printf(" %8s", text::to_string(measure).c_str());
  std::printf("  top terms\n");
  for (std::size_t k = 0; k < model.words.size(); ++k) {
    std::printf("%5zu %6lld", k, static_cast<long long>(counts[k]));
    for (const auto& values : coherence) std::printf(" %8.3f", values[k]);
    std::printf(" ");
    for (const auto& word : model.words[k]) std::printf(" %s", word.c_str());
    std::printf("\n");
  }
}

struct LabelScores {
  double purity = 0;
  double nmi = 0;
  double ari = 0;
};

LabelScores label_scores(const std::vector<int>& truth, const std::vector<int>& dominant) {
  return {cluster::purity(truth, dominant), cluster::normalized_mutual_information(truth, dominant),
          cluster::adjusted_rand_index(truth, dominant)};
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

void run(const TopicsArgs& args) {
  NmfOptions options = args.nmf.options();
  const auto measures = coherence_measures(args.coherence);
  const bool semantic = args.model == "semantic";
  if (semantic) args.word_context.validate();
  if (!semantic && args.semantic_flags_given) {
    throw InvalidArgument("--window, --pmi-shift and --context-weight apply to --model semantic");
  }
  CorpusMatrix data = read_and_vectorize(args.corpus, args.corpus_flags, args.vectorizer_flags);
  const auto& vocabulary = data.vectorizer.vocabulary();
  // The documents as the vectoriser saw them: coherence is measured on them, the
  // word-context matrix and the token counts of the topic views counted from them.
  std::vector<std::vector<std::string>> texts = text::analyze(
      data.corpus.documents, data.vectorizer.options().lowercase,
      data.vectorizer.options().stop_words);
  const text::TokenCounts token_counts = text::token_counts(texts, vocabulary);
  std::optional<SemanticPart> semantic_part;
  if (semantic) {
    semantic_part.emplace();
    semantic_part->M = text::word_context_matrix(texts, vocabulary, args.word_context);
  }
  if (args.nmf.k_auto()) {
    // --k auto: the number of topics chosen by select-k on the document-term matrix, or for
    // semantic NMF on the stacked matrix it factorises, by NMFk stability unless
    // --select-method says otherwise (SeNMFk's rule)
    SelectFlags select = args.select;
    if (semantic && !args.select_method_given) select.method = "stability";
    options.n_components = data.X.visit([&](const auto& X) -> Index {
      using Matrix = std::decay_t<decltype(X)>;
      using T = typename Matrix::Scalar;
      if constexpr (std::is_same_v<Matrix, SparseMatrix<T>>) {
        if (semantic) {
          const SparseMatrix<T> stacked =
              text::semantic_stack(X, semantic_part->M, args.context_weight);
          return choose_k(stacked, EntryWeights<T>{}, options, select);
        }
      }
      return choose_k(X, EntryWeights<T>{}, options, select);
    });
  }
  const Index k = options.n_components.value_or(0);
  if (k > static_cast<Index>(vocabulary.size())) {
    throw InvalidArgument("--k " + std::to_string(k) + " is larger than the vocabulary (" +
                          std::to_string(vocabulary.size()) + " terms)");
  }

  TopicModel model = data.X.visit([&](const auto& X) -> TopicModel {
    using Matrix = std::decay_t<decltype(X)>;
    using T = typename Matrix::Scalar;
    if constexpr (std::is_same_v<Matrix, SparseMatrix<T>>) {
      return fit_topics<T>(X, args, options, semantic_part ? &*semantic_part : nullptr);
    } else {
      throw InvalidArgument("the vectoriser returned a dense matrix");  // never: it is CSR
    }
  });
  model.words = text::topic_words(model.terms, vocabulary);
  const TopicViews views = topic_views(model.nmf, token_counts, vocabulary, args.relevance_lambda,
                                       args.top, args.fold_change);
  const auto counts = text::documents_per_topic(model.dominant, k);

  // Coherence on the documents as the vectoriser saw them; gensim rejects empty texts for
  // the sliding-window measures, so documents with no token left are not counted.
  std::vector<std::vector<double>> coherence;
  double coherence_seconds = 0;
  if (!measures.empty()) {
    const auto start = std::chrono::steady_clock::now();
    std::erase_if(texts, [](const auto& tokens) { return tokens.empty(); });
    const Progress progress = interruptible_progress();
    for (const auto measure : measures) {
      text::CoherenceOptions coherence_options;
      coherence_options.measure = measure;
      coherence_options.topn = args.top;
      coherence.push_back(text::topic_coherence(model.words, texts, coherence_options));
      progress.report({.task = "coherence",
                       .unit = "measures",
                       .done = static_cast<std::int64_t>(coherence.size()),
                       .total = static_cast<std::int64_t>(measures.size())});
    }
    coherence_seconds = seconds_since(start);
  }

  json summary;
  summary["corpus"] = args.corpus;
  summary["documents"] = data.corpus.documents.size();
  summary["labels"] = data.corpus.label_names;
  summary["matrix"] = {{"rows", data.X.rows()},
                       {"cols", data.X.cols()},
                       {"nnz", data.X.stored()},
                       {"dtype", to_string(data.X.dtype())},
                       {"weighting", args.vectorizer_flags.weighting}};
  summary["k"] = k;
  summary["reconstruction_error"] = model.nmf.reconstruction_error;
  summary["n_iter"] = model.nmf.n_iter;
  summary["converged"] = model.nmf.converged;
  summary["model"] = args.model;
  if (semantic_part) {
    summary["semantic"] = {{"window", args.word_context.window},
                           {"pmi_shift", args.word_context.shift},
                           {"context_weight", args.context_weight},
                           {"context_scale", semantic_part->context_scale},
                           {"word_context_nnz", semantic_part->M.nonZeros()},
                           {"document_error", semantic_part->document_error},
                           {"context_error", semantic_part->context_error}};
  }
  summary["topics"] = json::array();
  for (std::size_t t = 0; t < model.words.size(); ++t) {
    summary["topics"].push_back(
        {{"topic", t}, {"documents", counts[t]}, {"terms", model.words[t]}});
  }
  summary["coherence"] = json::object();
  for (std::size_t m = 0; m < measures.size(); ++m) {
    summary["coherence"][text::to_string(measures[m])] = {{"per_topic", coherence[m]},
                                                          {"mean", mean_of(coherence[m])}};
  }
  const double diversity = text::topic_diversity(model.words, args.top);
  summary["topic_diversity"] = diversity;
  std::optional<LabelScores> scores;
  if (!data.corpus.labels.empty()) {
    scores = label_scores(data.corpus.labels, model.dominant);
    summary["label_scores"] = {
        {"purity", scores->purity}, {"nmi", scores->nmi}, {"ari", scores->ari}};
  }
  // --cluster: documents grouped by their topics (defaults of `nmfkit cluster`, Leiden seeded
  // with the NMF seed), the loss measured on the sqrt of the depth-scaled matrix.
  std::optional<ClusterRun> clustering;
  if (args.cluster) {
    cluster::ClusterOptions cluster_options = ClusterFlags{}.options();
    cluster_options.seed = *model.nmf.options.random_state;
    AnyMatrix W = model.nmf.W, H = model.nmf.H, X = data.X;
    W.convert(DType::Float64);
    H.convert(DType::Float64);
    X.convert(DType::Float64);
    const auto& Hd = std::get<DenseMatrix<double>>(H.storage());
    for (Index t = 0; t < Hd.rows(); ++t) cluster_options.column_scale.push_back(Hd.row(t).sum());
    clustering = run_clustering(std::get<DenseMatrix<double>>(W.storage()),
                                cluster::stabilize(std::get<SparseMatrix<double>>(X.storage())),
                                cluster_options, data.corpus.labels,
                                {{"embedding", "doc_topics.npy (scaled by the row sums of H)"},
                                 {"data", "the document-term matrix"},
                                 {"data_transform", "sqrt"},
                                 {"data_rows_scaled_to_median_sum", true}});
    summary["clustering"] = clustering->summary;
  }
  summary["seconds"] = {{"read", data.read_seconds},
                        {"vectorize", data.vectorize_seconds},
                        {"nmf", model.nmf.seconds},
                        {"coherence", coherence_seconds}};

  std::vector<std::string> topic_column;
  for (const int t : model.dominant) topic_column.push_back(std::to_string(t));
  io::ResultFolder staged(args.out, "topics");
  io::write_nmf_model(staged, model.nmf, "doc_topics.npy");
  io::write_text_file(staged.file("topics.tsv").string(), topics_table(model.terms, vocabulary));
  io::write_text_file(staged.file("top_documents.tsv").string(),
                      top_documents_table(model.documents, data.corpus));
  io::write_text_file(staged.file("documents.tsv").string(),
                      documents_table(data.corpus, {"topic"}, {topic_column}));
  io::write_lines(staged.file("vocabulary.txt").string(), vocabulary);
  io::write_text_file(staged.file("vectorizer.json").string(),
                      text::vectorizer_json(data.vectorizer));
  io::write_text_file(staged.file("summary.json").string(), summary.dump(2) + "\n");
  write_topic_views(staged, views, vocabulary, args.top);
  if (args.save_matrix) io::write_matrix(staged.file("X.mtx").string(), data.X);
  if (clustering) write_clustering(staged, *clustering, data.corpus.names);
  write_staged_report(staged, args.no_report);
  staged.commit();

  std::fputs(data.report.c_str(), stdout);
  std::printf("nmf        k %lld, init %s, seed %u: error %.6g after %d iterations in %.2f s\n",
              static_cast<long long>(k), to_string(model.nmf.init_used).c_str(),
              *model.nmf.options.random_state, model.nmf.reconstruction_error, model.nmf.n_iter,
              model.nmf.seconds);
  if (semantic_part) {
    std::printf(
        "semantic   window %d, PMI shift %g, context weight %g: %lld word-context entries; "
        "relative error %.4f (documents), %.4f (contexts)\n",
        args.word_context.window, args.word_context.shift, args.context_weight,
        static_cast<long long>(semantic_part->M.nonZeros()), semantic_part->document_error,
        semantic_part->context_error);
  }
  print_topics(model, counts, measures, coherence);
  std::printf("\ntopic diversity %.3f (share of distinct words among the top %d)\n", diversity,
              args.top);
  if (scores) {
    std::printf("dominant topic vs label: purity %.3f, NMI %.3f, ARI %.3f\n", scores->purity,
                scores->nmi, scores->ari);
  }
  if (clustering) std::fputs(clustering->report.c_str(), stdout);
  print_warnings(model.nmf.warnings);
  std::printf(
      "wrote %s: topics.tsv, doc_topics.npy, H.npy, model.json, vocabulary.txt, vectorizer.json, "
      "documents.tsv, top_documents.tsv, summary.json, topic_proportions.npy, "
      "word_distributions.npy, relevance.tsv, log_fold_change.npy, distinctive_terms.tsv, "
      "ldavis.json%s%s%s\n",
      args.out.c_str(), args.save_matrix ? ", X.mtx" : "",
      clustering ? ", clusters.tsv, coordinates.tsv, tuning.tsv, loss.svg" : "",
      args.no_report ? "" : ", report.html");
}

}  // namespace

void add_topics_command(CLI::App& app) {
  auto args = std::make_shared<TopicsArgs>();
  auto* command = app.add_subcommand(
      "topics", "Topic-model a corpus: vectorise it, factorise with NMF, show and save the topics");
  command
      ->add_option("CORPUS", args->corpus,
                   "a folder or .tar.gz with one folder per label (20 newsgroups layout), a .txt "
                   "(one document per line) or a .tsv (label column + text)")
      ->required();
  command->add_option("--out", args->out, "directory for the topic model")->required();
  args->corpus_flags.add_to(*command);
  args->vectorizer_flags.add_to(*command);
  args->nmf.add_to(*command, /*k_required=*/true);
  args->select.add_to(*command, /*prefixed=*/true);
  command->add_option("--top", args->top, "terms shown and saved per topic")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--top-documents", args->top_documents, "documents saved per topic")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--coherence", args->coherence,
                   "coherence measures (gensim's): c_v, c_npmi, c_uci, u_mass, or none")
      ->delimiter(',')
      ->check(CLI::IsMember({"c_v", "c_npmi", "c_uci", "u_mass", "none"}))
      ->capture_default_str();
  command->add_flag("--save-matrix", args->save_matrix, "also write the matrix as X.mtx");
  add_no_report_flag(*command, args->no_report);
  command
      ->add_option("--relevance-lambda", args->relevance_lambda,
                   "λ of relevance.tsv's ranking (Sievert & Shirley): 1 ranks by probability, "
                   "0 by lift")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--lfc", args->fold_change,
                   "log_fold_change.npy's statistic: le (least extreme against each other "
                   "topic, fastTopics' default) or vsnull (against the one-topic model)")
      ->check(CLI::IsMember({"le", "vsnull"}))
      ->capture_default_str();
  command
      ->add_option("--model", args->model,
                   "standard (NMF of the document-term matrix) or semantic (SeNMF: jointly with "
                   "the word-context SPPMI matrix, sharing the word factor; with --k auto the "
                   "number of topics comes from NMFk stability)")
      ->check(CLI::IsMember({"standard", "semantic"}))
      ->capture_default_str();
  command
      ->add_option("--window", args->word_context.window,
                   "semantic: vocabulary words on each side of a word that count as its context")
      ->capture_default_str();
  command
      ->add_option("--pmi-shift", args->word_context.shift,
                   "semantic: SPPMI's shift k (log k is subtracted; 1 gives positive PMI)")
      ->capture_default_str();
  command
      ->add_option("--context-weight", args->context_weight,
                   "semantic: weight of the word-context term, relative to the document-term "
                   "term after both are scaled to the same norm")
      ->capture_default_str();
  command->add_flag("--cluster", args->cluster,
                    "also cluster the documents by their topics, as `nmfkit cluster` does with its "
                    "defaults (clusters.tsv, tuning.tsv, loss.svg; summary.json's 'clustering')");
  command->callback([args, command] {
    args->select_method_given = command->count("--select-method") > 0;
    args->semantic_flags_given = command->count("--window") + command->count("--pmi-shift") +
                                     command->count("--context-weight") >
                                 0;
    run(*args);
  });
}

}  // namespace nmfkit::cli
