#include "nmfkit/multimodal/data.hpp"

#include <set>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"

namespace nmfkit::multimodal {

const Modality& MultiModalData::modality(const std::string& name) const {
  std::string known;
  for (const auto& m : modalities) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw InvalidArgument("no modality named '" + name + "' (the data has: " + known + ")");
}

void MultiModalData::validate() const {
  if (modalities.empty()) throw InvalidArgument("multi-modal data needs at least one modality");
  std::set<std::string> seen;
  for (const auto& m : modalities) {
    if (m.name.empty()) throw InvalidArgument("a modality has an empty name");
    if (!seen.insert(m.name).second)
      throw InvalidArgument("two modalities are named '" + m.name + "'");
    if (m.counts.rows() != n_samples())
      throw InvalidArgument("modality '" + m.name + "' has " + std::to_string(m.counts.rows()) +
                            " samples (rows) but the data has " + std::to_string(n_samples()));
    if (static_cast<Index>(m.feature_names.size()) != m.counts.cols())
      throw InvalidArgument("modality '" + m.name + "' has " + std::to_string(m.counts.cols()) +
                            " features (columns) but " + std::to_string(m.feature_names.size()) +
                            " feature names");
  }
}

void MultiModalData::validate_non_negative() const {
  validate();
  for (const auto& m : modalities)
    require_finite_nonnegative(m.counts, "modality '" + m.name + "'");
}

}  // namespace nmfkit::multimodal
