// `nmfkit multimodal fit --modality NAME=SOURCE ... --k K --out DIR`: one topic model for
// several modalities of the same samples (joint NMF, or mTopic's MTM / spatial sMTM),
// written as the shared sample × topic matrix and one topic × feature matrix per modality.
// The `multimodal` group is registered here; select-k and filter live in their own files.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "checkpoint_flags.hpp"
#include "command.hpp"
#include "report_flags.hpp"
#include "common.hpp"
#include "multimodal_input.hpp"
#include "nmf_flags.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/anndata_writer.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/multimodal_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/multimodal/topic_model.hpp"
#include "nmfkit/text/topics.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct MultimodalFitArgs {
  ModalityFlags input;
  PreprocessFlags preprocess;
  std::string out;
  std::string model = "joint-nmf";
  std::vector<std::string> weights;  // NAME=W
  NmfFlags nmf;
  MtmFlags mtm;
  int top = 10;
  bool progress = false;
  CheckpointFlags checkpoint;
  std::string write_h5mu;  // a copy of the --h5mu input with the results in it
  bool no_report = false;
};

// What every model hands to the writer.
struct TopicModel {
  multimodal::MultimodalTopicOptions options;   // as fitted (model.json keeps them)
  DenseMatrix<double> sample_topics;            // samples × k
  std::vector<DenseMatrix<double>> components;  // per modality: k × features
  json details;                                 // model-specific facts for model.json
  // per modality: more matrices to write beside components.npy, by file name
  std::vector<std::map<std::string, DenseMatrix<double>>> extra_per_modality;
};

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

// The library fits (multimodal/topic_model.hpp); here only the flags become options and the
// result's facts become model.json's.
TopicModel fit(const MultimodalFitArgs& args, const multimodal::MultiModalData& data,
               const Progress& progress, const CheckpointStore* checkpoint) {
  multimodal::MultimodalTopicOptions options;
  options.model = multimodal::parse_topic_model_kind(args.model);
  std::optional<DenseMatrix<double>> coordinates;
  if (options.model == multimodal::TopicModelKind::JointNmf) {
    options.joint.nmf = args.nmf.options();
    options.joint.nmf.checkpoint = checkpoint;
    options.joint.weights = modality_weights(args, data);
  } else {
    const NmfOptions nmf = args.nmf.options();
    if (!nmf.n_components) throw InvalidArgument("--model " + args.model + " needs --k K (a number)");
    options.mtm = args.mtm.options(static_cast<int>(nmf.n_components.value_or(0)),
                                   args.nmf.seed, args.nmf.threads);
    options.mtm.checkpoint = checkpoint;
    options.iterations = args.mtm.iterations;
    options.svi = args.mtm.svi;
    options.svi_options = args.mtm.svi_options;
    options.spatial = args.mtm.spatial;
    if (options.model == multimodal::TopicModelKind::Smtm)
      coordinates = args.mtm.read_coordinates(data.n_samples());
  }
  multimodal::MultimodalTopics fitted =
      multimodal::fit_topics(data, options, coordinates ? &*coordinates : nullptr, progress);
  TopicModel model;
  model.options = options;
  model.sample_topics = std::move(fitted.sample_topics);
  model.components = std::move(fitted.components);
  if (options.model == multimodal::TopicModelKind::JointNmf) {
    print_warnings(fitted.warnings);
    json errors = json::object();
    for (std::size_t m = 0; m < data.modalities.size(); ++m)
      errors[data.modalities[m].name] = fitted.modality_errors[m];
    model.details = {{"solver", options.joint.nmf.solver}, {"beta_loss", options.joint.nmf.beta_loss},
                     {"weights", options.joint.weights},   {"seed", fitted.random_state},
                     {"n_iter", fitted.n_iter},            {"converged", fitted.converged},
                     {"objective", fitted.objective},      {"reconstruction_errors", errors}};
    return model;
  }
  // MTM and sMTM: topic proportions E[θ] and profiles E[β_m]; raw λ_m kept beside them.
  json details = {{"alpha", fitted.alpha},
                  {"eta", options.mtm.eta},
                  {"seed", options.mtm.seed},
                  {"max_iter_d", options.mtm.max_iter_d},
                  {"gamma_tol", options.mtm.gamma_tol}};
  if (options.model == multimodal::TopicModelKind::Smtm) {
    details["radius"] = options.spatial.radius;
    details["n_neighbors"] = options.spatial.n_neighbors;
    details["inference"] = "vi";
  } else if (options.svi) {
    const auto& svi = options.svi_options;
    details["inference"] = "svi";
    details["svi"] = {{"batches", svi.n_batches},
                      {"batch_size", svi.batch_size},
                      {"tau", svi.tau},
                      {"kappa", svi.kappa}};
  } else {
    details["inference"] = "vi";
  }
  details["n_iter"] = fitted.n_iter;
  for (auto& lambda : fitted.lambda) model.extra_per_modality.push_back({{"lambda.npy", std::move(lambda)}});
  model.details = std::move(details);
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

// model.json's content, with what transform reads back (io/multimodal_model.hpp).
json model_info(const MultimodalFitArgs& args, const multimodal::MultiModalData& data,
                const TopicModel& model, const multimodal::FittedPreprocessing& preprocessing,
                double seconds) {
  json modalities = json::array();
  for (const auto& modality : data.modalities)
    modalities.push_back({{"name", modality.name}, {"features", modality.counts.cols()}});
  json info = {{"format", "nmfkit-multimodal"},
               {"version", 1},
               {"model", args.model},
               {"k", model.sample_topics.cols()},
               {"samples", data.n_samples()},
               {"modalities", modalities},
               {"seconds", seconds}};
  info.update(model.details);
  info.update(json::parse(io::multimodal_transform_fields(model.options, preprocessing)));
  return info;
}

void write_model(const MultimodalFitArgs& args, const multimodal::MultiModalData& data,
                 const TopicModel& model, const multimodal::FittedPreprocessing& preprocessing,
                 const json& info) {
  io::ResultFolder staged(args.out, "multimodal fit");
  io::write_matrix(staged.file("sample_topics.npy").string(), model.sample_topics);
  io::write_lines(staged.file("samples.txt").string(), data.sample_names);
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const auto& modality = data.modalities[m];
    std::filesystem::create_directories(staged.file(modality.name));
    const std::string dir = modality.name + "/";
    io::write_matrix(staged.file(dir + "components.npy").string(), model.components[m]);
    io::write_lines(staged.file(dir + "features.txt").string(), modality.feature_names);
    io::write_text_file(staged.file(dir + "top_features.tsv").string(),
                        top_features_table(model.components[m], modality.feature_names, args.top));
    if (m < model.extra_per_modality.size())
      for (const auto& [file, matrix] : model.extra_per_modality[m])
        io::write_matrix(staged.file(dir + file).string(), matrix);
  }
  // The tf-idf weights learnt from these samples, for new ones (transform).
  for (std::size_t t = 0; t < preprocessing.options.tfidf.size(); ++t) {
    const std::vector<double>& idf = preprocessing.idf[t];
    const DenseMatrix<double> row =
        Eigen::Map<const DenseMatrix<double>>(idf.data(), 1, static_cast<Index>(idf.size()));
    io::write_matrix(staged.file(preprocessing.options.tfidf[t] + "/idf.npy").string(), row);
  }
  io::write_text_file(staged.file("model.json").string(), info.dump(2) + "\n");
  write_staged_report(staged, args.no_report);
  staged.commit();
}

// --write-h5mu: the shared topic proportions in the root obsm, each modality's loadings
// (features × k) in its varm, and model.json's content in uns, under scanpy's names.
void write_h5mu(const std::string& input, const multimodal::MultiModalData& data,
                const TopicModel& model, const json& info, io::AtomicFile& out) {
  io::H5muResults results;
  results.global.obsm.emplace_back("X_nmf", model.sample_topics);
  results.global.uns_key = "nmf";
  results.global.uns_json = info.dump();
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    io::H5adResults modality;
    modality.varm.emplace_back("NMF_components", model.components[m].transpose());
    results.modalities.emplace_back(data.modalities[m].name, std::move(modality));
  }
  io::write_h5mu_with_results(input, results, out);
}

void run_fit(const MultimodalFitArgs& args, const CLI::App& command) {
  if (!args.write_h5mu.empty()) {
    if (args.input.h5mu.empty() || !args.input.modalities.empty())
      throw InvalidArgument("--write-h5mu needs the modalities from one --h5mu file alone");
    if (!args.write_h5mu.ends_with(".h5mu"))
      throw InvalidArgument("--write-h5mu names an .h5mu file, got '" + args.write_h5mu + "'");
  }
  const auto start = std::chrono::steady_clock::now();
  const Progress progress = stderr_progress(args.progress);
  std::vector<std::string> inputs = args.input.paths();
  if (!args.mtm.coordinates.empty()) inputs.push_back(args.mtm.coordinates);
  const std::unique_ptr<io::CheckpointDirectory> checkpoint =
      args.checkpoint.open(command, inputs, args.out);
  multimodal::MultiModalData data = args.input.read();
  check_folder_names(data);
  for (const auto& m : data.modalities)
    progress.message("modality " + m.name + ": " + describe(m.counts));
  const multimodal::FittedPreprocessing preprocessing = args.preprocess.apply(data, progress);
  if (args.top < 1) throw InvalidArgument("--top " + std::to_string(args.top) + ": expected >= 1");
  const TopicModel model =
      resumable(checkpoint.get(), [&] { return fit(args, data, progress, checkpoint.get()); });
  const double seconds = seconds_since(start);
  const json info = model_info(args, data, model, preprocessing, seconds);
  std::optional<io::AtomicFile> h5mu;
  if (!args.write_h5mu.empty()) {
    h5mu.emplace(args.write_h5mu);
    write_h5mu(args.input.h5mu, data, model, info, *h5mu);
  }
  write_model(args, data, model, preprocessing, info);
  if (h5mu) h5mu->commit();
  if (checkpoint) {
    if (checkpoint->resumed())
      std::printf("resumed from the checkpoint in %s\n", checkpoint->path().c_str());
    checkpoint->remove();
  }
  std::printf("%s: %lld topics over %zu modalities of %lld samples in %.2f s; wrote %s\n",
              args.model.c_str(), static_cast<long long>(model.sample_topics.cols()),
              data.modalities.size(), static_cast<long long>(data.n_samples()), seconds,
              args.out.c_str());
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const auto words = text::topic_words(text::top_terms(model.components[m], 5),
                                         data.modalities[m].feature_names);
    std::printf("  %s, topic 0:", data.modalities[m].name.c_str());
    for (const auto& word : words[0]) std::printf(" %s", word.c_str());
    std::printf("\n");
  }
}

}  // namespace

void add_multimodal_command(CLI::App& app) {
  auto* group = app.add_subcommand(
      "multimodal", "Topic models of several modalities of the same samples (RNA + ATAC, ...)");
  group->require_subcommand(1);

  auto args = std::make_shared<MultimodalFitArgs>();
  auto* fit = group->add_subcommand(
      "fit",
      "Fit topics shared by all modalities: a sample × topic matrix and one topic × "
      "feature matrix per modality");
  args->input.add_to(*fit);
  args->preprocess.add_to(*fit);
  fit->add_option("--model", args->model,
                  "joint-nmf (one W shared by every modality), mtm (mTopic's multimodal LDA) "
                  "or smtm (its spatial variant, with --coords)")
      ->check(CLI::IsMember({"joint-nmf", "mtm", "smtm"}))
      ->capture_default_str();
  fit->add_option("--weight", args->weights,
                  "NAME=W, repeated: weight of a modality's loss (joint-nmf; default 1)");
  args->nmf.solver = "auto";
  args->nmf.add_to(*fit, true);
  args->mtm.add_to(*fit);
  fit->add_option("--top", args->top, "top features per topic and modality to list")
      ->capture_default_str();
  fit->add_flag("--progress", args->progress,
                "print each step on stderr (the default on a terminal)");
  fit->add_option("--out", args->out, "output folder")->required();
  fit->add_option("--write-h5mu", args->write_h5mu,
                  "also write a copy of the --h5mu input with the shared topic proportions as "
                  "obsm['X_nmf'], each modality's loadings as mod/NAME varm['NMF_components'] "
                  "and model.json's content as uns['nmf']");
  args->checkpoint.add_to(*fit, /*by_default=*/false);
  add_no_report_flag(*fit, args->no_report);
  fit->callback([args, fit] { run_fit(*args, *fit); });
  add_multimodal_transform_command(*group);
  add_multimodal_select_k_command(*group);
  add_multimodal_filter_command(*group);
}

}  // namespace nmfkit::cli
