// `nmfkit demo`: the main job on data that needs nothing from the user. It factorises
// scikit-learn's handwritten digits (shipped by Debian's python3-sklearn, which the
// install script provides) and draws the parts NMF finds.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "command.hpp"
#include "common.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/delimited.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::cli {

namespace {

constexpr const char* kDigitsPath =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
constexpr int kSide = 8;  // the digits are 8 × 8 pixel images

struct DemoArgs {
  std::string data = kDigitsPath;
  std::string out = "demo-output/digits";
  int k = 10;
  std::uint64_t seed = 0;
};

// Each part as an 8 × 8 picture in shades of ink (two characters a pixel, so that it
// looks square), five parts to a row.
void draw_parts(const DenseMatrix<double>& H) {
  static const char shades[] = " .:-=+*#%@";
  constexpr Index kPerRow = 5;
  for (Index start = 0; start < H.rows(); start += kPerRow) {
    const Index end = std::min<Index>(start + kPerRow, H.rows());
    for (Index part = start; part < end; ++part) {
      std::printf("  part %-13lld", static_cast<long long>(part));
    }
    std::printf("\n");
    for (int y = 0; y < kSide; ++y) {
      for (Index part = start; part < end; ++part) {
        const double peak = std::max(H.row(part).maxCoeff(), 1e-300);
        std::printf("  |");
        for (int x = 0; x < kSide; ++x) {
          const char ink =
              shades[std::clamp(static_cast<int>(H(part, y * kSide + x) / peak * 9.999), 0, 9)];
          std::printf("%c%c", ink, ink);
        }
        std::printf("|");
      }
      std::printf("\n");
    }
    std::printf("\n");
  }
}

// For each digit, the parts it leans on most (mean weight over its images).
void draw_usage(const DenseMatrix<double>& W, const Vector<double>& labels) {
  std::printf("which parts each digit is built from (mean weight, largest first):\n");
  for (int digit = 0; digit <= 9; ++digit) {
    Vector<double> mean = Vector<double>::Zero(W.cols());
    int count = 0;
    for (Index i = 0; i < W.rows(); ++i) {
      if (static_cast<int>(labels[i]) == digit) {
        mean += W.row(i).transpose();
        ++count;
      }
    }
    if (count == 0) continue;
    mean /= count;
    std::vector<Index> order(static_cast<std::size_t>(W.cols()));
    std::iota(order.begin(), order.end(), Index{0});
    std::sort(order.begin(), order.end(), [&](Index a, Index b) { return mean[a] > mean[b]; });
    std::printf("  %d (%3d images):", digit, count);
    for (std::size_t r = 0; r < std::min<std::size_t>(3, order.size()); ++r) {
      std::printf("  part %lld (%.2f)", static_cast<long long>(order[r]), mean[order[r]]);
    }
    std::printf("\n");
  }
}

void run(const DemoArgs& args) {
  if (!std::filesystem::exists(args.data)) {
    throw IoError("the digits data " + args.data +
                  " is missing; scripts/install-deps.sh installs it (Debian's python3-sklearn)");
  }
  const DenseMatrix<double> table =
      dense_as<double>(io::read_delimited(args.data, ',').matrix, args.data);
  if (table.cols() != kSide * kSide + 1) {
    throw InvalidArgument(args.data + " should have 65 columns (64 pixels and the digit), found " +
                          std::to_string(table.cols()));
  }
  const DenseMatrix<double> X = table.leftCols(kSide * kSide);
  const Vector<double> labels = table.col(kSide * kSide);

  NmfOptions options;
  options.n_components = args.k;
  options.random_state = static_cast<std::uint32_t>(args.seed);
  options.max_iter = 500;
  const auto start = std::chrono::steady_clock::now();
  NmfResult<double> result = fit(X, options, nullptr, interruptible_progress());
  const double seconds = seconds_since(start);

  const double relative_error = result.reconstruction_error / X.norm();
  const io::NmfModel model =
      model_of(NmfResult<double>(result), options, args.data + " (64 pixel columns)", seconds);
  io::save_nmf_model(args.out, model, "demo");
  print_warnings(result.warnings);

  std::printf("nmfkit demo: %lld handwritten digits of 8 × 8 pixels (scikit-learn's digits data)\n",
              static_cast<long long>(X.rows()));
  std::printf("factorised as X ≈ W·H with k = %d parts: coordinate descent, init %s, seed %llu\n",
              args.k, to_string(result.init).c_str(), static_cast<unsigned long long>(args.seed));
  std::printf(
      "%s after %d iterations in %.3f s; reconstruction error %.1f (%.1f%% of the norm of X)\n\n",
      result.converged ? "converged" : "stopped", result.n_iter, seconds,
      result.reconstruction_error, 100 * relative_error);
  draw_parts(result.H);
  draw_usage(result.W, labels);
  std::printf("\nwrote %s: W.npy, H.npy, model.json\n", args.out.c_str());
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  auto* command = app.add_subcommand(
      "demo", "Factorise scikit-learn's handwritten digits and draw the parts NMF finds");
  command->add_option("--data", args->data, "digits CSV (64 pixel columns and the label)")
      ->capture_default_str();
  command->add_option("--k", args->k, "number of parts")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--seed", args->seed, "random seed")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4294967295ULL}))
      ->capture_default_str();
  command->add_option("--out", args->out, "directory for the model")->capture_default_str();
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
