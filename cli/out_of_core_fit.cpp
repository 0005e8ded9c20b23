#include "out_of_core_fit.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <optional>

#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/h5ad_rows.hpp"
#include "nmfkit/io/npy_rows.hpp"
#include "nmfkit/nmf/minibatch.hpp"

namespace nmfkit::cli {

namespace {

std::string lowercase_extension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

std::optional<DType> requested_dtype(const std::string& dtype) {
  if (dtype == "float32") return DType::Float32;
  if (dtype == "float64") return DType::Float64;
  return std::nullopt;
}

template <class T, class Matrix>
io::NmfModel fit_rows(linalg::RowBatchSource<Matrix>& X, const OutOfCoreInput& input,
                      NmfOptions options) {
  check_batch_size(input.batch_size, X.rows());
  std::optional<Factors<T>> custom;
  if (!input.init_W.empty()) {
    custom = Factors<T>{dense_as<T>(read_input(input.init_W, "auto"), "--init-w"),
                        dense_as<T>(read_input(input.init_H, "auto"), "--init-h")};
  }
  const auto start = std::chrono::steady_clock::now();
  MiniBatchNmf<T> model(options, options.minibatch);
  MiniBatchResult<T> fitted =
      model.fit_streamed(X, custom ? &*custom : nullptr, interruptible_progress());
  NmfResult<T> result;
  result.W = std::move(fitted.W);
  result.H = std::move(fitted.H);
  result.reconstruction_error = fitted.reconstruction_error;
  result.n_iter = fitted.n_iter;
  result.converged = fitted.converged;
  result.init = fitted.init;
  result.random_state = fitted.random_state;
  result.warnings = std::move(fitted.warnings);
  result.solver = "minibatch";
  return model_of(std::move(result), std::move(options), input.path, seconds_since(start));
}

std::string description_of(Index rows, Index cols, const std::string& kind, DType dtype) {
  return shape_text(rows, cols) + ", " + kind + " " + to_string(dtype) + " (read by rows)";
}

}  // namespace

io::NmfModel fit_out_of_core(const OutOfCoreInput& input, NmfOptions options,
                             std::string& description) {
  if (input.init_W.empty() != input.init_H.empty()) {
    throw InvalidArgument("--init-w and --init-h must be given together");
  }
  const std::string extension = lowercase_extension(input.path);
  const std::optional<DType> requested = requested_dtype(input.dtype);
  if (extension == ".npy") {
    const DType stored = io::npy_row_dtype(input.path);
    if (requested && *requested != stored) {
      throw InvalidArgument("--out-of-core reads '" + input.path + "' in its own element type (" +
                            to_string(stored) + "); drop --dtype " + input.dtype +
                            " or save the array as " + to_string(*requested));
    }
    if (stored == DType::Float32) {
      io::NpyRows<float> X(input.path);
      description = description_of(X.rows(), X.cols(), "dense", stored);
      return fit_rows<float>(X, input, std::move(options));
    }
    io::NpyRows<double> X(input.path);
    description = description_of(X.rows(), X.cols(), "dense", stored);
    return fit_rows<double>(X, input, std::move(options));
  }
  if (extension == ".h5ad") {
    const DType type = io::h5ad_row_dtype(input.path, requested);
    if (type == DType::Float32) {
      io::H5adRows<float> X(input.path);
      description = description_of(X.rows(), X.cols(), "sparse", type);
      return fit_rows<float>(X, input, std::move(options));
    }
    io::H5adRows<double> X(input.path);
    description = description_of(X.rows(), X.cols(), "sparse", type);
    return fit_rows<double>(X, input, std::move(options));
  }
  throw InvalidArgument("--out-of-core reads .npy and .h5ad files by rows; got '" + input.path +
                        "' (convert it with `nmfkit convert`, or fit it in memory)");
}

}  // namespace nmfkit::cli
