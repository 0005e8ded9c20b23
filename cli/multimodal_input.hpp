#pragma once
// Flags that name the modalities of `nmfkit multimodal ...` and read them into one
// MultiModalData: matrix files (with optional name files), folders written by
// `nmfkit vectorize`, AnnData .h5ad files and MuData .h5mu files.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nmfkit/multimodal/data.hpp"

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
};

// "NAME=VALUE" split at the first '='; `flag` names the option in the error.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& flag);

}  // namespace nmfkit::cli
