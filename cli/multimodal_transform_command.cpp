// `nmfkit multimodal transform MODEL_DIR --modality NAME=SOURCE ... --out FILE`: the shared
// topic proportions of new samples under a fitted multi-modal model, their modalities
// preprocessed as the fit's were (multimodal/topic_model.hpp, transform_topics).

#include <cstdio>

#include "command.hpp"
#include "common.hpp"
#include "multimodal_input.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/multimodal_model.hpp"

namespace nmfkit::cli {

namespace {

struct MultimodalTransformArgs {
  std::string model;
  ModalityFlags input;
  std::string out;
  int threads = 0;
  bool progress = false;
};

void run(const MultimodalTransformArgs& args) {
  io::MultimodalModel model = io::load_multimodal_model(args.model);
  model.options.joint.nmf.n_threads = args.threads;
  model.options.mtm.n_threads = args.threads;
  multimodal::MultiModalData data = args.input.read();
  const Index samples = data.n_samples();
  const DenseMatrix<double> topics = multimodal::transform_topics(
      model.topics, model.options, std::move(data), model.preprocessing,
      stderr_progress(args.progress));
  io::write_matrix(args.out, AnyMatrix(topics));
  std::printf("multimodal transform: %lld samples with the %lld topics of %s (%s)\n",
              static_cast<long long>(samples), static_cast<long long>(topics.cols()),
              args.model.c_str(), multimodal::to_string(model.options.model).c_str());
  std::printf("wrote %s: sample topics (%s)\n", args.out.c_str(),
              shape_text(topics.rows(), topics.cols()).c_str());
}

}  // namespace

void add_multimodal_transform_command(CLI::App& multimodal_group) {
  auto args = std::make_shared<MultimodalTransformArgs>();
  auto* command = multimodal_group.add_subcommand(
      "transform",
      "Topic proportions of new samples with a fitted model's topics fixed, their "
      "modalities preprocessed as the fit's were (joint-nmf: the W of the fit's solver; "
      "mtm, smtm: the held-out E-step)");
  command->add_option("MODEL_DIR", args->model, "folder written by `nmfkit multimodal fit`")
      ->required();
  args->input.add_to(*command);
  command->add_option("--out", args->out, "output file for the samples × topics matrix: .npy, "
                                          ".csv or .tsv")
      ->required();
  command->add_option("--threads", args->threads, "threads; 0: one per free core")
      ->capture_default_str();
  command->add_flag("--progress", args->progress,
                    "print each step on stderr (the default on a terminal)");
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
