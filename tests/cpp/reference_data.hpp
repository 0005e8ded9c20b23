#pragma once
// Access to the oracle outputs that the scripts in tests/oracles/ write at test time.

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nmfkit::testing {

inline std::string reference_path(const std::string& name) {
  return std::string(NMFKIT_REFERENCE_DIR) + "/" + name;
}

// The parsed JSON file, or a test failure when the generator did not produce it.
inline nlohmann::json load_reference_json(const std::string& name) {
  std::ifstream in(reference_path(name));
  if (!in) {
    ADD_FAILURE() << "missing reference file " << reference_path(name)
                  << " (run the oracle_* tests first: ctest -R oracle)";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

// A JSON array of strings.
inline std::vector<std::string> strings(const nlohmann::json& array) {
  return array.get<std::vector<std::string>>();
}

// Bytes the oracles wrote as hex (JSON strings cannot hold arbitrary bytes).
inline std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

}  // namespace nmfkit::testing
