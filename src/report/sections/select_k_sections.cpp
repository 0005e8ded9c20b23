// `select-k`: the chosen k and why, the selection curves with each method's choice
// marked (select::selection_plot_svg, the same plot as selection.svg), the scores table.
#include <cmath>
#include <optional>

#include "nmfkit/report/html_table.hpp"
#include "nmfkit/select/selection_plot.hpp"
#include "sections.hpp"

namespace nmfkit::report::detail {

namespace {

// The scores and choices back from selection.json, as select_k returned them.
select::Selection selection_of(const nlohmann::json& j) {
  select::Selection selection;
  for (const auto& s : j.at("scores")) {
    select::KScore score;
    score.k = s.at("k").get<Index>();
    score.test_error = json_number_at(s, "test_error");
    score.test_error_se = json_number_at(s, "test_error_se");
    score.train_error = json_number_at(s, "train_error");
    score.min_silhouette = json_number_at(s, "min_silhouette");
    score.mean_silhouette = json_number_at(s, "mean_silhouette");
    score.cophenetic = json_number_at(s, "cophenetic");
    score.dispersion = json_number_at(s, "dispersion");
    score.cnmf_silhouette = json_number_at(s, "cnmf_silhouette");
    score.cnmf_error = json_number_at(s, "cnmf_error");
    score.reconstruction_error = json_number_at(s, "reconstruction_error");
    score.seconds = json_number_at(s, "seconds");
    selection.scores.push_back(score);
  }
  if (j.contains("chosen_k")) {
    const auto& chosen = j["chosen_k"];
    const auto k_of = [&](const char* method) -> std::optional<Index> {
      if (chosen.contains(method) && chosen[method].is_number_integer()) return chosen[method].get<Index>();
      return std::nullopt;
    };
    selection.cv_k = k_of("cv");
    selection.stability_k = k_of("stability");
    selection.consensus_k = k_of("consensus");
    selection.cnmf_k = k_of("cnmf");
  }
  if (j.contains("k_chosen") && j["k_chosen"].is_number_integer()) selection.chosen_k = j["k_chosen"].get<Index>();
  return selection;
}

}  // namespace

void add_select_k_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options) {
  const nlohmann::json j = read_json(dir / "selection.json");
  std::vector<std::pair<std::string, std::string>> facts;
  if (j.contains("input")) facts.emplace_back("input", json_text(j["input"]));
  if (j.contains("matrix")) {
    facts.emplace_back("matrix", json_text(j["matrix"].value("rows", nlohmann::json())) + " × " +
                                     json_text(j["matrix"].value("cols", nlohmann::json())));
  }
  if (j.contains("method")) facts.emplace_back("method", json_text(j["method"]));
  if (j.contains("k")) facts.emplace_back("k searched", json_text(j["k"]));
  if (j.contains("k_chosen")) facts.emplace_back("chosen k", json_text(j["k_chosen"]));
  if (j.contains("chosen_k")) {
    for (const auto& [method, k] : j["chosen_k"].items()) facts.emplace_back("chosen by " + method, json_text(k));
  }
  if (j.contains("agreement")) facts.emplace_back("agreement", json_text(j["agreement"]));
  std::string body = facts_table(facts);
  if (j.contains("rule") && j["rule"].contains("chosen")) {
    body += paragraph("Rule: " + json_text(j["rule"]["chosen"]), "note");
  }
  const std::string chosen = j.contains("k_chosen") ? json_text(j["k_chosen"]) : "?";
  page.add_section("summary", "Chosen k: " + chosen, body);

  const select::Selection selection = selection_of(j);
  page.add_section("curves", "Selection curves",
                   paragraph("The scores per k; grey vertical lines mark each method's choice.", "note") +
                       "<div class=\"chart selection\" data-chosen-k=\"" + escape_html(chosen) + "\">" +
                       inline_svg(select::selection_plot_svg(selection)) + "</div>\n");

  if (std::filesystem::exists(dir / "selection.tsv")) {
    const TsvTable scores = read_tsv(dir / "selection.tsv", options.max_table_rows);
    page.add_section("scores", "Scores per k", html_table(tsv_table(scores, "scores", options)));
  }
}

}  // namespace nmfkit::report::detail
