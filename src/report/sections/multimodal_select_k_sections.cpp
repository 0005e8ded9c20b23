// `multimodal select-k` (mTopic's held-out likelihood): the chosen number of topics and the
// curve behind it, the mean score per K, and every fold's scores.
#include "nmfkit/multimodal/topic_number.hpp"
#include "nmfkit/report/html_table.hpp"
#include "sections.hpp"

namespace nmfkit::report::detail {

void add_multimodal_select_k_sections(HtmlDocument& page, const std::filesystem::path& dir,
                                      const ReportOptions& options) {
  const nlohmann::json j = read_json(dir / "summary.json");
  std::vector<std::pair<std::string, std::string>> facts;
  for (const char* key : {"model", "folds", "iterations", "plateau_threshold", "seconds"}) {
    if (j.contains(key)) facts.emplace_back(key, json_text(j[key]));
  }
  if (j.contains("curve") && j["curve"].contains("r2")) {
    facts.emplace_back("curve r²", json_text(j["curve"]["r2"]));
  }
  const std::string chosen = j.contains("best_k") ? json_text(j["best_k"]) : "?";
  facts.emplace_back("chosen k", chosen);
  page.add_section("summary", "Chosen number of topics: " + chosen,
                   facts_table(facts) +
                       paragraph("The mean held-out log-likelihood over the folds per K; the "
                                 "chosen K is where a rational curve fitted through it "
                                 "flattens to the plateau threshold of its steepest slope "
                                 "(mTopic's rule), so it need not be a candidate.", "note"));

  std::vector<int> ks;
  std::vector<double> means;
  if (j.contains("ks") && j.contains("mean_log_likelihood")) {
    for (const auto& k : j["ks"]) ks.push_back(k.get<int>());
    for (const auto& m : j["mean_log_likelihood"]) means.push_back(json_number(m));
  }
  HtmlTable mean_table;
  mean_table.id = "means";
  mean_table.header = {"k", "mean held-out log-likelihood"};
  for (std::size_t i = 0; i < ks.size() && i < means.size(); ++i) {
    mean_table.rows.push_back({std::to_string(ks[i]), short_number(means[i])});
  }
  mean_table.total_rows = mean_table.rows.size();
  const int best = j.contains("best_k") && j["best_k"].is_number_integer() ? j["best_k"].get<int>() : 0;
  page.add_section("curve", "Held-out log-likelihood",
                   "<div class=\"chart selection\" data-chosen-k=\"" + escape_html(chosen) + "\">" +
                       inline_svg(multimodal::held_out_likelihood_plot_svg(ks, means, best)) +
                       "</div>\n" + html_table(mean_table));

  const TsvTable scores = read_tsv(dir / "scores.tsv", options.max_table_rows);
  page.add_section("scores", "Scores per fold, K and modality",
                   html_table(tsv_table(scores, "scores", options)));
}

}  // namespace nmfkit::report::detail
