#pragma once
// The HTML report of an nmfkit result folder (`nmfkit report DIR`): which command wrote
// the folder is told from its result.json, and the page shows what that command computed —
// convergence, topics, document structure, k-selection curves, clusters, associations.
// Big results are thinned and tables cut, with a note, so a report stays a few megabytes.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace nmfkit::report {

// The commands whose folders have a report.
enum class ResultKind {
  Fit,         // model.json of an NMF model (W, H)
  Topics,      // the same with topics.tsv, documents.tsv, topic_proportions.npy
  SelectK,     // selection.json, selection.tsv
  Cluster,     // clusters.tsv, summary.json
  Multimodal,  // model.json of format nmfkit-multimodal, one folder per modality
  Associate,   // associations.tsv, associations.json
  Consensus,   // consensus.json, usages.tsv, spectra.tsv (cNMF's consensus programs)
  MultimodalSelectK,  // summary.json, scores.tsv, folds.tsv (mTopic's held-out likelihood)
};

// "fit", "topics", "select-k", "cluster", "multimodal fit", "associate", "consensus",
// "multimodal select-k".
std::string kind_name(ResultKind kind);

// The kind of the folder's result: from its result.json (io/result_folder.hpp), or for a
// folder without one from its files; nothing when it is none of the above (an empty folder
// included). Throws IoError when `dir` is not a folder, FormatError for a damaged result.json.
std::optional<ResultKind> detect_result_kind(const std::filesystem::path& dir);

struct ReportOptions {
  std::size_t max_documents = 2000;  // bars of a structure plot (more are thinned evenly)
  std::size_t max_points = 5000;     // points of a scatter plot
  std::size_t max_table_rows = 5000; // rows of a table (the rest is left to its file)
  std::size_t max_topics = 100;      // topics whose top words are drawn
  std::size_t top_words = 10;        // bars per topic
  std::string name;                  // the result's name in the title; empty: the folder's
};

// The page. Throws InvalidArgument naming the folder when it is not a result folder,
// FormatError or IoError when one of its files is damaged or unreadable.
std::string result_report_html(const std::filesystem::path& dir, const ReportOptions& options = {});

// Writes the page to `out` atomically (all of it or nothing); nothing is written when
// result_report_html throws.
void write_result_report(const std::filesystem::path& dir, const std::filesystem::path& out,
                         const ReportOptions& options = {});

}  // namespace nmfkit::report
