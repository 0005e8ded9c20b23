// `nmfkit consensus INPUT --k K --out DIR`: cNMF's consensus programs — replicate fits from
// random starts, their consensus spectra, usages refitted to them, top features — and
// the k-selection table and plot (spectra silhouette and refit error against k), the
// files cNMF users read.

#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "checkpoint_flags.hpp"
#include "command.hpp"
#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/select/consensus_run.hpp"
#include "nmfkit/select/select_k.hpp"
#include "nmfkit/select/selection_plot.hpp"
#include "progress_output.hpp"
#include "report_flags.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct ConsensusArgs {
  std::string input;
  std::string out;
  std::string dtype = "auto";
  long long k = 0;
  std::string k_selection;  // empty: K − 2 .. K + 2 (from 2)
  int replicates = 20;
  double density_threshold = 0.5;
  int top_features = 100;
  NmfFlags nmf;
  CheckpointFlags checkpoint;
  bool no_report = false;
};

std::string cell(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

std::string matrix_table(const Eigen::MatrixXd& M, const std::string& corner,
                         const std::string& row_prefix, const std::string& col_prefix) {
  std::string out = corner;
  for (Index c = 0; c < M.cols(); ++c) out += "\t" + col_prefix + std::to_string(c + 1);
  out += "\n";
  for (Index r = 0; r < M.rows(); ++r) {
    out += row_prefix + std::to_string(r + (row_prefix.empty() ? 0 : 1));
    for (Index c = 0; c < M.cols(); ++c) out += "\t" + cell(M(r, c));
    out += "\n";
  }
  return out;
}

std::string selection_table(const select::Selection& selection) {
  std::string out = "k\tsilhouette\trefit_error\tcophenetic\tdispersion\treconstruction_error\n";
  for (const auto& s : selection.scores) {
    out += std::to_string(s.k) + "\t" + cell(s.cnmf_silhouette) + "\t" + cell(s.cnmf_error) +
           "\t" + cell(s.cophenetic) + "\t" + cell(s.dispersion) + "\t" +
           cell(s.reconstruction_error) + "\n";
  }
  return out;
}

void run(const ConsensusArgs& args, const CLI::App& command) {
  select::CnmfOptions options;
  options.k = static_cast<Index>(args.k);
  options.replicates = args.replicates;
  options.density_threshold = args.density_threshold;
  options.top_features = args.top_features;
  options.nmf = args.nmf.options();
  options.nmf.n_components.reset();
  options.seed = options.nmf.random_state.value_or(0);
  options.validate();

  AnyMatrix X = read_input(args.input, args.dtype);
  const std::unique_ptr<io::CheckpointDirectory> checkpoint =
      args.checkpoint.open(command, {args.input}, args.out);
  options.checkpoint = checkpoint.get();
  const Progress progress = interruptible_progress();
  select::Selection selection;
  std::string range;
  json result_json;
  std::string usages, spectra, spectra_refit, top, density;
  resumable(checkpoint.get(), [&] { X.visit([&](auto& m) {
    const auto run = select::consensus(m, options, args.k_selection, progress,
                                       [](const select::KScore& score) {
                                         print_progress_line(score_line(score));
                                       });
    const auto& result = run.programs;
    selection = run.selection;
    range = run.range;
    usages = matrix_table(run.usage_fractions, "sample", "", "program_");
    spectra = matrix_table(result.spectra.transpose(), "feature", "", "program_");
    spectra_refit = matrix_table(result.spectra_refit.transpose(), "feature", "", "program_");
    top = "rank";
    for (Index c = 0; c < options.k; ++c) top += "\tprogram_" + std::to_string(c + 1);
    top += "\n";
    for (std::size_t rank = 0; rank < result.top_features.front().size(); ++rank) {
      top += std::to_string(rank + 1);
      for (const auto& features : result.top_features) top += "\t" + std::to_string(features[rank]);
      top += "\n";
    }
    density = "spectrum\treplicate\tcomponent\tlocal_density\tprogram\n";
    for (std::size_t i = 0; i < result.consensus.local_density.size(); ++i) {
      const Index label = result.consensus.labels[i];
      density += std::to_string(i) + "\t" + std::to_string(i / static_cast<std::size_t>(options.k)) +
                 "\t" + std::to_string(i % static_cast<std::size_t>(options.k)) + "\t" +
                 cell(result.consensus.local_density[i]) + "\t" +
                 (label >= 0 ? std::to_string(label + 1) : std::string("dropped")) + "\n";
    }
    result_json["silhouette"] = result.silhouette;
    result_json["relative_error"] = result.relative_error;
    result_json["spectra_kept"] = result.consensus.kept;
    result_json["spectra_total"] = result.consensus.local_density.size();
  }); });

  json j;
  j["input"] = args.input;
  j["matrix"] = {{"rows", X.rows()}, {"cols", X.cols()}, {"sparse", X.is_sparse()}};
  j["k"] = options.k;
  j["replicates"] = options.replicates;
  j["density_threshold"] = options.density_threshold;
  j["neighborhood"] = options.neighborhood;
  j["solver"] = options.nmf.solver;
  j["seed"] = options.seed;
  j["result"] = result_json;
  j["k_selection"] = {{"range", range},
                      {"chosen_k", selection.cnmf_k ? json(*selection.cnmf_k) : json(nullptr)},
                      {"rule", selection.cnmf_rule}};
  j["k_selection"]["scores"] = json::array();
  for (const auto& s : selection.scores) {
    j["k_selection"]["scores"].push_back({{"k", s.k},
                                          {"silhouette", s.cnmf_silhouette},
                                          {"refit_error", s.cnmf_error},
                                          {"cophenetic", s.cophenetic},
                                          {"dispersion", s.dispersion},
                                          {"reconstruction_error", s.reconstruction_error}});
  }

  io::ResultFolder staged(args.out, "consensus");
  io::write_text_file(staged.file("usages.tsv").string(), usages);
  io::write_text_file(staged.file("spectra.tsv").string(), spectra);
  io::write_text_file(staged.file("spectra_refit.tsv").string(), spectra_refit);
  io::write_text_file(staged.file("top_features.tsv").string(), top);
  io::write_text_file(staged.file("local_density.tsv").string(), density);
  io::write_text_file(staged.file("k_selection.tsv").string(), selection_table(selection));
  io::write_text_file(staged.file("k_selection.svg").string(),
                      select::selection_plot_svg(selection));
  io::write_text_file(staged.file("consensus.json").string(), j.dump(2) + "\n");
  write_staged_report(staged, args.no_report);
  staged.commit();
  if (checkpoint) {
    if (checkpoint->resumed()) {
      std::printf("resumed from the checkpoint in %s\n", checkpoint->path().c_str());
    }
    checkpoint->remove();
  }

  std::printf("consensus %s: %s, k = %lld, %d replicates\n", args.input.c_str(),
              describe(X).c_str(), args.k, options.replicates);
  std::printf("  spectra kept %lld of %lld (density threshold %g), silhouette %.3f, "
              "relative error %.4f\n",
              static_cast<long long>(result_json["spectra_kept"].get<Index>()),
              static_cast<long long>(result_json["spectra_total"].get<std::size_t>()),
              options.density_threshold, result_json["silhouette"].get<double>(),
              result_json["relative_error"].get<double>());
  if (selection.cnmf_k) {
    std::printf("  k selection over %s: cnmf rule chooses k = %lld\n", range.c_str(),
                static_cast<long long>(*selection.cnmf_k));
  }
  std::printf("wrote %s: usages.tsv, spectra.tsv, spectra_refit.tsv, top_features.tsv, "
              "local_density.tsv, k_selection.tsv, k_selection.svg, consensus.json%s\n",
              args.out.c_str(), args.no_report ? "" : ", report.html");
}

}  // namespace

void add_consensus_command(CLI::App& app) {
  auto args = std::make_shared<ConsensusArgs>();
  args->nmf.solver = "auto";
  auto* command = app.add_subcommand(
      "consensus",
      "cNMF's consensus programs for one k: replicate fits from random starts, outlier spectra "
      "dropped, k-means medians, usages refitted; with cNMF's k-selection table and plot");
  command
      ->add_option("INPUT", args->input,
                   "matrix file (samples × features): .mtx[.gz], .npy, .csv[.gz], .tsv[.gz], "
                   ".h5ad (its X)")
      ->required();
  command->add_option("--out", args->out, "directory for the results")->required();
  command->add_option("--k", args->k, "number of programs")->required()->check(CLI::PositiveNumber);
  command
      ->add_option("--k-selection", args->k_selection,
                   "the k of the k-selection table and plot: LOW:HIGH, LOW:HIGH:STEP or a list "
                   "(default K-2:K+2)")
      ->check(accepts(select::parse_k_spec, "RANGE"));
  command->add_option("--replicates", args->replicates, "fits from random starts per k")
      ->check(CLI::Range(2, 100000))
      ->capture_default_str();
  command
      ->add_option("--density-threshold", args->density_threshold,
                   "drop replicate spectra whose mean distance to their nearest neighbours is at "
                   "least this (2: keep all)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--top-features", args->top_features, "features listed per program")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  args->nmf.add_to(*command, /*k_required=*/false, /*with_k=*/false);
  add_dtype_flag(*command, args->dtype);
  args->checkpoint.add_to(*command, /*by_default=*/true);
  add_no_report_flag(*command, args->no_report);
  command->callback([args, command] { run(*args, *command); });
}

}  // namespace nmfkit::cli
