// `fit`: the model's summary, its convergence and the samples' component make-up.
#include "sections.hpp"

namespace nmfkit::report::detail {

namespace {

std::vector<std::pair<std::string, std::string>> model_facts(const nlohmann::json& model) {
  std::vector<std::pair<std::string, std::string>> facts;
  const auto add = [&](const std::string& name, const char* key) {
    if (model.contains(key)) facts.emplace_back(name, json_text(model[key]));
  };
  add("input", "input");
  if (model.contains("n_samples") && model.contains("n_features")) {
    facts.emplace_back("matrix", json_text(model["n_samples"]) + " samples × " +
                                     json_text(model["n_features"]) + " features");
  }
  add("components (k)", "n_components");
  add("solver", "solver_used");
  add("initialisation", "init_used");
  if (model.contains("options")) {
    const auto& o = model["options"];
    if (o.contains("beta_loss_name")) facts.emplace_back("loss", json_text(o["beta_loss_name"]));
    if (o.contains("model")) facts.emplace_back("model", json_text(o["model"]));
    if (o.contains("random_state")) facts.emplace_back("seed", json_text(o["random_state"]));
  }
  add("iterations", "n_iter");
  add("converged", "converged");
  add("reconstruction error", "reconstruction_error");
  add("seconds", "seconds");
  if (model.contains("warnings")) {
    for (const auto& warning : model["warnings"]) facts.emplace_back("warning", json_text(warning));
  }
  return facts;
}

}  // namespace

void add_fit_sections(HtmlDocument& page, const std::filesystem::path& dir, const ReportOptions& options) {
  const nlohmann::json model = read_json(dir / "model.json");
  page.add_section("summary", "Model", facts_table(model_facts(model)));
  page.add_section("convergence", "Convergence", convergence_plot(model));
  // The samples' make-up by component, where W is non-negative (not semi-NMF's).
  const bool non_negative = !model.contains("options") || !model["options"].contains("model") ||
                            model["options"]["model"] != "semi";
  const std::string w_file = model.contains("files") && model["files"].contains("W")
                                 ? model["files"]["W"].get<std::string>()
                                 : "W.npy";
  if (non_negative && std::filesystem::path(w_file).extension() == ".npy" &&
      std::filesystem::exists(dir / w_file)) {
    const DenseMatrix<double> W = read_dense_npy(dir / w_file);
    page.add_section("structure", "Samples by component",
                     paragraph("Each sample's row of W scaled to sum to one: the share of each "
                               "component in it.", "note") +
                         structure_section(W, {}, {}, "sample", "component", options));
  }
}

}  // namespace nmfkit::report::detail
