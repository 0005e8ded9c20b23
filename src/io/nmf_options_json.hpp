#pragma once
// Internal to io: NmfOptions as model.json records them ("options"), for the NMF model
// folder and the multi-modal one (joint NMF's options).

#include <nlohmann/json.hpp>

#include "nmfkit/nmf/options.hpp"

namespace nmfkit::io::detail {

nlohmann::json options_to_json(const NmfOptions& options);
// Throws nlohmann::json::exception for missing or mistyped fields, InvalidArgument for
// values the options do not take (an unknown init).
NmfOptions options_from_json(const nlohmann::json& j);

}  // namespace nmfkit::io::detail
