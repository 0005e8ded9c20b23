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
  for (const auto& m : modalities) {
    const MatrixSummary summary = summarize(m.counts);
    const auto where = [](const EntryLocation& at) {
      return "(sample " + std::to_string(at.row) + ", feature " + std::to_string(at.col) + ")";
    };
    const std::string prefix = "modality '" + m.name + "' ";
    if (summary.first_nan)
      throw InvalidArgument(prefix + "contains NaN at " + where(*summary.first_nan));
    if (summary.first_inf)
      throw InvalidArgument(prefix + "contains infinity at " + where(*summary.first_inf));
    if (summary.first_negative)
      throw InvalidArgument(prefix + "has negative values (" +
                            std::to_string(summary.negative_count) + ", the first at " +
                            where(*summary.first_negative) + "); the model needs values >= 0");
  }
}

}  // namespace nmfkit::multimodal
