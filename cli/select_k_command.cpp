// `nmfkit select-k INPUT --k 2:30 --method cv|stability|both --out DIR`: how many
// components? Cross-validation on speckled holdouts and/or NMFk stability, per k.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/report/line_plot.hpp"
#include "nmfkit/select/select_k.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct SelectKArgs {
  std::string input;
  std::string out;
  std::string dtype = "auto";
  std::string k = "auto";
  NmfFlags nmf;
  MissingFlags missing;
  SelectFlags select;
};

std::string cell(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

json number_or_null(double value) {
  return std::isnan(value) ? json(nullptr) : json(value);
}

std::string table(const select::Selection& selection) {
  std::string out =
      "k\ttest_error\ttest_error_se\ttrain_error\tmin_silhouette\tmean_silhouette\t"
      "reconstruction_error\tseconds\n";
  for (const auto& s : selection.scores) {
    out += std::to_string(s.k) + "\t" + cell(s.test_error) + "\t" + cell(s.test_error_se) + "\t" +
           cell(s.train_error) + "\t" + cell(s.min_silhouette) + "\t" + cell(s.mean_silhouette) +
           "\t" + cell(s.reconstruction_error) + "\t" + cell(s.seconds) + "\n";
  }
  return out;
}

// A vertical marker at the chosen k over [low, high].
report::PlotSeries marker(const std::string& label, Index k, double low, double high,
                          const std::string& color) {
  report::PlotSeries s;
  s.label = label;
  s.x = {static_cast<double>(k), static_cast<double>(k)};
  s.y = {low, high};
  s.show_points = false;
  s.color = color;
  return s;
}

// Two plots stacked in one SVG document: errors (log scale) and silhouettes.
std::string plot(const select::Selection& selection) {
  std::vector<report::PlotSeries> errors, silhouettes;
  report::PlotSeries test{"held-out MSE (cv)", {}, {}, true, ""};
  report::PlotSeries train{"training MSE (cv)", {}, {}, true, ""};
  report::PlotSeries relative{"relative reconstruction error", {}, {}, true, ""};
  report::PlotSeries lowest{"smallest cluster silhouette", {}, {}, true, ""};
  report::PlotSeries mean{"mean silhouette", {}, {}, true, ""};
  double low = INFINITY, high = -INFINITY;
  for (const auto& s : selection.scores) {
    const double k = static_cast<double>(s.k);
    if (!std::isnan(s.test_error)) {
      test.x.push_back(k);
      test.y.push_back(s.test_error);
      train.x.push_back(k);
      train.y.push_back(s.train_error);
      low = std::min({low, s.test_error, s.train_error});
      high = std::max({high, s.test_error, s.train_error});
    }
    relative.x.push_back(k);
    relative.y.push_back(s.reconstruction_error);
    if (s.reconstruction_error > 0) {
      low = std::min(low, s.reconstruction_error);
      high = std::max(high, s.reconstruction_error);
    }
    if (!std::isnan(s.min_silhouette)) {
      lowest.x.push_back(k);
      lowest.y.push_back(s.min_silhouette);
      mean.x.push_back(k);
      mean.y.push_back(s.mean_silhouette);
    }
  }
  if (!test.x.empty()) {
    errors.push_back(test);
    errors.push_back(train);
  }
  errors.push_back(relative);
  if (selection.cv_k && std::isfinite(low) && low > 0) {
    errors.push_back(marker("chosen by cv", *selection.cv_k, low, high, "#777777"));
  }
  report::LinePlotOptions top;
  top.title = "select-k: errors per k";
  top.x_label = "k";
  top.y_label = "error";
  top.log_y = true;
  top.width = 720;
  std::string first = report::line_plot_svg(errors, top);
  std::string second;
  if (!lowest.x.empty()) {
    silhouettes.push_back(lowest);
    silhouettes.push_back(mean);
    if (selection.stability_k) {
      silhouettes.push_back(
          marker("chosen by stability", *selection.stability_k, -1, 1, "#777777"));
    }
    report::LinePlotOptions bottom;
    bottom.title = "select-k: stability (silhouettes of the matched components)";
    bottom.x_label = "k";
    bottom.y_label = "silhouette";
    bottom.width = 720;
    second = report::line_plot_svg(silhouettes, bottom);
  }
  const auto body = [](const std::string& svg) {
    const auto at = svg.find("<svg");
    return at == std::string::npos ? svg : svg.substr(at);
  };
  const int height = second.empty() ? 400 : 800;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"720\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 720 " + std::to_string(height) + "\">\n";
  out += body(first);
  if (!second.empty()) out += "<g transform=\"translate(0,400)\">\n" + body(second) + "</g>\n";
  out += "</svg>\n";
  return out;
}

json summary(const SelectKArgs& args, const AnyMatrix& X, const select::SelectOptions& options,
             const select::Selection& selection) {
  json j;
  j["input"] = args.input;
  j["matrix"] = {{"rows", X.rows()},
                 {"cols", X.cols()},
                 {"stored", X.stored()},
                 {"sparse", X.is_sparse()},
                 {"dtype", to_string(X.dtype())}};
  j["missing"] = args.missing.describe();
  j["method"] = select::to_string(options.method);
  j["k"] = args.k;
  j["chosen_k"] = json::object();
  j["rule"] = json::object();
  if (selection.cv_k) {
    j["chosen_k"]["cv"] = *selection.cv_k;
    j["rule"]["cv"] = selection.cv_rule;
  }
  if (selection.stability_k) {
    j["chosen_k"]["stability"] = *selection.stability_k;
    j["rule"]["stability"] = selection.stability_rule;
  }
  j["k_chosen"] = selection.chosen_k;
  j["rule"]["chosen"] = selection.rule;
  j["options"] = {{"solver", options.nmf.solver},
                  {"tol", options.nmf.tol},
                  {"max_iter", options.nmf.max_iter},
                  {"seed", options.seed},
                  {"holdout_fraction", options.cv.holdout_fraction},
                  {"replicates", options.cv.replicates},
                  {"perturbations", options.stability.perturbations},
                  {"noise", options.stability.noise},
                  {"silhouette_threshold", options.stability.threshold}};
  j["scores"] = json::array();
  for (const auto& s : selection.scores) {
    j["scores"].push_back({{"k", s.k},
                           {"test_error", number_or_null(s.test_error)},
                           {"test_error_se", number_or_null(s.test_error_se)},
                           {"replicate_errors", s.replicate_errors},
                           {"train_error", number_or_null(s.train_error)},
                           {"min_silhouette", number_or_null(s.min_silhouette)},
                           {"mean_silhouette", number_or_null(s.mean_silhouette)},
                           {"reconstruction_error", number_or_null(s.reconstruction_error)},
                           {"seconds", s.seconds}});
  }
  j["seconds"] = selection.seconds;
  return j;
}

// Under mpirun the fits are spread over the processes; the first one reports and writes.
void run(const SelectKArgs& args) {
  select::SelectOptions options = args.select.options(args.nmf.options(), args.k);
  options.validate();
  const dist::Comm& world = dist::world();
  if (world.size() > 1) options.nmf.comm = &world;
  const bool first = world.rank() == 0;
  AnyMatrix X = read_input(args.input, args.dtype);
  const select::Selection selection = X.visit([&](auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    const EntryWeights<T> weights = args.missing.weights_for(m);
    return select::select_k(m, weights, options, interruptible_progress(),
                            [first](const select::KScore& score) {
                              if (first) std::cerr << score_line(score) << std::endl;
                            });
  });
  if (!first) return;
  io::StagedDirectory staged(args.out);
  io::write_text_file(staged.file("selection.tsv").string(), table(selection));
  io::write_text_file(staged.file("selection.json").string(),
                      summary(args, X, options, selection).dump(2) + "\n");
  io::write_text_file(staged.file("selection.svg").string(), plot(selection));
  staged.commit();

  std::printf("select-k %s: %s, %zu values of k in %.1f s\n", args.input.c_str(),
              describe(X).c_str(), selection.scores.size(), selection.seconds);
  if (selection.cv_k)
    std::printf("  cv:        k = %lld\n", static_cast<long long>(*selection.cv_k));
  if (selection.stability_k) {
    std::printf("  stability: k = %lld\n", static_cast<long long>(*selection.stability_k));
  }
  std::printf("  chosen:    k = %lld\n", static_cast<long long>(selection.chosen_k));
  std::printf("wrote %s: selection.tsv, selection.json, selection.svg\n", args.out.c_str());
}

}  // namespace

void add_select_k_command(CLI::App& app) {
  auto args = std::make_shared<SelectKArgs>();
  args->nmf.solver = "auto";
  auto* command = app.add_subcommand(
      "select-k",
      "Choose the number of components: speckled-holdout cross-validation and/or NMFk "
      "stability over a range of k");
  command
      ->add_option("INPUT", args->input,
                   "matrix file: .mtx[.gz], .npy, .csv[.gz], .tsv[.gz], .h5ad (its X)")
      ->required();
  command->add_option("--out", args->out, "directory for selection.tsv, .json and .svg")
      ->required();
  command
      ->add_option("--k", args->k,
                   "candidates: LOW:HIGH, LOW:HIGH:STEP, a list (3,5,8), or auto / "
                   "auto:LOW:HIGH for a coarse-to-fine search")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            try {
              select::parse_k_spec(text);
              return {};
            } catch (const InvalidArgument& e) {
              return e.what();
            }
          },
          "K"))
      ->capture_default_str();
  args->select.add_to(*command, /*prefixed=*/false);
  args->nmf.add_to(*command, /*k_required=*/false, /*with_k=*/false);
  args->missing.add_to(*command);
  add_dtype_flag(*command, args->dtype);
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
