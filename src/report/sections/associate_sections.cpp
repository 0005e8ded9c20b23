// `associate`: what was associated with what, and the association table with a search
// box (type a feature's name to see its sources).
#include "nmfkit/report/html_table.hpp"
#include "sections.hpp"

namespace nmfkit::report::detail {

void add_associate_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options) {
  const nlohmann::json j = std::filesystem::exists(dir / "associations.json")
                               ? read_json(dir / "associations.json")
                               : nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> facts;
  for (const char* side : {"target", "source"}) {
    if (!j.contains(side)) continue;
    const auto& s = j[side];
    facts.emplace_back(side, json_text(s.value("input", nlohmann::json())) + " (" +
                                 json_text(s.value("features", nlohmann::json())) + " features, " +
                                 json_text(s.value("topics", nlohmann::json())) + " topics)");
  }
  if (j.contains("mode")) facts.emplace_back("mode", json_text(j["mode"]));
  if (j.contains("table")) {
    for (const auto& [key, value] : j["table"].items()) facts.emplace_back("table " + key, json_text(value));
  }
  if (j.contains("converged_targets")) facts.emplace_back("converged targets", json_text(j["converged_targets"]));
  if (j.contains("targets_without_source")) {
    facts.emplace_back("targets without a source", std::to_string(j["targets_without_source"].size()));
  }
  page.add_section("summary", "Associations", facts_table(facts));

  const TsvTable associations = read_tsv(dir / "associations.tsv", options.max_table_rows);
  page.add_section("table", "Association table",
                   paragraph("Each target feature's source features with their weights (the share of "
                             "the target's topic profile each source explains). Type in the box to "
                             "filter the rows.", "note") +
                       html_table(tsv_table(associations, "associations", options, true)));
}

}  // namespace nmfkit::report::detail
