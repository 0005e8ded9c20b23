// `nmfkit multimodal fit --modality NAME=SOURCE ... --k K --out DIR`: one topic model for
// several modalities of the same samples (joint NMF, or mTopic's MTM / spatial sMTM),
// written as the shared sample × topic matrix and one topic × feature matrix per modality.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "multimodal_input.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/multimodal/joint_nmf.hpp"
#include "nmfkit/multimodal/preprocess.hpp"
#include "nmfkit/text/topics.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

// mTopic's preprocessing, in mTopic's order: tf-idf or CLR per modality, then equal mass.
struct PreprocessFlags {
  std::vector<std::string> tfidf;  // modality names
  std::vector<std::string> clr;
  double scale_counts = 0;  // counts per sample; 0: off

  void add_to(CLI::App& command) {
    command.add_option("--tfidf", tfidf,
                       "modalities to weight by x·(ln(N/df)+1), mTopic's tf-idf (comma-separated)")
        ->delimiter(',');
    command.add_option("--clr", clr,
                       "modalities to transform by mTopic's CLR, log1p(x/g) (comma-separated)")
        ->delimiter(',');
    command.add_option("--scale-counts", scale_counts,
                       "scale every modality to this total per sample, after tf-idf/CLR (mTopic "
                       "uses 10000); 0: off");
  }

  void apply(multimodal::MultiModalData& data, const Progress& progress) const {
    for (const auto& name : tfidf) {
      if (std::find(clr.begin(), clr.end(), name) != clr.end())
        throw InvalidArgument("modality '" + name + "' is named in both --tfidf and --clr");
      multimodal::tfidf(data, name);
      progress.message("modality " + name + ": tf-idf");
    }
    for (const auto& name : clr) {
      multimodal::clr(data, name);
      progress.message("modality " + name + ": CLR");
    }
    if (scale_counts < 0 || !std::isfinite(scale_counts))
      throw InvalidArgument("--scale-counts " + std::to_string(scale_counts) +
                            ": expected a number > 0, or 0 for none");
    if (scale_counts > 0) {
      multimodal::scale_counts(data, scale_counts);
      progress.message("every modality scaled to " + std::to_string(scale_counts) + " per sample");
    }
  }
};

struct MultimodalFitArgs {
  ModalityFlags input;
  PreprocessFlags preprocess;
  std::string out;
  std::string model = "joint-nmf";
  std::vector<std::string> weights;  // NAME=W
  NmfFlags nmf;
  int top = 10;
  bool progress = false;
};

// What every model hands to the writer.
struct TopicModel {
  DenseMatrix<double> sample_topics;           // samples × k
  std::vector<DenseMatrix<double>> components;  // per modality: k × features
  json details;                                 // model-specific facts for model.json
};

// Step lines go to stderr on a terminal or with --progress; otherwise (scripts, pipes)
// stderr carries nothing but warnings and the one error line.
Progress stderr_progress(bool requested) {
  Progress progress = interruptible_progress();
  const bool shown = requested || isatty(STDERR_FILENO);
  progress.log = [shown](const std::string& line) {
    if (shown) std::cerr << "nmfkit: " << line << '\n';
  };
  return progress;
}

std::vector<double> modality_weights(const MultimodalFitArgs& args,
                                     const multimodal::MultiModalData& data) {
  if (args.weights.empty()) return {};
  std::vector<double> weights(data.modalities.size(), 1.0);
  for (const auto& text : args.weights) {
    const auto [name, value] = split_assignment(text, "--weight");
    const auto& m = data.modality(name);
    std::size_t used = 0;
    double w = 0;
    try {
      w = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size()) throw InvalidArgument("--weight " + text + ": not a number");
    weights[static_cast<std::size_t>(&m - data.modalities.data())] = w;
  }
  return weights;
}

TopicModel fit_joint(const MultimodalFitArgs& args, const multimodal::MultiModalData& data,
                     const Progress& progress) {
  multimodal::JointNmfOptions options;
  options.nmf = args.nmf.options();
  options.weights = modality_weights(args, data);
  auto result = multimodal::fit_joint_nmf<double>(data, options, progress);
  print_warnings(result.warnings);
  TopicModel model;
  model.sample_topics = std::move(result.W);
  model.components = std::move(result.H);
  json errors = json::object();
  for (std::size_t m = 0; m < data.modalities.size(); ++m)
    errors[data.modalities[m].name] = result.modality_errors[m];
  model.details = {{"solver", options.nmf.solver},
                   {"beta_loss", options.nmf.beta_loss},
                   {"weights", options.weights},
                   {"seed", result.random_state},
                   {"n_iter", result.n_iter},
                   {"converged", result.converged},
                   {"objective", result.objective},
                   {"reconstruction_errors", errors}};
  return model;
}

std::string top_features_table(const DenseMatrix<double>& components,
                               const std::vector<std::string>& names, int top) {
  std::string out = "topic\trank\tfeature\tweight\n";
  const auto ranked = text::top_terms(components, top);
  for (std::size_t t = 0; t < ranked.size(); ++t)
    for (std::size_t r = 0; r < ranked[t].size(); ++r) {
      char weight[32];
      std::snprintf(weight, sizeof weight, "%.6g", ranked[t][r].weight);
      out += std::to_string(t) + "\t" + std::to_string(r + 1) + "\t" +
             names[static_cast<std::size_t>(ranked[t][r].index)] + "\t" + weight + "\n";
    }
  return out;
}

// Modality names become folder names in the output.
void check_folder_names(const multimodal::MultiModalData& data) {
  for (const auto& m : data.modalities)
    if (m.name == "." || m.name == ".." || m.name.find('/') != std::string::npos)
      throw InvalidArgument("modality name '" + m.name +
                            "' cannot name an output folder (no '/', '.' or '..')");
}

void write_model(const MultimodalFitArgs& args, const multimodal::MultiModalData& data,
                 const TopicModel& model, double seconds) {
  io::StagedDirectory staged(args.out);
  io::write_matrix(staged.file("sample_topics.npy").string(), model.sample_topics);
  io::write_lines(staged.file("samples.txt").string(), data.sample_names);
  json modalities = json::array();
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const auto& modality = data.modalities[m];
    std::filesystem::create_directories(staged.file(modality.name));
    const std::string dir = modality.name + "/";
    io::write_matrix(staged.file(dir + "components.npy").string(), model.components[m]);
    io::write_lines(staged.file(dir + "features.txt").string(), modality.feature_names);
    io::write_text_file(staged.file(dir + "top_features.tsv").string(),
                        top_features_table(model.components[m], modality.feature_names, args.top));
    modalities.push_back({{"name", modality.name}, {"features", modality.counts.cols()}});
  }
  json info = {{"format", "nmfkit-multimodal"},
               {"version", 1},
               {"model", args.model},
               {"k", model.sample_topics.cols()},
               {"samples", data.n_samples()},
               {"modalities", modalities},
               {"seconds", seconds}};
  info.update(model.details);
  io::write_text_file(staged.file("model.json").string(), info.dump(2) + "\n");
  staged.commit();
}

void run_fit(const MultimodalFitArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const Progress progress = stderr_progress(args.progress);
  multimodal::MultiModalData data = args.input.read();
  check_folder_names(data);
  for (const auto& m : data.modalities)
    progress.message("modality " + m.name + ": " + describe(m.counts));
  args.preprocess.apply(data, progress);
  if (args.top < 1) throw InvalidArgument("--top " + std::to_string(args.top) + ": expected >= 1");
  const TopicModel model = fit_joint(args, data, progress);
  const double seconds = seconds_since(start);
  write_model(args, data, model, seconds);
  std::printf("%s: %lld topics over %zu modalities of %lld samples in %.2f s; wrote %s\n",
              args.model.c_str(), static_cast<long long>(model.sample_topics.cols()),
              data.modalities.size(), static_cast<long long>(data.n_samples()), seconds,
              args.out.c_str());
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const auto words = text::topic_words(text::top_terms(model.components[m], 5),
                                         data.modalities[m].feature_names);
    std::printf("  %s, topic 0: %s\n", data.modalities[m].name.c_str(),
                [&] {
                  std::string joined;
                  for (const auto& w : words[0]) joined += (joined.empty() ? "" : " ") + w;
                  return joined;
                }()
                    .c_str());
  }
}

}  // namespace

void add_multimodal_command(CLI::App& app) {
  auto* group = app.add_subcommand(
      "multimodal", "Topic models of several modalities of the same samples (RNA + ATAC, ...)");
  group->require_subcommand(1);

  auto args = std::make_shared<MultimodalFitArgs>();
  auto* fit = group->add_subcommand(
      "fit", "Fit topics shared by all modalities: a sample × topic matrix and one topic × "
             "feature matrix per modality");
  args->input.add_to(*fit);
  args->preprocess.add_to(*fit);
  fit->add_option("--model", args->model, "joint-nmf (one W shared by every modality)")
      ->check(CLI::IsMember({"joint-nmf"}))
      ->capture_default_str();
  fit->add_option("--weight", args->weights,
                  "NAME=W, repeated: weight of a modality's loss (joint-nmf; default 1)");
  args->nmf.solver = "hals";
  args->nmf.add_to(*fit, true);
  fit->add_option("--top", args->top, "top features per topic and modality to list")
      ->capture_default_str();
  fit->add_flag("--progress", args->progress,
                "print each step on stderr (the default on a terminal)");
  fit->add_option("--out", args->out, "output folder")->required();
  fit->callback([args] { run_fit(*args); });
}

}  // namespace nmfkit::cli
