#include "result_files.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/text_file.hpp"

namespace nmfkit::report::detail {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

}  // namespace

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string());
  nlohmann::json value = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) throw FormatError(path.string(), "line 1", "a JSON document");
  return value;
}

std::size_t TsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw FormatError::at_line(path, 1, "a header with a '" + name + "' column");
}

bool TsvTable::has_column(const std::string& name) const {
  for (const auto& h : header) {
    if (h == name) return true;
  }
  return false;
}

TsvTable read_tsv(const std::filesystem::path& path, std::size_t max_rows) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string());
  TsvTable table;
  table.path = path.string();
  std::string line;
  std::int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      table.header = split_tabs(line);
      continue;
    }
    if (line.empty()) continue;
    ++table.total_rows;
    if (table.rows.size() >= max_rows) continue;
    auto fields = split_tabs(line);
    if (fields.size() != table.header.size()) {
      throw FormatError::at_line(table.path, number,
                                 std::to_string(table.header.size()) + " tab-separated fields, got " +
                                     std::to_string(fields.size()));
    }
    table.rows.push_back(std::move(fields));
  }
  if (in.bad()) throw IoError("cannot read " + path.string());
  if (number == 0) throw FormatError::at_line(table.path, 1, "a header line, got an empty file");
  return table;
}

DenseMatrix<double> read_dense_npy(const std::filesystem::path& path) {
  AnyMatrix matrix = io::read_npy(path.string());
  if (matrix.is_sparse()) throw FormatError(path.string(), "byte 0", "a dense array");
  matrix.convert(DType::Float64);
  return std::move(std::get<DenseMatrix<double>>(matrix.storage()));
}

std::vector<std::string> read_names(const std::filesystem::path& path) {
  return io::read_lines(path.string());
}

std::string short_number(double value) {
  if (std::isnan(value)) return "—";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

std::string json_text(const nlohmann::json& value) {
  if (value.is_null()) return "—";
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) return short_number(value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

double json_number(const nlohmann::json& value) {
  return value.is_number() ? value.get<double>() : std::nan("");
}

double json_number_at(const nlohmann::json& object, const char* key) {
  return object.contains(key) ? json_number(object[key]) : std::nan("");
}

}  // namespace nmfkit::report::detail
