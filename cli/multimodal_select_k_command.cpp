// `nmfkit multimodal select-k --modality ... --k 5,20,40,60,80,100 --out DIR`: mTopic's
// choice of the number of topics: cross-validation over samples scored by the held-out
// log-likelihood of MTM (or sMTM), then the plateau of a rational curve through the means.

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "multimodal_input.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/multimodal/topic_number.hpp"
#include "report_flags.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct MultimodalSelectArgs {
  ModalityFlags input;
  PreprocessFlags preprocess;
  MtmFlags mtm;
  std::vector<int> ks = {5, 20, 40, 60, 80, 100};
  int folds = 5;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  double plateau_threshold = 0.05;
  bool progress = false;
  std::string out;
  bool no_report = false;
};

std::string scores_table(const multimodal::TopicNumberResult& result) {
  std::string out = "fold\tk";
  for (const auto& name : result.modality_names) out += "\t" + name;
  out += "\ttotal\n";
  const auto cell = [](double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return std::string(buffer);
  };
  for (const auto& s : result.scores) {
    out += std::to_string(s.fold) + "\t" + std::to_string(s.n_topics);
    for (double v : s.per_modality) out += '\t' + cell(v);
    out += '\t' + cell(s.total) + '\n';
  }
  return out;
}

void run(const MultimodalSelectArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const Progress progress = stderr_progress(args.progress);
  const multimodal::MultiModalData data = args.input.read();
  multimodal::TopicNumberOptions options;
  options.ks = args.ks;
  options.n_folds = args.folds;
  options.n_iter = args.mtm.iterations;
  if (args.seed) options.seed = *args.seed;
  options.mtm = args.mtm.options(args.ks.empty() ? 1 : args.ks.front(), args.seed, args.threads);
  options.spatial = args.mtm.spatial;
  options.plateau_threshold = args.plateau_threshold;
  options.validate();
  DenseMatrix<double> coordinates;
  if (!args.mtm.coordinates.empty()) coordinates = args.mtm.read_coordinates(data.n_samples());
  // As mTopic, the training and the test samples of each fold are preprocessed apart.
  const multimodal::Preprocess preprocess = [&args](const multimodal::MultiModalData& part) {
    multimodal::MultiModalData copy = part;
    args.preprocess.apply(copy, Progress{[](const std::string&) {}, {}});
    return copy;
  };
  const auto result = multimodal::select_n_topics(data, options, preprocess, coordinates, progress);
  const double seconds = seconds_since(start);

  io::ResultFolder staged(args.out, "multimodal select-k");
  io::write_text_file(staged.file("scores.tsv").string(), scores_table(result));
  io::write_text_file(staged.file("select_k.svg").string(),
                      multimodal::held_out_likelihood_plot_svg(result.ks, result.mean_total,
                                                               result.best_k));
  json summary = {
      {"best_k", result.best_k},
      {"ks", result.ks},
      {"mean_log_likelihood", result.mean_total},
      {"plateau_threshold", args.plateau_threshold},
      {"curve",
       {{"params", result.fit.params}, {"r2", result.fit.r2}, {"plateau_x", result.fit.plateau_x}}},
      {"folds", args.folds},
      {"iterations", options.n_iter},
      {"model", coordinates.size() ? "smtm" : "mtm"},
      {"seconds", seconds}};
  io::write_text_file(staged.file("summary.json").string(), summary.dump(2) + "\n");
  std::vector<std::string> folds;
  for (std::size_t i = 0; i < result.fold_of_sample.size(); ++i)
    folds.push_back(data.sample_names[i] + "\t" + std::to_string(result.fold_of_sample[i]));
  io::write_lines(staged.file("folds.tsv").string(), folds);
  write_staged_report(staged, args.no_report);
  staged.commit();

  std::printf("k\tmean held-out log-likelihood\n");
  for (std::size_t i = 0; i < result.ks.size(); ++i)
    std::printf("%d\t%.6g\n", result.ks[i], result.mean_total[i]);
  std::printf("chosen k = %d (curve r² = %.3f) in %.1f s; wrote %s%s\n", result.best_k,
              result.fit.r2, seconds, args.out.c_str(), args.no_report ? "" : " with report.html");
}

}  // namespace

void add_multimodal_select_k_command(CLI::App& group) {
  auto args = std::make_shared<MultimodalSelectArgs>();
  auto* command = group.add_subcommand(
      "select-k", "Choose the number of topics of MTM/sMTM by held-out likelihood, as mTopic");
  args->input.add_to(*command);
  args->preprocess.add_to(*command);
  args->mtm.iterations = 50;
  args->mtm.add_to(*command);
  command->add_option("--k", args->ks, "candidate numbers of topics, comma-separated (>= 5)")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--folds", args->folds, "cross-validation folds over samples")
      ->capture_default_str();
  command->add_option("--seed", args->seed, "folds and starts (default: mTopic's 2291)");
  command->add_option("--threads", args->threads, "threads; 0: all cores");
  command
      ->add_option("--plateau-threshold", args->plateau_threshold,
                   "chosen k: where the fitted curve's slope falls to this share of its "
                   "largest")
      ->capture_default_str();
  command->add_flag("--progress", args->progress,
                    "print each fit on stderr (default on a terminal)");
  command->add_option("--out", args->out, "output folder")->required();
  add_no_report_flag(*command, args->no_report);
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
