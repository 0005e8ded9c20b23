#pragma once
// Modalities read from separate sources, assembled into one MultiModalData: the names every
// modality's features and the shared samples get when a source has none, and the check that
// every source that names its samples names the same ones in the same order. Shared by
// `nmfkit multimodal ...` (files) and Python's nmfkit.MultimodalTopics (arrays, DataFrames,
// AnnData).

#include <optional>
#include <string>
#include <vector>

#include "nmfkit/multimodal/data.hpp"

namespace nmfkit::multimodal {

struct ModalitySource {
  Modality modality;  // feature_names empty: NAME_0, NAME_1, ...
  std::optional<std::vector<std::string>> sample_names;  // when the source carries them
  std::string origin;  // names the source in error messages (a file, "modality 'rna'")
};

// samples: names given for every modality (with `samples_origin` for errors); without them
// the first source that names its samples gives them, else sample_0, sample_1, ... Throws
// InvalidArgument for samples that differ between sources and for what
// MultiModalData::validate rejects.
MultiModalData assemble(std::vector<ModalitySource> sources,
                        std::optional<std::vector<std::string>> samples = {},
                        const std::string& samples_origin = "");

}  // namespace nmfkit::multimodal
