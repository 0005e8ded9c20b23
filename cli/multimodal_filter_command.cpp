// `nmfkit multimodal filter --modality ... --out DIR`: mTopic's feature filtering. A topic
// model fitted to permuted ("null") data, where no feature carries real structure, still
// gives a few features most of the topic mass; those before the knee of the sorted curve
// are over-represented and are dropped from the real data. Each filtered modality is
// written as a folder that `--modality NAME=DIR` reads back.

#include <cstdio>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "multimodal_input.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/multimodal/knee.hpp"
#include "nmfkit/multimodal/preprocess.hpp"

namespace nmfkit::cli {

namespace {

using nlohmann::json;

struct MultimodalFilterArgs {
  ModalityFlags input;
  PreprocessFlags preprocess;
  MtmFlags mtm;
  int k = 10;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool sparse_permutation = false;
  double sensitivity = 5;
  bool progress = false;
  std::string out;
};

void run(const MultimodalFilterArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const Progress progress = stderr_progress(args.progress);
  multimodal::MultiModalData data = args.input.read();
  data.validate_non_negative();
  const auto options = args.mtm.options(args.k, args.seed, args.threads);
  multimodal::KneeOptions knee;
  knee.sensitivity = args.sensitivity;
  knee.validate();

  // mTopic's workflow: permute, preprocess, fit MTM on the null data, knee per modality.
  multimodal::PermuteOptions permute;
  permute.seed = options.seed;
  permute.sparse_mode = args.sparse_permutation;
  multimodal::MultiModalData null_data = multimodal::permute(data, permute);
  progress.message("null data: " + std::to_string(null_data.n_samples()) + " samples");
  args.preprocess.apply(null_data, progress);
  const auto model = multimodal::fit_vi(null_data, options, args.mtm.iterations, progress);

  json modalities = json::array();
  std::vector<std::vector<std::string>> dropped(data.modalities.size());
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const auto& null_names = null_data.modalities[m].feature_names;
    std::vector<std::string> kept;
    for (Index j : multimodal::filter_features_knee(model.lambda[m], knee))
      kept.push_back(null_names[static_cast<std::size_t>(j)]);
    // Features empty in the null data (all-zero ones) have no topic weight and go too.
    const std::vector<std::string> before = data.modalities[m].feature_names;
    multimodal::keep_features_named(data, data.modalities[m].name, kept);
    std::set<std::string> kept_set(kept.begin(), kept.end());
    for (const auto& name : before)
      if (!kept_set.contains(name)) dropped[m].push_back(name);
    modalities.push_back({{"name", data.modalities[m].name},
                          {"features", before.size()},
                          {"kept", kept.size()},
                          {"dropped", dropped[m].size()}});
    progress.message("modality " + data.modalities[m].name + ": kept " +
                     std::to_string(kept.size()) + " of " + std::to_string(before.size()));
  }

  io::ResultFolder staged(args.out, "multimodal filter");
  std::vector<std::string> documents{"document"};
  documents.insert(documents.end(), data.sample_names.begin(), data.sample_names.end());
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const auto& modality = data.modalities[m];
    const std::string dir = modality.name + "/";
    std::filesystem::create_directories(staged.file(modality.name));
    io::write_matrix(staged.file(dir + "X.mtx").string(), modality.counts);
    io::write_lines(staged.file(dir + "vocabulary.txt").string(), modality.feature_names);
    io::write_lines(staged.file(dir + "documents.tsv").string(), documents);
    io::write_lines(staged.file(dir + "dropped.txt").string(), dropped[m]);
  }
  const double seconds = seconds_since(start);
  json summary = {{"modalities", modalities},      {"sensitivity", args.sensitivity},
                  {"k", args.k},                   {"iterations", args.mtm.iterations},
                  {"seed", options.seed},          {"sparse_permutation", args.sparse_permutation},
                  {"null_samples", null_data.n_samples()}, {"seconds", seconds}};
  io::write_text_file(staged.file("summary.json").string(), summary.dump(2) + "\n");
  staged.commit();

  for (const auto& m : modalities)
    std::printf("%s: kept %lld of %lld features (%lld over-represented or empty dropped)\n",
                m["name"].get<std::string>().c_str(), m["kept"].get<long long>(),
                m["features"].get<long long>(), m["dropped"].get<long long>());
  std::printf("wrote %s in %.2f s\n", args.out.c_str(), seconds);
}

}  // namespace

void add_multimodal_filter_command(CLI::App& group) {
  auto args = std::make_shared<MultimodalFilterArgs>();
  auto* command = group.add_subcommand(
      "filter", "Drop over-represented features, as mTopic: MTM on permuted data, then the knee");
  args->input.add_to(*command);
  args->preprocess.add_to(*command);
  args->mtm.iterations = 30;
  args->mtm.add_to(*command);
  command->add_option("--k", args->k, "topics of the null model")->capture_default_str();
  command->add_option("--seed", args->seed, "permutation and start (default: mTopic's 2291)");
  command->add_option("--threads", args->threads, "threads; 0: all cores");
  command->add_flag("--sparse-permutation", args->sparse_permutation,
                    "shuffle values only among each feature's non-zero samples");
  command
      ->add_option("--sensitivity", args->sensitivity,
                   "the knee's sensitivity S (mTopic's knee_sensitivity); <= 0 keeps all")
      ->capture_default_str();
  command->add_flag("--progress", args->progress, "print each step on stderr (default on a terminal)");
  command->add_option("--out", args->out,
                      "output folder: one folder per modality (X.mtx, vocabulary.txt, "
                      "documents.tsv, dropped.txt), readable by --modality NAME=DIR")
      ->required();
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
