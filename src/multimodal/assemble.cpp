#include "nmfkit/multimodal/assemble.hpp"

#include "nmfkit/core/error.hpp"

namespace nmfkit::multimodal {

namespace {

std::vector<std::string> numbered(const std::string& prefix, Index n) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

void check_same_samples(const std::vector<std::string>& expected, const std::string& expected_from,
                        const std::vector<std::string>& found, const std::string& found_from) {
  if (found.size() != expected.size())
    throw InvalidArgument(found_from + " has " + std::to_string(found.size()) + " samples but " +
                          expected_from + " has " + std::to_string(expected.size()));
  for (std::size_t i = 0; i < found.size(); ++i)
    if (found[i] != expected[i])
      throw InvalidArgument(found_from + " names sample " + std::to_string(i) + " '" + found[i] +
                            "' but " + expected_from + " names it '" + expected[i] +
                            "': the modalities must list the same samples in the same order");
}

}  // namespace

MultiModalData assemble(std::vector<ModalitySource> sources,
                        std::optional<std::vector<std::string>> samples,
                        const std::string& samples_origin) {
  MultiModalData data;
  std::string samples_from;
  if (samples) {
    data.sample_names = std::move(*samples);
    samples_from = samples_origin;
  }
  for (auto& source : sources) {
    auto& m = source.modality;
    if (m.feature_names.empty()) m.feature_names = numbered(m.name + "_", m.counts.cols());
    if (source.sample_names) {
      if (samples_from.empty()) {
        data.sample_names = *source.sample_names;
        samples_from = source.origin;
      } else {
        check_same_samples(data.sample_names, samples_from, *source.sample_names, source.origin);
      }
    }
    data.modalities.push_back(std::move(m));
  }
  if (samples_from.empty() && !data.modalities.empty())
    data.sample_names = numbered("sample_", data.modalities[0].counts.rows());
  data.validate();
  return data;
}

}  // namespace nmfkit::multimodal
