#include "nmfkit/report/result_report.hpp"

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/report/html_document.hpp"
#include "result_files.hpp"
#include "sections/sections.hpp"

namespace nmfkit::report {

namespace fs = std::filesystem;

std::string kind_name(ResultKind kind) {
  switch (kind) {
    case ResultKind::Fit:
      return "fit";
    case ResultKind::Topics:
      return "topics";
    case ResultKind::SelectK:
      return "select-k";
    case ResultKind::Cluster:
      return "cluster";
    case ResultKind::Multimodal:
      return "multimodal fit";
    case ResultKind::Associate:
      return "associate";
    case ResultKind::Consensus:
      return "consensus";
    case ResultKind::MultimodalSelectK:
      return "multimodal select-k";
  }
  return "unknown";
}

namespace {

// The kind of a folder written by an nmfkit without result.json, told from the files each
// command writes and no other does.
std::optional<ResultKind> kind_from_files(const fs::path& dir) {
  if (fs::exists(dir / "associations.tsv")) return ResultKind::Associate;
  if (fs::exists(dir / "selection.json")) return ResultKind::SelectK;
  if (fs::exists(dir / "consensus.json")) return ResultKind::Consensus;
  if (fs::exists(dir / "folds.tsv") && fs::exists(dir / "scores.tsv")) {
    return ResultKind::MultimodalSelectK;
  }
  // A model folder may hold a clustering too (topics --cluster): its report shows both.
  if (fs::exists(dir / "model.json")) {
    const nlohmann::json model = detail::read_json(dir / "model.json");
    const std::string format = model.is_object() ? model.value("format", std::string()) : "";
    if (format == "nmfkit-multimodal") return ResultKind::Multimodal;
    if (format == "nmfkit-nmf-model") {
      return fs::exists(dir / "topics.tsv") ? ResultKind::Topics : ResultKind::Fit;
    }
  }
  if (fs::exists(dir / "clusters.tsv")) return ResultKind::Cluster;
  return std::nullopt;
}

// The report kind of the command named by a folder's result.json.
std::optional<ResultKind> kind_from_manifest(const io::ResultManifest& manifest,
                                             const fs::path& dir) {
  const std::string& kind = manifest.kind;
  if (kind == "topics") return ResultKind::Topics;
  if (kind == "fit" || kind == "update" || kind == "demo" || kind == "impute") {
    return fs::exists(dir / "topics.tsv") ? ResultKind::Topics : ResultKind::Fit;
  }
  if (kind == "select-k") return ResultKind::SelectK;
  if (kind == "cluster") return ResultKind::Cluster;
  if (kind == "multimodal fit") return ResultKind::Multimodal;
  if (kind == "associate") return ResultKind::Associate;
  if (kind == "consensus") return ResultKind::Consensus;
  if (kind == "multimodal select-k") return ResultKind::MultimodalSelectK;
  return std::nullopt;
}

}  // namespace

std::optional<ResultKind> detect_result_kind(const fs::path& dir) {
  const std::optional<io::ResultManifest> manifest = io::read_result_manifest(dir);
  return manifest ? kind_from_manifest(*manifest, dir) : kind_from_files(dir);
}

std::string result_report_html(const fs::path& dir, const ReportOptions& options) {
  const std::optional<ResultKind> kind = detect_result_kind(dir);
  if (!kind) {
    if (const auto manifest = io::read_result_manifest(dir)) {
      throw InvalidArgument(dir.string() + " holds a result of '" + manifest->kind +
                            "', which has no report (reports cover fit, topics, select-k, "
                            "consensus, cluster, multimodal fit, multimodal select-k and "
                            "associate): nothing to report");
    }
    throw InvalidArgument(dir.string() +
                          " holds no result of fit, topics, select-k, consensus, cluster, multimodal "
                          "fit or select-k, or associate (none of model.json, selection.json, "
                          "consensus.json, folds.tsv, clusters.tsv, associations.tsv): nothing "
                          "to report");
  }
  const std::string name = kind_name(*kind);
  fs::path folder = fs::absolute(dir).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "out/" names out
  HtmlDocument page("nmfkit " + name + ": " + (options.name.empty() ? folder.filename().string() : options.name),
                    name);
  switch (*kind) {
    case ResultKind::Fit:
      detail::add_fit_sections(page, dir, options);
      if (fs::exists(dir / "clusters.tsv")) detail::add_cluster_sections(page, dir, options);
      break;
    case ResultKind::Topics:
      detail::add_topics_sections(page, dir, options);
      if (fs::exists(dir / "clusters.tsv")) detail::add_cluster_sections(page, dir, options);
      break;
    case ResultKind::SelectK:
      detail::add_select_k_sections(page, dir, options);
      break;
    case ResultKind::Cluster:
      detail::add_cluster_sections(page, dir, options);
      break;
    case ResultKind::Multimodal:
      detail::add_multimodal_sections(page, dir, options);
      break;
    case ResultKind::Associate:
      detail::add_associate_sections(page, dir, options);
      break;
    case ResultKind::Consensus:
      detail::add_consensus_sections(page, dir, options);
      break;
    case ResultKind::MultimodalSelectK:
      detail::add_multimodal_select_k_sections(page, dir, options);
      break;
  }
  return page.str();
}

void write_result_report(const fs::path& dir, const fs::path& out, const ReportOptions& options) {
  const std::string html = result_report_html(dir, options);
  io::AtomicFile file(out);
  io::write_text_file(file.temp_path().string(), html);
  file.commit();
}

}  // namespace nmfkit::report
