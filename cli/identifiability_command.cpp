// `nmfkit identifiability MODEL_DIR`: is the fitted W·H essentially unique? The SSC test
// and near-anchors of W's rows and H's columns (nmfkit/nmf/identifiability.hpp), printed
// and written to MODEL_DIR/identifiability.json (or --out).

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/nmf/identifiability.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct IdentifiabilityArgs {
  std::string model;
  std::string out;
  double tolerance = 1e-6;
  double anchor_tolerance = 0.05;
  std::size_t max_rays = 200000;
};

json number_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json factor_json(const FactorIdentifiability& f) {
  json j;
  j["points"] = f.factor == "W" ? "rows of W (samples)" : "columns of H (features)";
  j["ssc"] = {{"verdict", to_string(f.ssc.verdict)},
              {"max_norm", number_or_null(f.ssc.max_norm)},
              {"certificate", f.ssc.certificate},
              {"reason", f.ssc.reason},
              {"nonzero_points", f.ssc.points},
              {"vertices", f.ssc.vertices}};
  j["separability"] = {{"separable", f.anchors.separable},
                       {"tolerance", f.anchors.tolerance},
                       {"anchor", f.anchors.anchor},
                       {"distance", f.anchors.distance}};
  return j;
}

void print_factor(const FactorIdentifiability& f) {
  const char* what = f.factor == "W" ? "W (rows: samples)" : "H (columns: features)";
  std::printf("%s\n  %s\n", what, f.ssc.reason.c_str());
  double worst = 0;
  for (double d : f.anchors.distance) worst = std::max(worst, d);
  std::printf("  separability: %s (largest near-anchor distance %.4g, tolerance %g)\n",
              f.anchors.separable ? "separable" : "not separable", worst, f.anchors.tolerance);
  for (std::size_t c = 0; c < f.anchors.anchor.size(); ++c) {
    std::printf("    component %zu: %s %lld, distance %.4g\n", c,
                f.factor == "W" ? "sample" : "feature",
                static_cast<long long>(f.anchors.anchor[c]), f.anchors.distance[c]);
  }
}

void run(const IdentifiabilityArgs& args) {
  const io::NmfModel model = io::load_nmf_model(args.model);
  SscOptions options;
  options.tolerance = args.tolerance;
  options.max_rays = args.max_rays;
  // The tests run in double whatever the model's element type.
  const IdentifiabilityReport report =
      identifiability(dense_as<double>(model.W, "W"), dense_as<double>(model.H, "H"), options,
                      args.anchor_tolerance);
  json j;
  j["model"] = args.model;
  j["n_components"] = model.H.rows();
  j["ssc_tolerance"] = args.tolerance;
  j["max_rays"] = args.max_rays;
  j["W"] = factor_json(report.W);
  j["H"] = factor_json(report.H);
  j["unique"] = report.unique;
  const std::string out =
      args.out.empty() ? (std::filesystem::path(args.model) / "identifiability.json").string() : args.out;
  io::AtomicFile file(out);
  io::write_text_file(file.temp_path().string(), j.dump(2) + "\n");
  file.commit();
  print_factor(report.W);
  print_factor(report.H);
  std::printf("%s\n", report.unique
                          ? "essentially unique (proven): both W and H are sufficiently scattered"
                          : "uniqueness not proven: it needs both W and H sufficiently scattered");
  std::printf("wrote %s\n", out.c_str());
}

}  // namespace

void add_identifiability_command(CLI::App& app) {
  auto args = std::make_shared<IdentifiabilityArgs>();
  auto* command = app.add_subcommand(
      "identifiability",
      "Test whether a fitted model's W and H are sufficiently scattered (SSC, an exact vertex "
      "enumeration for k <= 12) and separable (near-anchor samples and features)");
  command->add_option("MODEL_DIR", args->model, "directory written by `nmfkit fit` (any model)")
      ->required();
  command->add_option("--out", args->out,
                      "JSON file for the verdicts (default: MODEL_DIR/identifiability.json)");
  command
      ->add_option("--tol", args->tolerance,
                   "SSC: slack on max ||x||^2 <= 1 and on 'is a unit vector'")
      ->check(CLI::Range(0.0, 0.49))
      ->capture_default_str();
  command
      ->add_option("--anchor-tol", args->anchor_tolerance,
                   "separability: the largest share of a near-anchor's mass outside its component")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--max-rays", args->max_rays,
                   "SSC: budget of the enumeration (rays held at once); beyond it: undecided")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
