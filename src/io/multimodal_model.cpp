#include "nmfkit/io/multimodal_model.hpp"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "json_file.hpp"
#include "nmf_options_json.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/result_folder.hpp"

namespace nmfkit::io {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
constexpr const char* kFormatName = "nmfkit-multimodal";

// A float64 .npy of the model folder with the shape model.json implies.
DenseMatrix<double> read_matrix_of(const fs::path& file, Index rows, Index cols) {
  if (!fs::exists(file)) throw IoError("cannot read " + file.string() + ": no such file");
  AnyMatrix m = read_npy(file.string());
  const auto* dense = std::get_if<DenseMatrix<double>>(&m.storage());
  if (dense == nullptr || dense->rows() != rows || dense->cols() != cols) {
    throw FormatError(file.string(), "array", "expected float64 of shape " + std::to_string(rows) +
                                                  " × " + std::to_string(cols));
  }
  return *dense;
}

}  // namespace

std::string multimodal_transform_fields(const multimodal::MultimodalTopicOptions& options,
                                        const multimodal::FittedPreprocessing& preprocessing) {
  json fields;
  if (options.model == multimodal::TopicModelKind::JointNmf) {
    fields["nmf_options"] = detail::options_to_json(options.joint.nmf);
  }
  const auto& p = preprocessing.options;
  fields["preprocessing"] = {{"tfidf", p.tfidf},
                             {"clr", p.clr},
                             {"scale_counts", p.scale_counts},
                             {"scaled", preprocessing.scaled},
                             {"scale", preprocessing.scale}};
  return fields.dump();
}

MultimodalModel load_multimodal_model(const std::string& directory) {
  const fs::path dir(directory);
  if (!fs::is_directory(dir)) throw IoError("model directory '" + directory + "' does not exist");
  read_result_manifest(dir);  // refuses a damaged manifest or a newer folder format
  const std::string path = (dir / "model.json").string();
  const json j = detail::read_json_file(path, "model", "is '" + directory + "' a multimodal fit?");
  const auto fail = [&](const std::string& what) { return FormatError(path, "model", what); };
  if (!j.is_object() || j.value("format", std::string()) != kFormatName) {
    throw fail("expected \"format\": \"" + std::string(kFormatName) + "\"");
  }
  if (!j.contains("version") || j["version"] != 1) {
    throw fail("version " + j.value("version", json()).dump() + " is not supported (this nmfkit reads 1)");
  }
  if (!j.contains("preprocessing")) {
    throw fail("no \"preprocessing\": the folder was written by an nmfkit that could not "
               "transform; fit it again");
  }
  MultimodalModel model;
  Index k = 0;
  std::vector<Index> features;
  try {
    k = detail::integer_field<Index>(j, "k");
    model.options.model = multimodal::parse_topic_model_kind(j.at("model").get<std::string>());
    for (const json& m : j.at("modalities")) {
      model.topics.modality_names.push_back(m.at("name").get<std::string>());
      features.push_back(detail::integer_field<Index>(m, "features"));
    }
    const json& p = j.at("preprocessing");
    auto& fitted = model.preprocessing;
    fitted.options.tfidf = p.at("tfidf").get<std::vector<std::string>>();
    fitted.options.clr = p.at("clr").get<std::vector<std::string>>();
    fitted.options.scale_counts = p.at("scale_counts").get<double>();
    fitted.scaled = p.at("scaled").get<std::vector<std::string>>();
    fitted.scale = p.at("scale").get<std::vector<double>>();
    if (model.options.model == multimodal::TopicModelKind::JointNmf) {
      model.options.joint.nmf = detail::options_from_json(j.at("nmf_options"));
      model.options.joint.weights = j.at("weights").get<std::vector<double>>();
    } else {
      auto& mtm = model.options.mtm;
      mtm.n_topics = static_cast<int>(k);
      mtm.alpha = j.at("alpha").get<double>();
      mtm.eta = j.at("eta").get<double>();
      mtm.max_iter_d = detail::integer_field<int>(j, "max_iter_d");
      mtm.gamma_tol = j.at("gamma_tol").get<double>();
      mtm.seed = detail::integer_field<std::uint64_t>(j, "seed");
    }
  } catch (const json::exception& e) {
    throw fail(std::string("missing or invalid field: ") + e.what());
  } catch (const InvalidArgument& e) {
    throw fail(e.what());
  }
  const auto& names = model.topics.modality_names;
  for (const std::string& name : names) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
      throw fail("modality name '" + name + "' does not name a folder of the model");
    }
  }
  for (std::size_t m = 0; m < names.size(); ++m) {
    const fs::path folder = dir / names[m];
    model.topics.components.push_back(read_matrix_of(folder / "components.npy", k, features[m]));
    if (model.options.model != multimodal::TopicModelKind::JointNmf) {
      model.topics.lambda.push_back(read_matrix_of(folder / "lambda.npy", k, features[m]));
    }
  }
  for (const std::string& name : model.preprocessing.options.tfidf) {
    const auto at = std::find(names.begin(), names.end(), name);
    if (at == names.end()) throw fail("preprocessing names modality '" + name + "', which the model lacks");
    const Index n = features[static_cast<std::size_t>(at - names.begin())];
    const DenseMatrix<double> idf = read_matrix_of(dir / name / "idf.npy", 1, n);
    model.preprocessing.idf.emplace_back(idf.data(), idf.data() + n);
  }
  return model;
}

}  // namespace nmfkit::io
