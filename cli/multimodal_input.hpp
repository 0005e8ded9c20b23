#pragma once
// What every `nmfkit multimodal ...` command shares: the flags that name the modalities
// and read them into one MultiModalData (matrix files with optional name files, folders
// written by `nmfkit vectorize`, AnnData .h5ad and MuData .h5mu files), mTopic's
// preprocessing flags, the MTM model flags, and step lines on stderr.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nmfkit/core/progress.hpp"
#include "nmfkit/multimodal/data.hpp"
#include "nmfkit/multimodal/mtm.hpp"
#include "nmfkit/multimodal/topic_model.hpp"

namespace nmfkit::cli {

struct ModalityFlags {
  std::vector<std::string> modalities;  // NAME=SOURCE
  std::vector<std::string> features;    // NAME=FILE, one feature name per line
  std::string samples;                  // FILE, one sample name per line
  std::string h5mu;                     // every modality of a MuData file

  void add_to(CLI::App& command);
  // Throws InvalidArgument (bad flags, samples that differ between sources), IoError or
  // FormatError (unreadable files).
  multimodal::MultiModalData read() const;
  // Every file or folder the flags name (for a checkpoint's fingerprint).
  std::vector<std::string> paths() const;
};

// mTopic's preprocessing, in mTopic's order: tf-idf or CLR per modality, then equal mass.
struct PreprocessFlags {
  std::vector<std::string> tfidf;  // modality names
  std::vector<std::string> clr;
  double scale_counts = 0;  // total per sample; 0: off

  void add_to(CLI::App& command);
  // Throws InvalidArgument for unknown modalities, one named twice, or a bad total.
  // Returns what the preprocessing learnt, for transform.
  multimodal::FittedPreprocessing apply(multimodal::MultiModalData& data,
                                        const Progress& progress) const;
};

// mTopic's MTM and sMTM: priors, E-step limits, SVI schedule, spatial neighbourhoods.
struct MtmFlags {
  int iterations = 20;
  double alpha = 0;
  double eta = 0.01;
  int max_iter_d = 100;
  double gamma_tol = 1e-4;
  bool svi = false;
  multimodal::SviOptions svi_options;
  std::string coordinates;  // sMTM: a samples × 2 matrix file
  multimodal::SpatialOptions spatial;

  void add_to(CLI::App& command);
  // seed: the run's --seed, or mTopic's 2291 when unset.
  multimodal::MtmOptions options(int n_topics, std::optional<std::uint64_t> seed,
                                 int threads) const;
  DenseMatrix<double> read_coordinates(Index n_samples) const;
};

// "NAME=VALUE" split at the first '='; `flag` names the option in the error.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& flag);

}  // namespace nmfkit::cli
