#pragma once
// Small pieces every command uses: reading the input with a --dtype choice, Ctrl-C,
// warnings, and printing shapes.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/nmf_model_of.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::cli {

// --dtype auto|float32|float64 (auto keeps a .npy file's type; text formats are float64).
void add_dtype_flag(CLI::App& command, std::string& dtype);
AnyMatrix read_input(const std::string& path, const std::string& dtype);

// A Progress whose cancel poll turns true after Ctrl-C or SIGTERM, so long fits stop cleanly
// (nothing is written, the exit is non-zero). Its steps go to the stderr display
// (progress_output.hpp); its verbose lines to stdout.
Progress interruptible_progress();

// --write-h5ad FILE: the input must be an .h5ad (the results go into a copy of it) and FILE
// must name one. Throws InvalidArgument otherwise; nothing to check when FILE is empty.
void check_write_h5ad(const std::string& input, const std::string& file);

// interruptible_progress() whose verbose lines go to stderr ("nmfkit: ..."), shown on a
// terminal or when `requested` (--progress); otherwise (scripts, pipes) stderr carries
// only the step lines, warnings and the one error line.
Progress stderr_progress(bool requested);

void print_warnings(const std::vector<std::string>& warnings);

std::string shape_text(Index rows, Index cols);

// Wall time since `start`, for the step times commands report.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
std::string describe(const AnyMatrix& matrix);  // "1797 × 64, dense float64"

// The dense matrix of element type T in `matrix` (converted if needed); `what` names it
// in the error a sparse one gets.
template <class T>
DenseMatrix<T> dense_as(AnyMatrix matrix, const std::string& what);

// Turns a library parse error into CLI11's message for the flag.
template <class Parse>
CLI::Validator accepts(Parse parse, const std::string& description) {
  return CLI::Validator(
      [parse](std::string& value) -> std::string {
        try {
          parse(value);
          return {};
        } catch (const InvalidArgument& e) {
          return e.what();
        }
      },
      description);
}

// What `fit` and `demo` save: the result, the options with the seed actually used, where
// X came from and how long the fit took (io/nmf_model_of.hpp).
template <class T>
io::NmfModel model_of(NmfResult<T>&& result, NmfOptions options, const std::string& input,
                      double seconds) {
  return io::nmf_model_of(std::move(result), std::move(options), input, seconds);
}

}  // namespace nmfkit::cli
