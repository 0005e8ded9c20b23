#include "common.hpp"

#include <atomic>
#include <csignal>
#include <iostream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "progress_output.hpp"

namespace nmfkit::cli {

namespace {
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted = true;
}
}  // namespace

void add_dtype_flag(CLI::App& command, std::string& dtype) {
  command
      .add_option("--dtype", dtype,
                  "element type: auto keeps a .npy file's float32/float64 (text files are "
                  "float64), or float32, float64")
      ->check(CLI::IsMember({"auto", "float32", "float64"}))
      ->capture_default_str();
}

AnyMatrix read_input(const std::string& path, const std::string& dtype) {
  if (dtype == "auto") return io::read_matrix(path);
  return io::read_matrix(path, parse_dtype(dtype));
}

Progress interruptible_progress() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  Progress progress;
  progress.cancel_requested = [] { return interrupted.load(); };
  progress.step = show_step;
  // --verbose lines stay on stdout, as before; the bar makes way for them.
  progress.log = [](const std::string& line) {
    clear_progress();
    std::cout << line << '\n' << std::flush;
  };
  return progress;
}

Progress stderr_progress(bool requested) {
  Progress progress = interruptible_progress();
  const bool shown = requested || isatty(STDERR_FILENO);
  progress.log = [shown](const std::string& line) {
    if (shown) print_progress_line("nmfkit: " + line);
  };
  return progress;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings) print_stderr_line("nmfkit: warning: " + warning);
}

std::string shape_text(Index rows, Index cols) {
  return std::to_string(rows) + " × " + std::to_string(cols);
}

std::string describe(const AnyMatrix& matrix) {
  return shape_text(matrix.rows(), matrix.cols()) + ", " +
         (matrix.is_sparse() ? "sparse " : "dense ") + to_string(matrix.dtype());
}

template <class T>
DenseMatrix<T> dense_as(AnyMatrix matrix, const std::string& what) {
  if (matrix.is_sparse())
    throw InvalidArgument(what + " must be a dense matrix (.npy, .csv, .tsv or array .mtx)");
  matrix.convert(dtype_of<T>());
  return std::move(std::get<DenseMatrix<T>>(matrix.storage()));
}

template DenseMatrix<float> dense_as(AnyMatrix, const std::string&);
template DenseMatrix<double> dense_as(AnyMatrix, const std::string&);

void check_write_h5ad(const std::string& input, const std::string& file) {
  if (file.empty()) return;
  if (io::format_from_path(input) != io::MatrixFormat::H5ad) {
    throw InvalidArgument("--write-h5ad needs an .h5ad input, got '" + input + "'");
  }
  if (!file.ends_with(".h5ad")) {
    throw InvalidArgument("--write-h5ad names an .h5ad file, got '" + file + "'");
  }
}

}  // namespace nmfkit::cli
