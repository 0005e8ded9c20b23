#include <algorithm>
#include <cmath>
#include <map>

#include "nmfkit/report/bar_chart.hpp"
#include "nmfkit/report/line_plot.hpp"
#include "nmfkit/report/palette.hpp"
#include "nmfkit/report/structure_plot.hpp"
#include "sections.hpp"

namespace nmfkit::report::detail {

std::string convergence_plot(const nlohmann::json& model) {
  const nlohmann::json* history = model.contains("history") ? &model["history"] : nullptr;
  if (history == nullptr || !history->contains("objective") || (*history)["objective"].empty()) {
    return paragraph("No convergence history was recorded for this fit.", "note");
  }
  PlotSeries series;
  series.label = "objective";
  series.show_points = (*history)["objective"].size() <= 200;
  bool positive = true;
  for (const auto& value : (*history)["objective"]) {
    series.x.push_back(static_cast<double>(series.x.size() + 1));
    series.y.push_back(json_number(value));
    if (std::isfinite(series.y.back()) && series.y.back() <= 0) positive = false;
  }
  LinePlotOptions options;
  options.title = "objective per iteration";
  options.x_label = "iteration";
  options.y_label = positive ? "objective (log scale)" : "objective";
  options.log_y = positive;
  options.width = 720;
  options.height = 360;
  return "<div class=\"chart convergence\">" + inline_svg(line_plot_svg({series}, options)) + "</div>\n";
}

namespace {

struct TopicTerms {
  std::vector<Bar> bars;
};

std::map<long long, TopicTerms> terms_by_topic(const TsvTable& table, const std::string& term_column,
                                               std::size_t per_topic) {
  const std::size_t topic = table.column("topic");
  const std::size_t term = table.column(term_column);
  const std::size_t weight = table.column("weight");
  std::map<long long, TopicTerms> topics;
  for (const auto& row : table.rows) {
    auto& entry = topics[std::strtoll(row[topic].c_str(), nullptr, 10)];
    if (entry.bars.size() < per_topic) {
      entry.bars.push_back({row[term], std::strtod(row[weight].c_str(), nullptr), ""});
    }
  }
  return topics;
}

}  // namespace

std::string top_term_cards(const TsvTable& table, const std::string& term_column,
                           const ReportOptions& options, const std::string& part,
                           long long first_number) {
  const auto topics = terms_by_topic(table, term_column, options.top_words);
  std::string html = "<div class=\"cards top-terms\">\n";
  std::size_t drawn = 0;
  for (const auto& [topic, terms] : topics) {
    if (drawn++ >= options.max_topics) break;
    BarChartOptions chart;
    chart.title = part + " " + std::to_string(topic + first_number);
    chart.color = category_color(static_cast<std::size_t>(std::max(0LL, topic)));
    html += "<div class=\"card topic\" data-topic=\"" + std::to_string(topic) + "\">" +
            inline_svg(bar_chart_svg(terms.bars, chart)) + "</div>\n";
  }
  html += "</div>\n";
  if (topics.size() > options.max_topics) {
    html += paragraph("The first " + std::to_string(options.max_topics) + " of " +
                          std::to_string(topics.size()) + " " + part + "s are drawn; " +
                          std::filesystem::path(table.path).filename().string() + " lists them all.",
                      "note capped");
  }
  return html;
}

std::vector<std::string> topic_names(const TsvTable& table, const std::string& term_column,
                                     std::size_t topics) {
  const auto terms = terms_by_topic(table, term_column, 3);
  std::vector<std::string> names;
  for (std::size_t t = 0; t < topics; ++t) {
    std::string name = "topic " + std::to_string(t);
    const auto at = terms.find(static_cast<long long>(t));
    if (at != terms.end()) {
      name += ":";
      for (const auto& bar : at->second.bars) name += " " + bar.label;
    }
    names.push_back(name);
  }
  return names;
}

HtmlTable tsv_table(const TsvTable& tsv, const std::string& id, const ReportOptions& options,
                    bool searchable) {
  HtmlTable table;
  table.id = id;
  table.header = tsv.header;
  const std::size_t shown = std::min(tsv.rows.size(), options.max_table_rows);
  table.rows.assign(tsv.rows.begin(), tsv.rows.begin() + static_cast<std::ptrdiff_t>(shown));
  table.total_rows = tsv.total_rows;
  table.source = std::filesystem::path(tsv.path).filename().string();
  table.searchable = searchable;
  table.max_rows = options.max_table_rows;
  return table;
}

std::string structure_section(const DenseMatrix<double>& proportions,
                              const std::vector<std::string>& groups, std::vector<std::string> names,
                              const std::string& what, const std::string& part,
                              const ReportOptions& options) {
  if (names.empty()) {
    for (Index t = 0; t < proportions.cols(); ++t) names.push_back(part + " " + std::to_string(t));
  }
  StructurePlotOptions plot;
  plot.title = part + " proportions of each " + what + (groups.empty() ? ", grouped by dominant " + part : "");
  plot.max_documents = options.max_documents;
  std::string html = "<div class=\"chart structure\">" +
                     inline_svg(structure_plot_svg(proportions, groups, names, plot)) + "</div>\n";
  const auto n = static_cast<std::size_t>(proportions.rows());
  if (options.max_documents != 0 && n > options.max_documents) {
    html += paragraph(std::to_string(options.max_documents) + " of " + std::to_string(n) + " " + what +
                          "s are drawn, evenly spaced in the sorted order (the same ones every time).",
                      "note capped");
  }
  return html;
}

}  // namespace nmfkit::report::detail
