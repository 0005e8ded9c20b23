// `multimodal fit`: the model in numbers, the samples' shared topic proportions as a
// structure plot, and each modality's top features per topic.
#include "sections.hpp"

namespace nmfkit::report::detail {

void add_multimodal_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options) {
  const nlohmann::json model = read_json(dir / "model.json");
  std::vector<std::pair<std::string, std::string>> facts;
  for (const char* key : {"model", "k", "samples", "n_iter", "converged", "objective", "seed", "seconds"}) {
    if (model.contains(key)) facts.emplace_back(key, json_text(model[key]));
  }
  std::vector<std::string> modalities;
  if (model.contains("modalities")) {
    for (const auto& m : model["modalities"]) {
      const std::string name = m.at("name").get<std::string>();
      modalities.push_back(name);
      facts.emplace_back("modality " + name, json_text(m.value("features", nlohmann::json())) + " features");
    }
  }
  if (model.contains("reconstruction_errors")) {
    for (const auto& [name, value] : model["reconstruction_errors"].items()) {
      facts.emplace_back("reconstruction error " + name, json_text(value));
    }
  }
  page.add_section("summary", "Multi-modal model", facts_table(facts));

  const DenseMatrix<double> proportions = read_dense_npy(dir / "sample_topics.npy");
  page.add_section("structure", "Samples by shared topic",
                   paragraph("Each bar is a sample, stacked from its shared topic proportions (its row of "
                             "sample_topics.npy scaled to sum to one); samples are grouped by their "
                             "dominant topic.", "note") +
                       structure_section(proportions, {}, {}, "sample", "topic", options));

  for (std::size_t m = 0; m < modalities.size(); ++m) {
    const std::filesystem::path table = dir / modalities[m] / "top_features.tsv";
    if (!std::filesystem::exists(table)) continue;
    page.add_section("modality-" + std::to_string(m), "Top features: " + modalities[m],
                     top_term_cards(read_tsv(table), "feature", options));
  }
}

}  // namespace nmfkit::report::detail
