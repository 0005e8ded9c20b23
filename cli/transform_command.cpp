// `nmfkit transform MODEL_DIR INPUT --out FILE`: codes W for new data with a fitted H.

#include <cstdio>

#include "command.hpp"
#include "common.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::cli {

namespace {

struct TransformArgs {
  std::string model;
  std::string input;
  std::string out;
};

void run(const TransformArgs& args) {
  const io::NmfModel model = io::load_nmf_model(args.model);
  // The data takes the model's element type, whatever its file holds.
  const AnyMatrix X = read_input(args.input, to_string(model.H.dtype()));
  int n_iter = 0;
  std::vector<std::string> warnings;
  const AnyMatrix W = X.visit([&](const auto& m) -> AnyMatrix {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    const auto& H = std::get<DenseMatrix<T>>(model.H.storage());
    auto result = transform(m, H, model.options, interruptible_progress());
    n_iter = result.n_iter;
    warnings = std::move(result.warnings);
    return std::move(result.W);
  });
  io::write_matrix(args.out, W);
  print_warnings(warnings);
  std::printf("transform %s: %s with the %lld components of %s (%s, %d iterations)\n",
              args.input.c_str(), describe(X).c_str(), static_cast<long long>(model.H.rows()),
              args.model.c_str(), model.options.solver.c_str(), n_iter);
  std::printf("wrote %s: W (%s)\n", args.out.c_str(), shape_text(W.rows(), W.cols()).c_str());
}

}  // namespace

void add_transform_command(CLI::App& app) {
  auto args = std::make_shared<TransformArgs>();
  auto* command = app.add_subcommand(
      "transform",
      "Compute W for new data with the components H of a fitted model fixed (the model's "
      "solver, tol, max_iter, loss and alpha_W, as scikit-learn's NMF.transform)");
  command->add_option("MODEL_DIR", args->model, "directory written by `nmfkit fit`")->required();
  command->add_option("INPUT", args->input, "matrix file with the model's number of features")
      ->required();
  command->add_option("--out", args->out, "output file for W: .npy, .csv, .tsv or .mtx")
      ->required();
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
