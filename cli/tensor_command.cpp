// `nmfkit tensor fit INPUT --k K --out DIR`: non-negative CP of a tensor (tensor/ntf.hpp),
// from a .npy array of 3 or more dimensions or a FROSTT-style .tns coordinate file.

#include <chrono>
#include <cstdio>
#include <optional>

#include "command.hpp"
#include "common.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/ntf_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/tensor_file.hpp"
#include "nmfkit/tensor/ntf.hpp"

namespace nmfkit::cli {

namespace {

struct TensorFitArgs {
  std::string input;
  std::string out;
  std::string dtype = "auto";
  std::vector<Index> shape;
  long long k = 0;
  double tol = NtfOptions{}.tol;
  int max_iter = NtfOptions{}.max_iter;
  int patience = NtfOptions{}.patience;
  std::optional<std::uint32_t> seed;
  int threads = 0;
  bool verbose = false;
};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

template <class T, class Tensor>
void fit_and_save(const Tensor& X, const TensorFitArgs& args, const NtfOptions& options,
                  io::NtfRunInfo info) {
  const auto start = std::chrono::steady_clock::now();
  const NtfResult<T> result = fit_ntf(X, options, stderr_progress(args.verbose));
  info.seconds = seconds_since(start);
  info.shape = X.shape;
  io::ResultFolder staged(args.out, "tensor");
  io::write_ntf_model(staged, result, options, info);
  staged.commit();
  std::printf("tensor fit %s: shape %s, %s, %s\n", args.input.c_str(), nmfkit::shape_text(X.shape).c_str(),
              info.input_format == "npy" ? "dense" : "sparse",
              to_string(dtype_of<T>()).c_str());
  if (result.n_missing > 0) {
    std::printf("      %lld entries missing (NaN), left out of the fit\n",
                static_cast<long long>(result.n_missing));
  }
  std::printf("      rank %lld, seed %u, %s after %d iterations in %.3f s\n",
              static_cast<long long>(options.n_components), result.random_state,
              result.converged ? "converged" : "stopped at --max-iter", result.n_iter, info.seconds);
  std::printf("      relative error %.6g\n", result.relative_error);
  std::printf("wrote %s: factor_0.npy … factor_%zu.npy, weights.npy, history.tsv, model.json\n",
              args.out.c_str(), X.shape.size() - 1);
}

template <class T>
void run_typed(const TensorFitArgs& args, const NtfOptions& options, io::NpyArray* array) {
  io::NtfRunInfo info;
  info.input = args.input;
  if (array != nullptr) {
    info.input_format = "npy";
    const DenseTensor<T> X = io::dense_tensor<T>(std::move(*array), args.input);
    info.stored_entries = static_cast<double>(X.values.size());
    fit_and_save<T>(X, args, options, info);
  } else {
    info.input_format = "tns";
    std::optional<std::vector<Index>> shape;
    if (!args.shape.empty()) shape = args.shape;
    const SparseTensor<T> X = io::read_tns<T>(args.input, shape);
    info.stored_entries = static_cast<double>(X.values.size());
    fit_and_save<T>(X, args, options, info);
  }
}

void run(const TensorFitArgs& args) {
  if (args.k < 1) throw InvalidArgument("--k must be >= 1, got " + std::to_string(args.k));
  NtfOptions options;
  options.n_components = static_cast<Index>(args.k);
  options.tol = args.tol;
  options.max_iter = args.max_iter;
  options.patience = args.patience;
  options.random_state = args.seed;
  options.n_threads = args.threads;
  options.verbose = args.verbose ? 1 : 0;
  options.validate();
  const bool npy = ends_with(args.input, ".npy");
  if (!npy && !ends_with(args.input, ".tns") && !ends_with(args.input, ".tns.gz")) {
    throw InvalidArgument("'" + args.input +
                          "': expected a dense tensor (.npy) or coordinates (.tns, .tns.gz)");
  }
  if (npy && !args.shape.empty()) {
    throw InvalidArgument("--shape is for .tns coordinate files; a .npy array has its own");
  }
  std::optional<io::NpyArray> array;
  if (npy) array = io::read_npy_array(args.input);
  // auto: a .npy file's float32/float64 stays, everything else is float64.
  const bool single = args.dtype == "float32" ||
                      (args.dtype == "auto" && array && array->values.dtype() == DType::Float32);
  if (single) {
    run_typed<float>(args, options, array ? &*array : nullptr);
  } else {
    run_typed<double>(args, options, array ? &*array : nullptr);
  }
}

}  // namespace

void add_tensor_command(CLI::App& app) {
  auto* group = app.add_subcommand("tensor", "Non-negative tensor factorisation (CP/PARAFAC)");
  group->require_subcommand(1);
  auto args = std::make_shared<TensorFitArgs>();
  auto* fit = group->add_subcommand(
      "fit", "Non-negative CP of a tensor by HALS; saves one factor per mode and the weights");
  fit->add_option("INPUT", args->input,
                  "tensor: .npy of 3 or more dimensions (NaN = missing), or .tns[.gz] "
                  "coordinates 'i j k ... value' with 1-based indices (nan = missing)")
      ->required();
  fit->add_option("--k,--n-components", args->k, "rank of the CP model")->required();
  fit->add_option("--out", args->out,
                  "directory for factor_N.npy, weights.npy, history.tsv and model.json")
      ->required();
  fit->add_option("--shape", args->shape,
                  ".tns only: the size of each mode, comma-separated (default: the largest "
                  "index in each mode)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  fit->add_option("--tol", args->tol,
                  "stop once the relative decrease of the squared error stays below this for "
                  "--patience iterations")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  fit->add_option("--max-iter", args->max_iter, "maximum number of iterations")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  fit->add_option("--patience", args->patience, "iterations in a row below --tol to stop")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  fit->add_option("--seed", args->seed,
                  "seed of the random start (default: drawn at random and recorded in "
                  "model.json)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4294967295ULL}));
  fit->add_option("--threads", args->threads,
                  "threads to use; 0: the cores no other work holds at start-up")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  add_dtype_flag(*fit, args->dtype);
  fit->add_flag("-v,--verbose", args->verbose, "print the relative error after each iteration");
  fit->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
