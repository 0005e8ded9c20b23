// `nmfkit select-k INPUT --k 2:30 --method cv|stability|both|consensus|cnmf|all --out DIR`:
// how many components? Cross-validation on speckled holdouts, NMFk stability, Brunet's
// consensus clustering and cNMF's consensus of spectra, per k.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "checkpoint_flags.hpp"
#include "command.hpp"
#include "report_flags.hpp"
#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/select/select_k.hpp"
#include "nmfkit/select/selection_plot.hpp"
#include "progress_output.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct SelectKArgs {
  std::string input;
  std::string out;
  std::string dtype = "auto";
  std::string k = "auto";
  NmfFlags nmf;
  MissingFlags missing;
  SelectFlags select;
  CheckpointFlags checkpoint;
  bool no_report = false;
};

std::string cell(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

json number_or_null(double value) {
  return std::isnan(value) ? json(nullptr) : json(value);
}

std::string table(const select::Selection& selection) {
  std::string out =
      "k\ttest_error\ttest_error_se\ttrain_error\tmin_silhouette\tmean_silhouette\t"
      "reconstruction_error\tcophenetic\tdispersion\tcnmf_silhouette\tcnmf_error\tseconds\n";
  for (const auto& s : selection.scores) {
    out += std::to_string(s.k) + "\t" + cell(s.test_error) + "\t" + cell(s.test_error_se) + "\t" +
           cell(s.train_error) + "\t" + cell(s.min_silhouette) + "\t" + cell(s.mean_silhouette) +
           "\t" + cell(s.reconstruction_error) + "\t" + cell(s.cophenetic) + "\t" +
           cell(s.dispersion) + "\t" + cell(s.cnmf_silhouette) + "\t" + cell(s.cnmf_error) +
           "\t" + cell(s.seconds) + "\n";
  }
  return out;
}

json summary(const SelectKArgs& args, const AnyMatrix& X, const select::SelectOptions& options,
             const select::Selection& selection) {
  json j;
  j["input"] = args.input;
  j["matrix"] = {{"rows", X.rows()},
                 {"cols", X.cols()},
                 {"stored", X.stored()},
                 {"sparse", X.is_sparse()},
                 {"dtype", to_string(X.dtype())}};
  j["missing"] = args.missing.describe();
  j["method"] = select::to_string(options.method);
  j["k"] = args.k;
  j["chosen_k"] = json::object();
  j["rule"] = json::object();
  if (selection.cv_k) {
    j["chosen_k"]["cv"] = *selection.cv_k;
    j["rule"]["cv"] = selection.cv_rule;
  }
  if (selection.stability_k) {
    j["chosen_k"]["stability"] = *selection.stability_k;
    j["rule"]["stability"] = selection.stability_rule;
  }
  if (selection.consensus_k) {
    j["chosen_k"]["consensus"] = *selection.consensus_k;
    j["rule"]["consensus"] = selection.consensus_rule;
  }
  if (selection.cnmf_k) {
    j["chosen_k"]["cnmf"] = *selection.cnmf_k;
    j["rule"]["cnmf"] = selection.cnmf_rule;
  }
  j["agreement"] = selection.agreement;
  j["k_chosen"] = selection.chosen_k;
  j["rule"]["chosen"] = selection.rule;
  j["options"] = {{"solver", options.nmf.solver},
                  {"tol", options.nmf.tol},
                  {"max_iter", options.nmf.max_iter},
                  {"seed", options.seed},
                  {"holdout_fraction", options.cv.holdout_fraction},
                  {"cv_tolerance", options.cv.tolerance},
                  {"restarts", options.consensus.restarts},
                  {"cophenetic_tolerance", options.consensus.tolerance},
                  {"cnmf_tolerance", options.consensus.silhouette_tolerance},
                  {"density_threshold", options.consensus.density_threshold},
                  {"replicates", options.cv.replicates},
                  {"perturbations", options.stability.perturbations},
                  {"noise", options.stability.noise},
                  {"silhouette_threshold", options.stability.threshold}};
  j["scores"] = json::array();
  for (const auto& s : selection.scores) {
    j["scores"].push_back({{"k", s.k},
                           {"test_error", number_or_null(s.test_error)},
                           {"test_error_se", number_or_null(s.test_error_se)},
                           {"replicate_errors", s.replicate_errors},
                           {"train_error", number_or_null(s.train_error)},
                           {"min_silhouette", number_or_null(s.min_silhouette)},
                           {"mean_silhouette", number_or_null(s.mean_silhouette)},
                           {"reconstruction_error", number_or_null(s.reconstruction_error)},
                           {"cophenetic", number_or_null(s.cophenetic)},
                           {"dispersion", number_or_null(s.dispersion)},
                           {"cnmf_silhouette", number_or_null(s.cnmf_silhouette)},
                           {"cnmf_error", number_or_null(s.cnmf_error)},
                           {"seconds", s.seconds}});
  }
  j["seconds"] = selection.seconds;
  return j;
}

// Under mpirun the fits are spread over the processes; the first one reports and writes.
void run(const SelectKArgs& args, const CLI::App& command) {
  select::SelectOptions options = args.select.options(args.nmf.options(), args.k);
  options.validate();
  const dist::Comm& world = dist::world();
  if (world.size() > 1) options.nmf.comm = &world;
  const bool first = world.rank() == 0;
  // Under mpirun the processes share the work out; the checkpoint is one process's.
  CheckpointFlags checkpoint_flags = args.checkpoint;
  if (world.size() > 1 && checkpoint_flags.dir.empty()) checkpoint_flags.off = true;
  std::vector<std::string> inputs = args.missing.files();
  inputs.insert(inputs.begin(), args.input);
  const std::unique_ptr<io::CheckpointDirectory> checkpoint =
      checkpoint_flags.open(command, inputs, args.out);
  options.checkpoint = checkpoint.get();
  AnyMatrix X = read_input(args.input, args.dtype);
  const select::Selection selection = resumable(checkpoint.get(), [&] { return X.visit([&](auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    const EntryWeights<T> weights = args.missing.weights_for(m);
    return select::select_k(m, weights, options, interruptible_progress(),
                            [first](const select::KScore& score) {
                              if (first) print_progress_line(score_line(score));
                            });
  }); });
  if (!first) return;
  io::ResultFolder staged(args.out, "select-k");
  io::write_text_file(staged.file("selection.tsv").string(), table(selection));
  io::write_text_file(staged.file("selection.json").string(),
                      summary(args, X, options, selection).dump(2) + "\n");
  io::write_text_file(staged.file("selection.svg").string(), select::selection_plot_svg(selection));
  write_staged_report(staged, args.no_report);
  staged.commit();
  if (checkpoint) {
    if (checkpoint->resumed()) {
      std::printf("resumed from the checkpoint in %s\n", checkpoint->path().c_str());
    }
    checkpoint->remove();
  }

  std::printf("select-k %s: %s, %zu values of k in %.1f s\n", args.input.c_str(),
              describe(X).c_str(), selection.scores.size(), selection.seconds);
  if (selection.cv_k)
    std::printf("  cv:        k = %lld\n", static_cast<long long>(*selection.cv_k));
  if (selection.stability_k) {
    std::printf("  stability: k = %lld\n", static_cast<long long>(*selection.stability_k));
  }
  if (selection.consensus_k) {
    std::printf("  consensus: k = %lld\n", static_cast<long long>(*selection.consensus_k));
  }
  if (selection.cnmf_k) std::printf("  cnmf:      k = %lld\n", static_cast<long long>(*selection.cnmf_k));
  std::printf("  chosen:    k = %lld\n", static_cast<long long>(selection.chosen_k));
  std::printf("  agreement: %s\n", selection.agreement.c_str());
  std::printf("wrote %s: selection.tsv, selection.json, selection.svg%s\n", args.out.c_str(),
              args.no_report ? "" : ", report.html");
}

}  // namespace

void add_select_k_command(CLI::App& app) {
  auto args = std::make_shared<SelectKArgs>();
  args->nmf.solver = "auto";
  auto* command = app.add_subcommand(
      "select-k",
      "Choose the number of components over a range of k: speckled-holdout "
      "cross-validation, NMFk stability, Brunet's consensus clustering, cNMF's consensus, "
      "or all of them");
  command
      ->add_option("INPUT", args->input,
                   "matrix file: .mtx[.gz], .npy, .csv[.gz], .tsv[.gz], .h5ad (its X)")
      ->required();
  command->add_option("--out", args->out, "directory for selection.tsv, .json and .svg and report.html")
      ->required();
  command
      ->add_option("--k", args->k,
                   "candidates: LOW:HIGH, LOW:HIGH:STEP, a list (3,5,8), or auto / "
                   "auto:LOW:HIGH for a coarse-to-fine search")
      ->check(accepts(select::parse_k_spec, "K"))
      ->capture_default_str();
  args->select.add_to(*command, /*prefixed=*/false);
  args->nmf.add_to(*command, /*k_required=*/false, /*with_k=*/false);
  args->missing.add_to(*command);
  add_dtype_flag(*command, args->dtype);
  args->checkpoint.add_to(*command, /*by_default=*/true);
  add_no_report_flag(*command, args->no_report);
  command->callback([args, command] { run(*args, *command); });
}

}  // namespace nmfkit::cli
