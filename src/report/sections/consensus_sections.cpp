// `consensus` (cNMF's consensus programs): the run in numbers, the k-selection curves,
// the samples' program usages as a structure plot, each program's top features, and the
// local densities of the replicate spectra against the filter's threshold.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "nmfkit/report/bar_chart.hpp"
#include "nmfkit/report/html_table.hpp"
#include "nmfkit/select/selection_plot.hpp"
#include "sections.hpp"

namespace nmfkit::report::detail {

namespace {

std::vector<std::pair<std::string, std::string>> consensus_facts(const nlohmann::json& j) {
  std::vector<std::pair<std::string, std::string>> facts;
  if (j.contains("input")) facts.emplace_back("input", json_text(j["input"]));
  if (j.contains("matrix")) {
    facts.emplace_back("matrix", json_text(j["matrix"].value("rows", nlohmann::json())) +
                                     " samples × " +
                                     json_text(j["matrix"].value("cols", nlohmann::json())) +
                                     " features");
  }
  for (const char* key : {"k", "replicates", "solver", "seed", "density_threshold", "neighborhood"}) {
    if (j.contains(key)) facts.emplace_back(key, json_text(j[key]));
  }
  if (j.contains("result")) {
    const nlohmann::json& r = j["result"];
    if (r.contains("spectra_kept") && r.contains("spectra_total")) {
      facts.emplace_back("spectra kept", json_text(r["spectra_kept"]) + " of " +
                                             json_text(r["spectra_total"]));
    }
    if (r.contains("silhouette")) facts.emplace_back("silhouette", json_text(r["silhouette"]));
    if (r.contains("relative_error")) facts.emplace_back("relative error", json_text(r["relative_error"]));
  }
  if (j.contains("k_selection") && j["k_selection"].contains("chosen_k")) {
    facts.emplace_back("k chosen by the selection", json_text(j["k_selection"]["chosen_k"]));
  }
  return facts;
}

// A table of samples (first column) × numbers as a matrix.
DenseMatrix<double> numbers_of(const TsvTable& table) {
  DenseMatrix<double> matrix(static_cast<Index>(table.rows.size()),
                             static_cast<Index>(table.header.size()) - 1);
  for (Index i = 0; i < matrix.rows(); ++i) {
    for (Index c = 0; c < matrix.cols(); ++c) {
      matrix(i, c) = std::strtod(table.rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(c + 1)].c_str(), nullptr);
    }
  }
  return matrix;
}

// top_features.tsv (rank × program, feature labels) with each feature's weight in its
// program's spectrum (spectra.tsv, feature × program), as the rows top_term_cards takes
// (programs from 0 there, from 1 in the files).
TsvTable top_features_with_weights(const TsvTable& top, const TsvTable& spectra) {
  std::map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < spectra.rows.size(); ++i) row_of[spectra.rows[i][0]] = i;
  TsvTable table;
  table.header = {"topic", "rank", "feature", "weight"};
  table.path = top.path;
  for (const auto& row : top.rows) {
    for (std::size_t program = 1; program < row.size() && program < spectra.header.size(); ++program) {
      const auto at = row_of.find(row[program]);
      const std::string weight = at == row_of.end() ? "nan" : spectra.rows[at->second][program];
      table.rows.push_back({std::to_string(program - 1), row[0], row[program], weight});
    }
  }
  table.total_rows = table.rows.size();
  return table;
}

// Ten bins from 0 to the largest density; bins past the threshold are drawn grey.
std::string density_histogram(const TsvTable& densities, double threshold) {
  const std::size_t column = densities.column("local_density");
  std::vector<double> values;
  for (const auto& row : densities.rows) values.push_back(std::strtod(row[column].c_str(), nullptr));
  const double top = values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
  constexpr int kBins = 10;
  std::vector<Bar> bars(kBins);
  for (int b = 0; b < kBins; ++b) {
    const double low = top * b / kBins, high = top * (b + 1) / kBins;
    bars[b].label = short_number(low) + " – " + short_number(high);
    bars[b].color = low >= threshold ? "#999999" : "";
  }
  for (const double v : values) {
    const int b = top > 0 ? std::min(kBins - 1, static_cast<int>(v / top * kBins)) : 0;
    bars[b].value += 1;
  }
  BarChartOptions chart;
  chart.title = "replicate spectra per local density";
  chart.width = 420;
  return "<div class=\"chart density\">" + inline_svg(bar_chart_svg(bars, chart)) + "</div>\n";
}

// The k-selection scores back from consensus.json, as select::consensus returned them.
select::Selection selection_of(const nlohmann::json& k_selection) {
  select::Selection selection;
  for (const auto& s : k_selection.at("scores")) {
    select::KScore score;
    score.k = s.at("k").get<Index>();
    score.test_error = score.min_silhouette = std::nan("");  // not computed by consensus
    score.reconstruction_error = json_number_at(s, "reconstruction_error");
    score.cnmf_silhouette = json_number_at(s, "silhouette");
    score.cnmf_error = json_number_at(s, "refit_error");
    score.cophenetic = json_number_at(s, "cophenetic");
    score.dispersion = json_number_at(s, "dispersion");
    selection.scores.push_back(score);
  }
  if (k_selection.contains("chosen_k") && k_selection["chosen_k"].is_number_integer()) {
    selection.cnmf_k = k_selection["chosen_k"].get<Index>();
  }
  return selection;
}

}  // namespace

void add_consensus_sections(HtmlDocument& page, const std::filesystem::path& dir,
                            const ReportOptions& options) {
  namespace fs = std::filesystem;
  const nlohmann::json j = read_json(dir / "consensus.json");
  page.add_section("summary", "Consensus programs (cNMF)", facts_table(consensus_facts(j)));

  if (j.contains("k_selection") && j["k_selection"].contains("scores")) {
    const nlohmann::json& k_selection = j["k_selection"];
    std::string body;
    if (k_selection.contains("rule")) body += paragraph("Rule: " + json_text(k_selection["rule"]), "note");
    body += "<div class=\"chart selection\">" +
            inline_svg(select::selection_plot_svg(selection_of(k_selection))) + "</div>\n";
    if (fs::exists(dir / "k_selection.tsv")) {
      body += html_table(tsv_table(read_tsv(dir / "k_selection.tsv", options.max_table_rows),
                                   "k-scores", options));
    }
    page.add_section("k-selection", "Choosing k: stability and error", body);
  }

  const TsvTable usages = read_tsv(dir / "usages.tsv");
  const std::vector<std::string> programs(usages.header.begin() + 1, usages.header.end());
  page.add_section("structure", "Samples by program",
                   paragraph("Each bar is a sample, stacked from its program usages (its row of "
                             "usages.tsv scaled to sum to one).", "note") +
                       structure_section(numbers_of(usages), {}, programs, "sample", "program", options));

  if (fs::exists(dir / "top_features.tsv") && fs::exists(dir / "spectra.tsv")) {
    const TsvTable top = read_tsv(dir / "top_features.tsv", options.top_words);
    page.add_section("programs", "Top features per program",
                     paragraph("Each program's top features (top_features.tsv) with their weight "
                               "in its spectrum (spectra.tsv).", "note") +
                         top_term_cards(top_features_with_weights(top, read_tsv(dir / "spectra.tsv")),
                                        "feature", options, "program", 1));
  }

  if (fs::exists(dir / "local_density.tsv")) {
    const double threshold = j.contains("density_threshold") ? json_number(j["density_threshold"]) : 2.0;
    page.add_section("density", "Local density of the replicate spectra",
                     paragraph("Spectra whose local density (mean distance to their nearest "
                               "neighbours) is above the threshold, " + short_number(threshold) +
                               ", are left out before the consensus (grey bins).", "note") +
                         density_histogram(read_tsv(dir / "local_density.tsv"), threshold));
  }
}

}  // namespace nmfkit::report::detail
