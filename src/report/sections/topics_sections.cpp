// `topics`: the corpus and fit in numbers, the top words of each topic, the documents'
// topic proportions as a structure plot grouped by label, and the convergence.
#include <set>

#include "sections.hpp"

namespace nmfkit::report::detail {

namespace {

std::vector<std::pair<std::string, std::string>> topic_facts(const nlohmann::json& summary) {
  std::vector<std::pair<std::string, std::string>> facts;
  const auto add = [&](const std::string& name, const nlohmann::json& value) {
    facts.emplace_back(name, json_text(value));
  };
  if (summary.contains("corpus")) add("corpus", summary["corpus"]);
  if (summary.contains("documents")) add("documents", summary["documents"]);
  if (summary.contains("matrix")) {
    const auto& m = summary["matrix"];
    if (m.contains("cols")) add("terms", m["cols"]);
    if (m.contains("weighting")) add("weighting", m["weighting"]);
  }
  if (summary.contains("k")) add("topics (k)", summary["k"]);
  if (summary.contains("model")) add("model", summary["model"]);
  if (summary.contains("n_iter")) add("iterations", summary["n_iter"]);
  if (summary.contains("converged")) add("converged", summary["converged"]);
  if (summary.contains("reconstruction_error")) add("reconstruction error", summary["reconstruction_error"]);
  if (summary.contains("coherence")) {
    for (const auto& [measure, value] : summary["coherence"].items()) {
      if (value.contains("mean")) add("coherence " + measure + " (mean)", value["mean"]);
    }
  }
  if (summary.contains("topic_diversity")) add("topic diversity", summary["topic_diversity"]);
  if (summary.contains("label_scores") && summary["label_scores"].is_object()) {
    for (const auto& [score, value] : summary["label_scores"].items()) add("labels: " + score, value);
  }
  return facts;
}

}  // namespace

void add_topics_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options) {
  const nlohmann::json model = read_json(dir / "model.json");
  const nlohmann::json summary =
      std::filesystem::exists(dir / "summary.json") ? read_json(dir / "summary.json") : nlohmann::json::object();
  page.add_section("summary", "Topic model", facts_table(topic_facts(summary)));

  const TsvTable topics = read_tsv(dir / "topics.tsv");
  page.add_section("topics", "Top words per topic",
                   paragraph("Each topic's words by their weight in the topic (its row of H).", "note") +
                       top_term_cards(topics, "term", options));

  // Topic proportions: written by topics since the multinomial view; else W's rows.
  const std::filesystem::path proportions_file = std::filesystem::exists(dir / "topic_proportions.npy")
                                                     ? dir / "topic_proportions.npy"
                                                     : dir / model["files"]["W"].get<std::string>();
  const DenseMatrix<double> proportions = read_dense_npy(proportions_file);
  std::vector<std::string> labels;
  if (std::filesystem::exists(dir / "documents.tsv")) {
    const TsvTable documents = read_tsv(dir / "documents.tsv");
    if (documents.has_column("label")) {
      const std::size_t column = documents.column("label");
      for (const auto& row : documents.rows) labels.push_back(row[column]);
    }
  }
  // One label for all (or none) groups nothing: group by dominant topic then.
  const std::set<std::string> distinct(labels.begin(), labels.end());
  if (distinct.size() < 2 || static_cast<Index>(labels.size()) != proportions.rows()) labels.clear();
  const auto names = topic_names(topics, "term", static_cast<std::size_t>(proportions.cols()));
  page.add_section("structure", "Documents by topic",
                   paragraph(labels.empty()
                                 ? "Each bar is a document, stacked from its topic proportions; "
                                   "documents are grouped by their dominant topic."
                                 : "Each bar is a document, stacked from its topic proportions; "
                                   "documents are grouped by their label and sorted within it.",
                             "note") +
                       structure_section(proportions, labels, names, "document", "topic", options));
  page.add_section("convergence", "Convergence", convergence_plot(model));
}

}  // namespace nmfkit::report::detail
