// `nmfkit update MODEL_DIR INPUT --out DIR`: continues a fitted model with new samples
// (online NMF), writing a model folder like `fit`'s.

#include <chrono>
#include <cstdio>

#include "command.hpp"
#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/minibatch.hpp"

namespace nmfkit::cli {

namespace {

struct UpdateArgs {
  std::string model;
  std::string input;
  std::string out;
  int passes = 1;
  std::optional<Index> batch_size;
};

void run(const UpdateArgs& args) {
  io::NmfModel model = io::load_nmf_model(args.model);
  // The data takes the model's element type, whatever its file holds.
  const AnyMatrix X = read_input(args.input, to_string(model.H.dtype()));
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
  io::save_nmf_model(args.out, model);
  std::printf("update %s with %s: %s, %d batches in %d pass%s, %.3f s\n", args.model.c_str(),
              args.input.c_str(), describe(X).c_str(), n_steps, args.passes,
              args.passes == 1 ? "" : "es", model.seconds);
  std::printf("      reconstruction error of the new data %.6g\n", model.reconstruction_error);
  std::printf("wrote %s: W.npy (%s, the new samples), H.npy (%s), model.json\n", args.out.c_str(),
              shape_text(model.W.rows(), model.W.cols()).c_str(),
              shape_text(model.H.rows(), model.H.cols()).c_str());
}

}  // namespace

void add_update_command(CLI::App& app) {
  auto args = std::make_shared<UpdateArgs>();
  auto* command = app.add_subcommand(
      "update",
      "Continue a fitted model with new samples (online NMF, as gensim's Nmf.update): "
      "MiniBatchNMF's partial_fit over the new data's batches, from the model's H");
  command->add_option("MODEL_DIR", args->model, "directory written by `nmfkit fit`")->required();
  command->add_option("INPUT", args->input, "new samples with the model's number of features")
      ->required();
  command->add_option("--out", args->out, "directory for the updated model")->required();
  command->add_option("--passes", args->passes, "passes over the new data")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--batch-size", args->batch_size,
                   "samples per batch (default: the model's, at most the new samples)")
      ->check(CLI::PositiveNumber);
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
