// `nmfkit svd INPUT --out DIR [--k K] [--method full|randomized]`: singular values and
// vectors of a matrix, with a scree plot.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/linalg/full_svd.hpp"
#include "nmfkit/linalg/randomized_svd.hpp"
#include "nmfkit/report/line_plot.hpp"
#include "nmfkit/version.hpp"

namespace nmfkit::cli {

namespace {

constexpr const char* kFormatName = "nmfkit-svd";
constexpr int kFormatVersion = 1;
// Above this many values the scree plot draws the line only: markers would merge.
constexpr std::size_t kMostMarkedPoints = 200;

struct SvdArgs {
  std::string input;
  std::string out;
  long long k = 0;
  bool k_given = false;
  std::string method = "full";
  std::uint32_t seed = 0;
  std::string dtype = "auto";
  bool no_vectors = false;
};

// What the command computed, in double for the reports, with the factors as read.
struct SvdOutcome {
  AnyMatrix U;
  AnyMatrix Vt;
  std::vector<double> S;
  double seconds = 0;
};

// Entries of a sparse matrix that are not stored are zeros, so NaN/Inf checks look at the
// stored ones only; summarize() does exactly that and names the first bad entry.
void check_finite(const AnyMatrix& X) {
  const MatrixSummary s = summarize(X);
  if (s.nan_count == 0 && s.inf_count == 0) return;
  const bool nan_first =
      s.first_nan && (!s.first_inf || std::pair(s.first_nan->row, s.first_nan->col) <
                                          std::pair(s.first_inf->row, s.first_inf->col));
  const EntryLocation at = nan_first ? *s.first_nan : *s.first_inf;
  throw InvalidArgument("the input has " + std::to_string(s.nan_count + s.inf_count) +
                        " non-finite entries (NaN or Inf), the first at row " +
                        std::to_string(at.row) + ", column " + std::to_string(at.col) +
                        " (0-based); the SVD needs finite values");
}

void check_args(const SvdArgs& args) {
  if (args.k_given && args.k < 1) {
    throw InvalidArgument("--k must be at least 1, got " + std::to_string(args.k));
  }
  if (args.method == "randomized" && !args.k_given) {
    throw InvalidArgument("--method randomized needs --k (the number of singular values)");
  }
}

void check_rank(const SvdArgs& args, const AnyMatrix& X) {
  const Index limit = std::min(X.rows(), X.cols());
  if (limit == 0) {
    throw InvalidArgument("the input is empty (" + shape_text(X.rows(), X.cols()) + ")");
  }
  if (args.k_given && args.k > limit) {
    throw InvalidArgument("--k must be at most min(rows, columns) = " + std::to_string(limit) +
                          " for a " + shape_text(X.rows(), X.cols()) + " matrix, got " +
                          std::to_string(args.k));
  }
}

template <class T, class Matrix>
SvdOutcome compute(const Matrix& X, const SvdArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  linalg::Svd<T> svd;
  if (args.method == "randomized") {
    RandomState rng(args.seed);
    svd = linalg::randomized_svd(X, static_cast<Index>(args.k), rng);
  } else {
    linalg::FullSvdOptions options;
    options.compute_vectors = !args.no_vectors;
    svd = linalg::full_svd(X, options, interruptible_progress());
  }
  SvdOutcome outcome;
  outcome.seconds = seconds_since(start);
  const Index k = args.k_given ? static_cast<Index>(args.k) : svd.S.size();
  for (Index i = 0; i < k; ++i) outcome.S.push_back(static_cast<double>(svd.S(i)));
  if (!args.no_vectors) {
    outcome.U = DenseMatrix<T>(svd.U.leftCols(k));
    outcome.Vt = DenseMatrix<T>(svd.Vt.topRows(k));
  }
  return outcome;
}

// Singular values at or below this are zero to working precision (NumPy's matrix_rank rule).
double rank_tolerance(const std::vector<double>& S, const AnyMatrix& X) {
  const double epsilon = X.dtype() == DType::Float32 ? std::numeric_limits<float>::epsilon()
                                                     : std::numeric_limits<double>::epsilon();
  return S.empty() ? 0 : S.front() * static_cast<double>(std::max(X.rows(), X.cols())) * epsilon;
}

std::string scree_svg(const std::vector<double>& S, const AnyMatrix& X, const SvdArgs& args) {
  report::PlotSeries series;
  series.label = "singular values";
  const double tolerance = rank_tolerance(S, X);
  std::size_t hidden = 0;
  double smallest_shown = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < S.size(); ++i) {
    series.x.push_back(static_cast<double>(i + 1));
    series.y.push_back(S[i]);
    if (S[i] > tolerance) {
      smallest_shown = std::min(smallest_shown, S[i]);
    } else {
      ++hidden;
    }
  }
  series.show_points = S.size() <= kMostMarkedPoints;
  // A log scale when the values span more than two decades, with the zero ones left out.
  report::LinePlotOptions options;
  options.log_y = !S.empty() && S.front() > 100 * smallest_shown;
  if (options.log_y) {
    for (double& y : series.y) {
      if (y <= tolerance) y = 0;  // not drawn on a log axis
    }
  }
  options.title = "Scree plot of " + std::filesystem::path(args.input).filename().string() + " (" +
                  args.method + " SVD)";
  options.x_label = "index";
  if (options.log_y && hidden > 0) {
    options.x_label += " (" + std::to_string(hidden) + " values ≤ " +
                       report::tick_label(tolerance, tolerance) +
                       " are zero to working precision and not shown)";
  }
  options.y_label = options.log_y ? "singular value (log scale)" : "singular value";
  return report::line_plot_svg({series}, options);
}

double squared_frobenius_norm(const AnyMatrix& X) {
  return X.visit([](const auto& m) { return m.template cast<double>().squaredNorm(); });
}

nlohmann::ordered_json summary_json(const SvdArgs& args, const AnyMatrix& X,
                                    const SvdOutcome& outcome, double norm_squared) {
  double captured = 0;
  for (const double s : outcome.S) captured += s * s;
  const double tolerance = rank_tolerance(outcome.S, X);
  Index above = 0;
  for (const double s : outcome.S) above += s > tolerance;
  nlohmann::ordered_json files = {{"singular_values", "singular_values.npy"},
                                  {"scree", "scree.svg"}};
  if (!args.no_vectors) {
    files["U"] = "U.npy";
    files["Vt"] = "Vt.npy";
  }
  return {
      {"format", kFormatName},
      {"format_version", kFormatVersion},
      {"nmfkit_version", kVersion},
      {"input", args.input},
      {"shape", {X.rows(), X.cols()}},
      {"storage", X.is_sparse() ? "csr" : "dense"},
      {"dtype", to_string(X.dtype())},
      {"method", args.method},
      {"k", outcome.S.size()},
      {"seed", args.method == "randomized" ? nlohmann::ordered_json(args.seed) : nullptr},
      {"vectors", !args.no_vectors},
      {"seconds", outcome.seconds},
      {"frobenius_norm_squared", norm_squared},
      // Σ s_i² over the values returned, as a share of ‖X‖²_F (1 for all of them).
      {"explained_share", norm_squared > 0 ? captured / norm_squared : 0.0},
      {"rank_tolerance", tolerance},
      {"values_above_tolerance", above},
      {"files", files},
  };
}

void save(const SvdArgs& args, const AnyMatrix& X, const SvdOutcome& outcome, double norm_squared) {
  io::ResultFolder staged(args.out, "svd");
  // As numpy.linalg.svd returns S: a vector of X's element type (the cast back is exact).
  AnyMatrix S(DenseMatrix<double>(Eigen::Map<const DenseMatrix<double>>(
      outcome.S.data(), 1, static_cast<Index>(outcome.S.size()))));
  S.convert(X.dtype());
  io::write_npy_vector(staged.file("singular_values.npy").string(), S);
  if (!args.no_vectors) {
    io::write_npy(staged.file("U.npy").string(), outcome.U);
    io::write_npy(staged.file("Vt.npy").string(), outcome.Vt);
  }
  io::write_text_file(staged.file("scree.svg").string(), scree_svg(outcome.S, X, args));
  io::write_text_file(staged.file("svd.json").string(),
                      summary_json(args, X, outcome, norm_squared).dump(2) + "\n");
  staged.commit();
}

void print_summary(const SvdArgs& args, const AnyMatrix& X, const SvdOutcome& outcome,
                   double norm_squared) {
  const std::size_t k = outcome.S.size();
  std::printf("svd   %s: %s\n", args.input.c_str(), describe(X).c_str());
  std::printf("      %s SVD, %zu singular values in %.3f s\n", args.method.c_str(), k,
              outcome.seconds);
  std::string top;
  for (std::size_t i = 0; i < std::min<std::size_t>(k, 5); ++i) {
    char value[32];
    std::snprintf(value, sizeof value, "%s%.6g", i ? ", " : "", outcome.S[i]);
    top += value;
  }
  std::printf("      largest: %s%s\n", top.c_str(), k > 5 ? ", ..." : "");
  double captured = 0;
  for (const double s : outcome.S) captured += s * s;
  if (norm_squared > 0) {
    std::printf("      they carry %.2f%% of the squared Frobenius norm of X\n",
                100 * captured / norm_squared);
  }
  std::string files = "singular_values.npy";
  if (!args.no_vectors) {
    files += ", U.npy (" + shape_text(outcome.U.rows(), outcome.U.cols()) + "), Vt.npy (" +
             shape_text(outcome.Vt.rows(), outcome.Vt.cols()) + ")";
  }
  std::printf("wrote %s: %s, scree.svg, svd.json\n", args.out.c_str(), files.c_str());
}

void run(const SvdArgs& args) {
  check_args(args);
  const AnyMatrix X = read_input(args.input, args.dtype);
  check_rank(args, X);
  check_finite(X);
  const SvdOutcome outcome = X.visit([&](const auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    return compute<T>(m, args);
  });
  const double norm_squared = squared_frobenius_norm(X);
  save(args, X, outcome, norm_squared);
  print_summary(args, X, outcome, norm_squared);
}

}  // namespace

void add_svd_command(CLI::App& app) {
  auto args = std::make_shared<SvdArgs>();
  auto* command = app.add_subcommand(
      "svd",
      "Singular value decomposition X = U·diag(S)·Vt: all values (full, as "
      "numpy.linalg.svd) or the K largest (randomized, as scikit-learn's randomized_svd), "
      "with a scree plot");
  command
      ->add_option("INPUT", args->input,
                   "matrix file: .mtx[.gz], .npy, .csv[.gz], .tsv[.gz], .h5ad (its X)")
      ->required();
  command
      ->add_option("--out", args->out,
                   "directory for singular_values.npy, U.npy, Vt.npy, scree.svg and svd.json")
      ->required();
  auto* k = command->add_option("--k", args->k,
                                "number of singular values (default: all, min(rows, columns))");
  command
      ->add_option("--method", args->method,
                   "full: exact, all values (the largest K with --k); randomized: the K "
                   "largest by random projection (needs --k)")
      ->check(CLI::IsMember({"full", "randomized"}))
      ->capture_default_str();
  command->add_option("--seed", args->seed, "random seed of --method randomized")
      ->capture_default_str();
  add_dtype_flag(*command, args->dtype);
  command->add_flag("--no-vectors", args->no_vectors,
                    "write the singular values only (the full method then skips computing "
                    "U and Vt, which is much faster)");
  command->callback([args, k] {
    args->k_given = k->count() > 0;
    run(*args);
  });
}

}  // namespace nmfkit::cli
