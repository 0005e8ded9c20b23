#pragma once
// Internal to the report: the sections each kind of result folder gets, one file per kind,
// and the parts several kinds share (convergence curve, top-term bars, structure plot).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../result_files.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/report/html_document.hpp"
#include "nmfkit/report/html_table.hpp"
#include "nmfkit/report/result_report.hpp"

namespace nmfkit::report::detail {

void add_fit_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_topics_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_select_k_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_cluster_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_multimodal_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_associate_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_consensus_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options);
void add_multimodal_select_k_sections(HtmlDocument& page, const std::filesystem::path& dir,
                                      const ReportOptions& options);

// The objective per iteration from a model.json's history (log scale when positive), or
// a note when the history is empty.
std::string convergence_plot(const nlohmann::json& model);

// One small bar chart per topic of its top terms, from a table with topic, rank, a term
// column and weight (topics.tsv, top_features.tsv); `part` names a topic in the titles,
// numbered from `first_number`.
std::string top_term_cards(const TsvTable& table, const std::string& term_column,
                           const ReportOptions& options, const std::string& part = "topic",
                           long long first_number = 0);

// "topic t: w1 w2 w3" per topic, from the same kind of table (for legends).
std::vector<std::string> topic_names(const TsvTable& table, const std::string& term_column,
                                     std::size_t topics);

// A TSV file's first options.max_table_rows rows as an HTML table (its note names the file
// for the rest), with a search box when `searchable`.
HtmlTable tsv_table(const TsvTable& tsv, const std::string& id, const ReportOptions& options,
                    bool searchable = false);

// A structure plot with a note on how many documents it shows. `what` names a row
// ("document", "sample"), `part` a column ("topic", "component"); names: the legend (empty:
// "<part> i").
std::string structure_section(const DenseMatrix<double>& proportions,
                              const std::vector<std::string>& groups, std::vector<std::string> names,
                              const std::string& what, const std::string& part,
                              const ReportOptions& options);

}  // namespace nmfkit::report::detail
