#pragma once
// Internal to the report: reading the files of a result folder (JSON summaries, TSV
// tables, .npy matrices) with errors that name the file, and formatting their numbers.

#include <cstddef>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::report::detail {

nlohmann::json read_json(const std::filesystem::path& path);

// A TSV table with a header line; only its first max_rows rows are kept, all are counted.
struct TsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t total_rows = 0;

  // The index of a column; throws FormatError naming the file when it is missing.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  std::string path;
};
TsvTable read_tsv(const std::filesystem::path& path,
                  std::size_t max_rows = std::numeric_limits<std::size_t>::max());

// A dense .npy matrix as float64.
DenseMatrix<double> read_dense_npy(const std::filesystem::path& path);

// The lines of a text file (feature or sample names).
std::vector<std::string> read_names(const std::filesystem::path& path);

// A number for people: up to 4 significant digits ("0.01234", "1.235e+06").
std::string short_number(double value);

// A JSON value as text: numbers by short_number, strings as they are, null as "—".
std::string json_text(const nlohmann::json& value);

// A JSON number, or NaN for null and anything else.
double json_number(const nlohmann::json& value);
// The number at `key` of a JSON object, NaN when it is missing or not a number.
double json_number_at(const nlohmann::json& object, const char* key);

}  // namespace nmfkit::report::detail
