#include "nmfkit/text/vectorizer_file.hpp"

#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"

namespace nmfkit::text {

namespace {

using nlohmann::json;
constexpr int kFormatVersion = 1;

std::string norm_name(Norm norm) {
  return norm == Norm::L1 ? "l1" : norm == Norm::L2 ? "l2" : "none";
}

}  // namespace

std::string vectorizer_json(const Vectorizer& vectorizer) {
  const VectorizerOptions& o = vectorizer.options();
  json j;
  j["format_version"] = kFormatVersion;
  j["weighting"] = o.weighting == Weighting::Tfidf ? "tfidf" : "count";
  j["lowercase"] = o.lowercase;
  j["binary"] = o.binary;
  j["norm"] = norm_name(o.norm);
  j["use_idf"] = o.use_idf;
  j["smooth_idf"] = o.smooth_idf;
  j["sublinear_tf"] = o.sublinear_tf;
  j["dtype"] = to_string(o.dtype);
  j["terms"] = vectorizer.vocabulary().size();
  const Vector<double>& idf = vectorizer.idf();
  j["idf"] = std::vector<double>(idf.data(), idf.data() + idf.size());  // 17 digits: exact
  return j.dump(1) + "\n";
}

Vectorizer vectorizer_from_json(const std::string& json_text, std::vector<std::string> vocabulary,
                                const std::string& source) {
  try {
    const json j = json::parse(json_text);
    if (j.at("format_version") != kFormatVersion) {  // compared as JSON: no cast of 1e99
      throw FormatError::from_message(source + ": " + "format_version " + j.at("format_version").dump() +
                                    " is not one this nmfkit reads (" +
                                    std::to_string(kFormatVersion) + ")");
    }
    VectorizerOptions o;
    const std::string weighting = j.at("weighting").get<std::string>();
    if (weighting != "tfidf" && weighting != "count") {
      throw FormatError::from_message(source + ": " + "weighting '" + weighting + "' is not tfidf or count");
    }
    o.weighting = weighting == "tfidf" ? Weighting::Tfidf : Weighting::Count;
    o.lowercase = j.at("lowercase").get<bool>();
    o.binary = j.at("binary").get<bool>();
    const std::string norm = j.at("norm").get<std::string>();
    o.norm = norm == "l1" ? Norm::L1 : norm == "l2" ? Norm::L2 : Norm::None;
    o.use_idf = j.at("use_idf").get<bool>();
    o.smooth_idf = j.at("smooth_idf").get<bool>();
    o.sublinear_tf = j.at("sublinear_tf").get<bool>();
    o.dtype = j.at("dtype").get<std::string>() == "float32" ? DType::Float32 : DType::Float64;
    const auto idf_values = j.at("idf").get<std::vector<double>>();
    Vector<double> idf(static_cast<Index>(idf_values.size()));
    for (std::size_t i = 0; i < idf_values.size(); ++i) idf[static_cast<Index>(i)] = idf_values[i];
    if (j.at("terms") != vocabulary.size()) {
      throw FormatError::from_message(source + ": " + "says " + j.at("terms").dump() + " terms, but the vocabulary has " +
                                    std::to_string(vocabulary.size()));
    }
    try {
      return Vectorizer::fitted(std::move(o), std::move(vocabulary), std::move(idf));
    } catch (const InvalidArgument& e) {
      throw FormatError::from_message(source + ": " + e.what());
    }
  } catch (const json::exception& e) {
    throw FormatError::from_message(source + ": " + std::string("malformed: ") + e.what());
  }
}

}  // namespace nmfkit::text
