// `cluster`: the partition in numbers, the cluster sizes, a 2-D view of the samples
// (coordinates.tsv: the first two principal components of their topic vectors) coloured
// by cluster, the tuning curves (loss.svg) and the searchable table of assignments.
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "nmfkit/core/error.hpp"
#include "nmfkit/report/bar_chart.hpp"
#include "nmfkit/report/html_table.hpp"
#include "nmfkit/report/palette.hpp"
#include "nmfkit/report/sampling.hpp"
#include "nmfkit/report/scatter_plot.hpp"
#include "sections.hpp"

namespace nmfkit::report::detail {

namespace {

std::vector<std::pair<std::string, std::string>> cluster_facts(const nlohmann::json& s) {
  std::vector<std::pair<std::string, std::string>> facts;
  const auto add = [&](const std::string& name, const nlohmann::json& value) {
    facts.emplace_back(name, json_text(value));
  };
  if (s.contains("samples")) add("samples", s["samples"]);
  if (s.contains("clustered_samples")) add("clustered samples", s["clustered_samples"]);
  if (s.contains("clusters")) add("clusters", s["clusters"]);
  if (s.contains("modularity")) add("modularity", s["modularity"]);
  if (s.contains("parameters")) {
    const auto& p = s["parameters"];
    for (const char* key : {"metric", "neighbors", "steps", "resolution"}) {
      if (p.contains(key)) add(key, p[key]);
    }
  }
  if (s.contains("sources") && s["sources"].contains("embedding")) add("embedding", s["sources"]["embedding"]);
  if (s.contains("label_scores") && s["label_scores"].is_object()) {
    for (const auto& [score, value] : s["label_scores"].items()) add("labels: " + score, value);
  }
  return facts;
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string base64(const std::string& bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto byte = [&](std::size_t j) {
      return j < bytes.size() ? static_cast<unsigned>(static_cast<unsigned char>(bytes[j])) : 0u;
    };
    const unsigned triple = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kDigits[triple >> 18 & 63];
    out += kDigits[triple >> 12 & 63];
    out += i + 1 < bytes.size() ? kDigits[triple >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kDigits[triple & 63] : '=';
  }
  return out;
}

// The 2-D view: points thinned evenly when there are many.
std::string scatter_section(const TsvTable& coordinates, const std::vector<int>& clusters,
                            std::size_t cluster_count, const ReportOptions& options) {
  const std::size_t x = coordinates.column("pc1");
  const std::size_t y = coordinates.column("pc2");
  ScatterPoints points;
  for (const std::size_t i : evenly_spaced_indices(coordinates.rows.size(), options.max_points)) {
    points.x.push_back(std::strtod(coordinates.rows[i][x].c_str(), nullptr));
    points.y.push_back(std::strtod(coordinates.rows[i][y].c_str(), nullptr));
    points.category.push_back(i < clusters.size() ? clusters[i] : -1);
  }
  for (std::size_t c = 0; c < cluster_count; ++c) points.category_names.push_back("cluster " + std::to_string(c));
  ScatterPlotOptions plot;
  plot.title = "samples on the first two principal components";
  plot.x_label = "PC 1";
  plot.y_label = "PC 2";
  plot.radius = points.x.size() > 1000 ? 2 : 3;
  std::string html = "<div class=\"chart scatter\">" + inline_svg(scatter_plot_svg(points, plot)) + "</div>\n";
  if (points.x.size() < coordinates.rows.size()) {
    html += paragraph(std::to_string(points.x.size()) + " of " + std::to_string(coordinates.rows.size()) +
                          " samples are drawn, evenly spaced (the same ones every time).",
                      "note capped");
  }
  return html;
}

}  // namespace

void add_cluster_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options) {
  // cluster's own summary.json, or the "clustering" part of topics --cluster's.
  nlohmann::json summary =
      std::filesystem::exists(dir / "summary.json") ? read_json(dir / "summary.json") : nlohmann::json::object();
  if (summary.contains("clustering")) summary = summary["clustering"];
  page.add_section("cluster-summary", "Clustering", facts_table(cluster_facts(summary)));

  const TsvTable assignments = read_tsv(dir / "clusters.tsv");
  const std::size_t cluster_column = assignments.column("cluster");
  std::vector<int> clusters;
  std::vector<double> sizes;
  std::size_t unclustered = 0;
  for (const auto& row : assignments.rows) {
    const int c = static_cast<int>(std::strtol(row[cluster_column].c_str(), nullptr, 10));
    clusters.push_back(c);
    if (c < 0) {
      ++unclustered;
      continue;
    }
    if (static_cast<std::size_t>(c) >= sizes.size()) sizes.resize(static_cast<std::size_t>(c) + 1, 0);
    sizes[static_cast<std::size_t>(c)] += 1;
  }
  std::vector<Bar> bars;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    bars.push_back({"cluster " + std::to_string(c), sizes[c], category_color(c)});
  }
  BarChartOptions chart;
  chart.title = "samples per cluster";
  chart.width = 420;
  std::string body = "<div class=\"chart sizes\">" + inline_svg(bar_chart_svg(bars, chart)) + "</div>\n";
  if (unclustered > 0) {
    body += paragraph(std::to_string(unclustered) + " samples with an all-zero embedding are in no cluster.", "note");
  }
  page.add_section("cluster-sizes", "Cluster sizes", body);

  if (std::filesystem::exists(dir / "coordinates.tsv")) {
    page.add_section("cluster-samples", "Samples in two dimensions",
                     scatter_section(read_tsv(dir / "coordinates.tsv"), clusters, sizes.size(), options));
  } else {
    page.add_section("cluster-samples", "Samples in two dimensions",
                     paragraph("No coordinates.tsv in this folder (a cluster run of an older "
                               "nmfkit): run cluster again to see the samples.", "note"));
  }
  if (std::filesystem::exists(dir / "loss.svg")) {
    page.add_section("cluster-tuning", "Tuning",
                     paragraph("The noise2self loss that chose the neighbour count and Leiden's resolution.", "note") +
                         // As an image, not inline: a file of the folder never runs script in the page.
                         "<div class=\"chart tuning\"><img alt=\"tuning curves\" src=\"data:image/svg+xml;base64," +
                         base64(file_text(dir / "loss.svg")) + "\"></div>\n");
  }
  page.add_section("cluster-assignments", "Samples and their clusters",
                   html_table(tsv_table(assignments, "assignments", options, true)));
}

}  // namespace nmfkit::report::detail
