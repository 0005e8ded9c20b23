#include "nmfkit/io/nmf_model.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/version.hpp"
#include "json_file.hpp"
#include "nmf_options_json.hpp"

namespace nmfkit::io {

using nlohmann::json;

namespace detail {

json options_to_json(const NmfOptions& o) {
  json j;
  j["n_components"] = o.n_components ? json(*o.n_components) : json("auto");
  j["init"] = to_string(o.init);
  j["solver"] = o.solver;
  j["beta_loss"] = o.beta_loss;
  j["beta_loss_name"] = beta_loss_name(o.beta_loss);
  j["tol"] = o.tol;
  j["max_iter"] = o.max_iter;
  j["patience"] = o.patience;
  j["random_state"] = o.random_state ? json(*o.random_state) : json(nullptr);
  j["alpha_W"] = o.alpha_W;
  j["alpha_H"] = o.alpha_H ? json(*o.alpha_H) : json("same");
  j["l1_ratio"] = o.l1_ratio;
  j["shuffle"] = o.shuffle;
  j["verbose"] = o.verbose;
  if (o.solver == "minibatch") {
    const auto& b = o.minibatch;
    j["minibatch"] = {{"batch_size", b.batch_size},
                      {"forget_factor", b.forget_factor},
                      {"max_no_improvement",
                       b.max_no_improvement ? json(*b.max_no_improvement) : json(nullptr)},
                      {"fresh_restarts", b.fresh_restarts}};
  }
  j["model"] = o.model;
  if (!o.layer_ranks.empty()) j["layer_ranks"] = o.layer_ranks;
  j["graph_weight"] = o.graph_weight;
  j["learning_rate"] = o.learning_rate ? json(*o.learning_rate) : json(nullptr);
  j["penalty"] = o.penalty;
  return j;
}

NmfOptions options_from_json(const json& j) {
  NmfOptions o;
  if (j.at("n_components").is_number()) o.n_components = integer_field<Index>(j, "n_components");
  o.init = parse_init(j.at("init").get<std::string>());
  o.solver = j.at("solver").get<std::string>();
  o.beta_loss = j.at("beta_loss").get<double>();
  o.tol = j.at("tol").get<double>();
  o.max_iter = integer_field<int>(j, "max_iter");
  o.patience = integer_field_or(j, "patience", o.patience);
  if (!j.at("random_state").is_null()) o.random_state = integer_field<std::uint32_t>(j, "random_state");
  o.alpha_W = j.at("alpha_W").get<double>();
  if (j.at("alpha_H").is_number()) o.alpha_H = j.at("alpha_H").get<double>();
  o.l1_ratio = j.at("l1_ratio").get<double>();
  o.shuffle = j.at("shuffle").get<bool>();
  o.verbose = integer_field<int>(j, "verbose");
  if (j.contains("minibatch")) {
    const json& b = j.at("minibatch");
    o.minibatch.batch_size = integer_field<Index>(b, "batch_size");
    o.minibatch.forget_factor = b.at("forget_factor").get<double>();
    if (b.at("max_no_improvement").is_null()) {
      o.minibatch.max_no_improvement.reset();
    } else {
      o.minibatch.max_no_improvement = integer_field<int>(b, "max_no_improvement");
    }
    o.minibatch.fresh_restarts = b.at("fresh_restarts").get<bool>();
  }
  // Models written before the NMF family hold none of these.
  o.model = j.value("model", o.model);
  if (j.contains("layer_ranks")) {
    o.layer_ranks.clear();
    for (const json& rank : j.at("layer_ranks")) o.layer_ranks.push_back(integer_value<Index>(rank, "layer_ranks"));
  }
  o.graph_weight = j.value("graph_weight", o.graph_weight);
  if (j.contains("learning_rate") && j.at("learning_rate").is_number()) {
    o.learning_rate = j.at("learning_rate").get<double>();
  }
  o.penalty = j.value("penalty", o.penalty);
  return o;
}

}  // namespace detail

namespace {

using detail::integer_field;
using detail::integer_field_or;
using detail::options_from_json;
using detail::options_to_json;
constexpr const char* kFormatName = "nmfkit-nmf-model";

// model.json's content.
json model_description(const NmfModel& model, const std::string& W_file) {
  json j;
  j["format"] = kFormatName;
  j["format_version"] = kModelFormatVersion;
  j["nmfkit_version"] = kVersion;
  j["input"] = model.input;
  j["dtype"] = to_string(model.H.dtype());
  j["n_samples"] = model.W.rows();
  j["n_features"] = model.H.cols();
  j["n_components"] = model.H.rows();
  j["options"] = options_to_json(model.options);
  j["options"]["graph"] = model.graph.empty() ? json(nullptr) : json(model.graph);
  j["init_used"] = to_string(model.init_used);
  j["n_iter"] = model.n_iter;
  j["converged"] = model.converged;
  j["reconstruction_error"] = model.reconstruction_error;
  j["warnings"] = model.warnings;
  j["seconds"] = model.seconds;
  j["solver_used"] = model.solver_used.empty() ? model.options.solver : model.solver_used;
  j["init_seconds"] = model.init_seconds;
  j["processes"] = model.processes;
  if (model.processes > 1) j["grid"] = model.grid;
  if (!model.process_seconds.empty()) {
    json phases = json::object();
    for (const auto& p : model.process_seconds) {
      phases[p.phase] = {{"min", p.min}, {"max", p.max}, {"mean", p.mean}};
    }
    j["process_seconds"] = phases;
  }
  j["history"] = {{"objective", model.objective_history},
                  {"seconds", model.iteration_seconds},
                  {"kkt_residual", model.kkt_history}};
  j["files"] = {{"W", W_file}, {"H", "H.npy"}};
  for (std::size_t i = 0; i < model.layer_H.size(); ++i) {
    const std::string layer = std::to_string(i + 1);
    j["files"]["layers"].push_back({{"W", "W_" + layer + ".npy"}, {"H", "H_" + layer + ".npy"}});
  }
  return j;
}

}  // namespace

H5adResults h5ad_results(const NmfModel& model) {
  H5adResults results;
  AnyMatrix W = model.W, H = model.H;
  W.convert(DType::Float64);
  H.convert(DType::Float64);
  results.obsm.emplace_back("X_nmf", std::get<DenseMatrix<double>>(W.storage()));
  results.varm.emplace_back("NMF_components", std::get<DenseMatrix<double>>(H.storage()).transpose());
  json description = model_description(model, "W.npy");
  description.erase("files");
  results.uns_key = "nmf";
  results.uns_json = description.dump();
  return results;
}

void write_nmf_model(const StagedDirectory& staged, const NmfModel& model,
                     const std::string& W_file) {
  const json j = model_description(model, W_file);
  for (std::size_t i = 0; i < model.layer_H.size(); ++i) {
    const std::string layer = std::to_string(i + 1);
    write_npy(staged.file("W_" + layer + ".npy").string(), model.layer_W.at(i));
    write_npy(staged.file("H_" + layer + ".npy").string(), model.layer_H[i]);
  }

  write_npy(staged.file(W_file).string(), model.W);
  write_npy(staged.file("H.npy").string(), model.H);
  std::ofstream out(staged.file("model.json"));
  out << j.dump(2) << '\n';
  out.close();
  if (!out) throw IoError("cannot write " + staged.file("model.json").string());
}

void save_nmf_model(const std::string& directory, const NmfModel& model,
                    const std::string& kind) {
  ResultFolder staged(directory, kind);
  write_nmf_model(staged, model);
  staged.commit();
}

NmfModel load_nmf_model(const std::string& directory) {
  const std::filesystem::path dir(directory);
  const std::string json_path = (dir / "model.json").string();
  if (!std::filesystem::is_directory(dir)) {
    throw IoError("model directory '" + directory + "' does not exist");
  }
  read_result_manifest(dir);  // refuses a damaged manifest or a newer folder format
  const json j =
      detail::read_json_file(json_path, "model", "is '" + directory + "' an nmfkit model?");
  const auto fail = [&](const std::string& what) { return FormatError(json_path, "model", what); };
  const auto is = [&](const char* key, json::value_t type) {
    return j.is_object() && j.contains(key) && j.at(key).type() == type;
  };
  if (!is("format", json::value_t::string) || j.at("format") != kFormatName) {
    throw fail("expected \"format\": \"" + std::string(kFormatName) + "\"");
  }
  const json version = j.value("format_version", json());
  if (!version.is_number_unsigned() || version < 1 || version > kModelFormatVersion) {
    throw fail("format_version " + version.dump() +
               " is not supported (this nmfkit reads 1 to " + std::to_string(kModelFormatVersion) +
               ")");
  }
  NmfModel model;
  std::string W_file;
  std::string H_file;
  std::vector<std::string> layer_files;  // a deep model's W_i, H_i in turn
  Index components = 0;
  Index features = 0;
  try {
    model.options = options_from_json(j.at("options"));
    if (j.at("options").contains("graph") && j.at("options").at("graph").is_string()) {
      model.graph = j.at("options").at("graph").get<std::string>();
    }
    model.init_used = parse_init(j.at("init_used").get<std::string>());
    model.n_iter = integer_field<int>(j, "n_iter");
    model.converged = j.at("converged").get<bool>();
    model.reconstruction_error = j.at("reconstruction_error").get<double>();
    model.warnings = j.at("warnings").get<std::vector<std::string>>();
    model.input = j.at("input").get<std::string>();
    model.seconds = j.at("seconds").get<double>();
    model.solver_used = j.value("solver_used", model.options.solver);
    model.init_seconds = j.value("init_seconds", 0.0);
    model.processes = integer_field_or(j, "processes", 1);
    model.grid = j.value("grid", std::string("1d"));
    if (j.contains("history")) {
      const json& history = j.at("history");
      model.objective_history = history.at("objective").get<std::vector<double>>();
      model.iteration_seconds = history.at("seconds").get<std::vector<double>>();
      model.kkt_history = history.value("kkt_residual", std::vector<double>{});
    }
    W_file = j.at("files").at("W").get<std::string>();
    if (j.at("files").contains("layers")) {
      for (const json& layer : j.at("files").at("layers")) {
        layer_files.push_back(layer.at("W").get<std::string>());
        layer_files.push_back(layer.at("H").get<std::string>());
      }
    }
    H_file = j.at("files").at("H").get<std::string>();
    components = integer_field<Index>(j, "n_components");
    features = integer_field<Index>(j, "n_features");
  } catch (const json::exception& e) {
    throw fail(std::string("missing or invalid field: ") + e.what());
  } catch (const InvalidArgument& e) {
    throw fail(e.what());
  }
  // The factors live beside model.json: a name that leads elsewhere is not this model's.
  std::vector<const std::string*> names{&W_file, &H_file};
  for (const auto& name : layer_files) names.push_back(&name);
  for (const std::string* name : names) {
    const std::filesystem::path file(*name);
    if (file.empty() || file.has_parent_path() || file.is_absolute() || *name == "." ||
        *name == "..") {
      throw fail("files names " + *name + ", not a file in the model directory");
    }
  }
  model.W = read_npy((dir / W_file).string());
  model.H = read_npy((dir / H_file).string());
  if (model.H.rows() != components || model.H.cols() != features ||
      model.W.cols() != model.H.rows()) {
    throw fail("W.npy and H.npy do not have the shapes model.json records");
  }
  for (std::size_t i = 0; i + 1 < layer_files.size(); i += 2) {
    model.layer_W.push_back(read_npy((dir / layer_files[i]).string()));
    model.layer_H.push_back(read_npy((dir / layer_files[i + 1]).string()));
  }
  return model;
}

}  // namespace nmfkit::io
