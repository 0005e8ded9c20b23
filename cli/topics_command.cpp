// `nmfkit topics CORPUS --k K --out DIR`: a topic model of a corpus — read, vectorise,
// factorise with NMF (or semantic NMF: --model semantic), then the top terms, dominant
// topics, coherence and, when the documents have labels, how well the topics agree with
// them.

#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "cluster_flags.hpp"
#include "command.hpp"
#include "common.hpp"
#include "corpus_matrix.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/text/topic_model.hpp"
#include "nmfkit/text/vectorizer_file.hpp"
#include "nmfkit/text/word_context.hpp"
#include "progress_output.hpp"
#include "report_flags.hpp"
#include "topic_tables.hpp"

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
  bool select_method_given = false;   // else semantic's --k auto uses stability (SeNMFk)
  bool semantic_flags_given = false;  // --window, --pmi-shift or --context-weight
  double relevance_lambda = 0.6;
  std::string fold_change = "le";
  bool no_report = false;
};

std::vector<text::CoherenceMeasure> coherence_measures(const std::vector<std::string>& names) {
  std::vector<text::CoherenceMeasure> measures;
  for (const auto& name : names) {
    if (name != "none") measures.push_back(text::parse_coherence_measure(name));
  }
  return measures;
}

// --k auto: the number of topics chosen by select-k; for semantic NMF by NMFk stability
// unless --select-method says otherwise (SeNMFk's rule).
SelectFlags select_flags(const TopicsArgs& args) {
  SelectFlags select = args.select;
  if (args.model == "semantic" && !args.select_method_given) select.method = "stability";
  return select;
}

// The library's options from the flags; checked before the (possibly long) read.
text::TopicModelOptions topic_model_options(const TopicsArgs& args) {
  text::TopicModelOptions o;
  o.nmf = args.nmf.options();
  o.coherence = coherence_measures(args.coherence);
  o.model = text::parse_topic_model_kind(args.model);
  const bool semantic = o.model == text::TopicModelKind::Semantic;
  if (semantic) args.word_context.validate();
  if (!semantic && args.semantic_flags_given) {
    throw InvalidArgument("--window, --pmi-shift and --context-weight apply to --model semantic");
  }
  if (args.nmf.k_auto()) {
    const SelectFlags select = select_flags(args);
    o.select = select.options(o.nmf, select.range).for_automatic_k();
  }
  o.word_context = args.word_context;
  o.context_weight = args.context_weight;
  o.top_terms = args.top;
  o.top_documents = args.top_documents;
  o.relevance_lambda = args.relevance_lambda;
  o.fold_change = text::parse_fold_change(args.fold_change);
  return o;
}

void print_topics(const text::TopicModelResult& model) {
  std::printf("\ntopic   docs");
  for (const auto& c : model.coherence) std::printf(" %8s", text::to_string(c.measure).c_str());
  std::printf("  top terms\n");
  for (std::size_t k = 0; k < model.words.size(); ++k) {
    std::printf("%5zu %6lld", k, static_cast<long long>(model.documents_per_topic[k]));
    for (const auto& c : model.coherence) std::printf(" %8.3f", c.per_topic[k]);
    std::printf(" ");
    for (const auto& word : model.words[k]) std::printf(" %s", word.c_str());
    std::printf("\n");
  }
}

json summary_of(const TopicsArgs& args, const text::Corpus& corpus,
                const text::TopicModelResult& model, double read_seconds) {
  const AnyMatrix& X = model.corpus.X;
  json summary;
  summary["corpus"] = args.corpus;
  summary["documents"] = corpus.documents.size();
  summary["labels"] = corpus.label_names;
  summary["matrix"] = {{"rows", X.rows()},
                       {"cols", X.cols()},
                       {"nnz", X.stored()},
                       {"dtype", to_string(X.dtype())},
                       {"weighting", args.vectorizer_flags.weighting}};
  summary["k"] = model.n_topics();
  summary["reconstruction_error"] = model.nmf.reconstruction_error;
  summary["n_iter"] = model.nmf.n_iter;
  summary["converged"] = model.nmf.converged;
  summary["model"] = args.model;
  if (model.semantic) {
    summary["semantic"] = {{"window", args.word_context.window},
                           {"pmi_shift", args.word_context.shift},
                           {"context_weight", args.context_weight},
                           {"context_scale", model.semantic->context_scale},
                           {"word_context_nnz", model.semantic->word_context.nonZeros()},
                           {"document_error", model.semantic->document_error},
                           {"context_error", model.semantic->context_error}};
  }
  summary["topics"] = json::array();
  for (std::size_t t = 0; t < model.words.size(); ++t) {
    summary["topics"].push_back(
        {{"topic", t}, {"documents", model.documents_per_topic[t]}, {"terms", model.words[t]}});
  }
  summary["coherence"] = json::object();
  for (const auto& c : model.coherence) {
    summary["coherence"][text::to_string(c.measure)] = {{"per_topic", c.per_topic},
                                                        {"mean", c.mean}};
  }
  summary["topic_diversity"] = model.diversity;
  if (model.label_scores) {
    summary["label_scores"] = {{"purity", model.label_scores->purity},
                               {"nmi", model.label_scores->nmi},
                               {"ari", model.label_scores->ari}};
  }
  summary["seconds"] = {{"read", read_seconds},
                        {"vectorize", model.corpus.vectorize_seconds},
                        {"nmf", model.nmf.seconds},
                        {"coherence", model.coherence_seconds}};
  return summary;
}

// --cluster: documents grouped by their topics (defaults of `nmfkit cluster`, Leiden seeded
// with the NMF seed), the loss measured on the sqrt of the depth-scaled matrix.
ClusterRun cluster_documents(const text::TopicModelResult& model, const std::vector<int>& labels) {
  cluster::ClusterOptions cluster_options = ClusterFlags{}.options();
  cluster_options.seed = *model.nmf.options.random_state;
  AnyMatrix W = model.nmf.W, H = model.nmf.H, X = model.corpus.X;
  W.convert(DType::Float64);
  H.convert(DType::Float64);
  X.convert(DType::Float64);
  const auto& Hd = std::get<DenseMatrix<double>>(H.storage());
  for (Index t = 0; t < Hd.rows(); ++t) cluster_options.column_scale.push_back(Hd.row(t).sum());
  return run_clustering(std::get<DenseMatrix<double>>(W.storage()),
                        cluster::stabilize(std::get<SparseMatrix<double>>(X.storage())),
                        cluster_options, labels,
                        {{"embedding", "doc_topics.npy (scaled by the row sums of H)"},
                         {"data", "the document-term matrix"},
                         {"data_transform", "sqrt"},
                         {"data_rows_scaled_to_median_sum", true}});
}

void run(const TopicsArgs& args) {
  text::TopicModelOptions options = topic_model_options(args);
  const text::CorpusOptions corpus_options = args.corpus_flags.options();
  options.vectorizer = args.vectorizer_flags.options();
  const text::TopicModel topic_model(std::move(options));

  const ReadCorpus read = read_corpus_timed(args.corpus, corpus_options);
  const text::Corpus& corpus = read.corpus;
  text::TopicModelCallbacks callbacks;
  callbacks.progress = interruptible_progress();
  text::TopicCorpus data = topic_model.prepare(corpus, callbacks.progress);
  // The library rejects this too, naming n_components; here the flag is named.
  const auto& k = topic_model.options().nmf.n_components;
  const auto terms = static_cast<Index>(data.vectorizer.vocabulary().size());
  if (k && *k > terms) {
    throw InvalidArgument("--k " + std::to_string(*k) + " is larger than the vocabulary (" +
                          std::to_string(terms) + " terms)");
  }
  const bool first = dist::world().rank() == 0;  // under mpirun, one process reports
  callbacks.on_score = [first](const select::KScore& score) {
    if (first) print_progress_line(score_line(score));
  };
  callbacks.on_selected = [first,
                           method = select_flags(args).method](const select::Selection& selection) {
    if (first) print_selection(selection, method);
  };
  const text::TopicModelResult model = topic_model.fit(std::move(data), args.corpus, callbacks);
  const auto& vocabulary = model.vocabulary();
  const std::string report =
      read.report + vectorise_report(model.corpus.X, args.vectorizer_flags.weighting,
                                     model.corpus.vectorize_seconds);

  json summary = summary_of(args, corpus, model, read.seconds);
  std::optional<ClusterRun> clustering;
  if (args.cluster) {
    clustering = cluster_documents(model, corpus.labels);
    summary["clustering"] = clustering->summary;
  }

  std::vector<std::string> topic_column;
  for (const int t : model.dominant) topic_column.push_back(std::to_string(t));
  io::ResultFolder staged(args.out, "topics");
  io::write_nmf_model(staged, model.nmf, "doc_topics.npy");
  io::write_text_file(staged.file("topics.tsv").string(),
                      topics_table(model.top_terms, vocabulary));
  io::write_text_file(staged.file("top_documents.tsv").string(),
                      top_documents_table(model.top_documents, corpus));
  io::write_text_file(staged.file("documents.tsv").string(),
                      documents_table(corpus, {"topic"}, {topic_column}));
  io::write_lines(staged.file("vocabulary.txt").string(), vocabulary);
  io::write_text_file(staged.file("vectorizer.json").string(),
                      text::vectorizer_json(model.corpus.vectorizer));
  io::write_text_file(staged.file("summary.json").string(), summary.dump(2) + "\n");
  write_topic_views(staged, model.views, vocabulary, args.top);
  if (args.save_matrix) io::write_matrix(staged.file("X.mtx").string(), model.corpus.X);
  if (clustering) write_clustering(staged, *clustering, corpus.names);
  write_staged_report(staged, args.no_report);
  staged.commit();

  std::fputs(report.c_str(), stdout);
  std::printf("nmf        k %lld, init %s, seed %u: error %.6g after %d iterations in %.2f s\n",
              static_cast<long long>(model.n_topics()), to_string(model.nmf.init_used).c_str(),
              *model.nmf.options.random_state, model.nmf.reconstruction_error, model.nmf.n_iter,
              model.nmf.seconds);
  if (model.semantic) {
    std::printf(
        "semantic   window %d, PMI shift %g, context weight %g: %lld word-context entries; "
        "relative error %.4f (documents), %.4f (contexts)\n",
        args.word_context.window, args.word_context.shift, args.context_weight,
        static_cast<long long>(model.semantic->word_context.nonZeros()),
        model.semantic->document_error, model.semantic->context_error);
  }
  print_topics(model);
  std::printf("\ntopic diversity %.3f (share of distinct words among the top %d)\n",
              model.diversity, args.top);
  if (model.label_scores) {
    std::printf("dominant topic vs label: purity %.3f, NMI %.3f, ARI %.3f\n",
                model.label_scores->purity, model.label_scores->nmi, model.label_scores->ari);
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
