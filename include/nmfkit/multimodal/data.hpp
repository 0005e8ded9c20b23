#pragma once
// Several modalities measured on the same samples: one matrix per modality, all with the
// same rows (samples) in the same order, each with its own features (genes, peaks, the
// words of a subject line, ...).

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::multimodal {

struct Modality {
  std::string name;                        // "rna", "atac", "subject", ...
  AnyMatrix counts;                        // samples × features, dense or CSR
  std::vector<std::string> feature_names;  // one per column
};

struct MultiModalData {
  std::vector<std::string> sample_names;  // one per row, shared by every modality
  std::vector<Modality> modalities;

  Index n_samples() const { return static_cast<Index>(sample_names.size()); }
  // Throws InvalidArgument naming the modality and listing the known names.
  const Modality& modality(const std::string& name) const;
  // Throws InvalidArgument when there is no modality, two share a name, a matrix's row
  // count differs from the number of samples, or a feature-name count differs from its
  // column count.
  void validate() const;
  // validate(), then throws InvalidArgument naming the modality and the first entry that
  // is NaN, infinite or negative (every model here needs non-negative data).
  void validate_non_negative() const;
};

}  // namespace nmfkit::multimodal
