// `nmfkit impute INPUT --k K --mask M|--missing nan|zeros --out FILE`: fit W·H on the
// observed entries and fill the missing ones from it.

#include <chrono>
#include <cstdio>

#include "command.hpp"
#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::cli {

namespace {

struct ImputeArgs {
  std::string input;
  std::string out;
  std::string model;
  std::string dtype = "auto";
  NmfFlags nmf;
  MissingFlags missing;
  SelectFlags select;
};

void run(const ImputeArgs& args) {
  if (!args.missing.any()) {
    throw InvalidArgument("impute needs the missing entries: --mask, --weights or --missing");
  }
  if (args.missing.missing == "zeros") {
    throw InvalidArgument(
        "impute with --missing zeros would fill every zero; give --mask or --missing nan");
  }
  io::output_format_from_path(args.out);  // an unknown extension fails before the fit
  AnyMatrix X = read_input(args.input, args.dtype);
  NmfOptions options = args.nmf.options();
  MissingSummary missing;
  double seconds = 0;
  io::NmfModel model;
  const AnyMatrix filled = X.visit([&](auto& m) -> AnyMatrix {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    const EntryWeights<T> weights = args.missing.weights_for(m);
    missing = summarize_missing(m, weights);
    if (args.nmf.k_auto()) options.n_components = choose_k(m, weights, options, args.select);
    const auto start = std::chrono::steady_clock::now();
    NmfResult<T> result = fit(m, weights, options, nullptr, interruptible_progress());
    seconds = seconds_since(start);
    AnyMatrix out = impute(m, weights, result.W, result.H);
    model = model_of(std::move(result), options, args.input, seconds);
    return out;
  });
  if (filled.is_sparse() && io::format_from_path(args.out) != io::MatrixFormat::MatrixMarket) {
    throw InvalidArgument("the imputed matrix is sparse: write it to a .mtx file, not " + args.out);
  }
  if (!args.model.empty()) io::save_nmf_model(args.model, model, "impute");
  io::write_matrix(args.out, filled);
  print_warnings(model.warnings);
  std::printf("impute %s: %s, %lld missing entries (%s)\n", args.input.c_str(), describe(X).c_str(),
              static_cast<long long>(missing.missing), args.missing.describe().c_str());
  std::printf(
      "       solver %s, k %lld: error %.6g on the observed entries after %d iterations "
      "in %.3f s\n",
      model.options.solver.c_str(), static_cast<long long>(model.H.rows()),
      model.reconstruction_error, model.n_iter, seconds);
  std::printf("wrote %s (%s)%s\n", args.out.c_str(),
              shape_text(filled.rows(), filled.cols()).c_str(),
              args.model.empty() ? "" : (", model in " + args.model).c_str());
}

}  // namespace

void add_impute_command(CLI::App& app) {
  auto args = std::make_shared<ImputeArgs>();
  args->nmf.solver = "auto";
  auto* command = app.add_subcommand(
      "impute", "Fill the missing entries of a matrix from an NMF fitted to the observed ones");
  command
      ->add_option("INPUT", args->input,
                   "matrix file: .mtx[.gz], .npy, .csv[.gz], .tsv[.gz], .h5ad (its X)")
      ->required();
  command->add_option("--out", args->out, "the completed matrix: .npy, .csv, .tsv or .mtx")
      ->required();
  command->add_option("--model", args->model, "also save the model (W, H) to this directory");
  args->nmf.add_to(*command, /*k_required=*/true);
  args->missing.add_to(*command);
  args->select.add_to(*command, /*prefixed=*/true);
  add_dtype_flag(*command, args->dtype);
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
