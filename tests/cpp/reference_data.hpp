#pragma once
// Access to the oracle outputs that the scripts in tests/oracles/ write at test time.

#include <fstream>
#include <string>

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

}  // namespace nmfkit::testing
