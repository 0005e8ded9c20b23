// `nmfkit info FILE`: what a matrix file holds and what an NMF would object to in it.

#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/io/matrix_file.hpp"

namespace nmfkit::cli {

namespace {

struct InfoOptions {
  std::string path;
  bool json = false;
};

std::string format_label(io::MatrixFormat format) {
  switch (format) {
    case io::MatrixFormat::MatrixMarket:
      return "matrix-market";
    case io::MatrixFormat::Npy:
      return "npy";
    case io::MatrixFormat::Csv:
      return "csv";
    case io::MatrixFormat::Tsv:
      return "tsv";
    case io::MatrixFormat::H5ad:
      return "h5ad";
  }
  return "unknown";
}

// By content, as the readers decide, not by name.
bool is_gzip(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  unsigned char magic[2] = {};
  return file && std::fread(magic, 1, 2, file.get()) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::string number_text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string plural(Index count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

std::string at(const std::optional<EntryLocation>& location) {
  return ", first at row " + std::to_string(location->row) + ", column " +
         std::to_string(location->col) + " (0-based)";
}

std::vector<std::string> problems(const MatrixSummary& s) {
  std::vector<std::string> list;
  if (s.rows == 0 || s.cols == 0) {
    list.push_back("the matrix is empty (" + std::to_string(s.rows) + " x " +
                   std::to_string(s.cols) + ")");
  }
  if (s.nan_count > 0)
    list.push_back(plural(s.nan_count, "NaN entry", "NaN entries") + at(s.first_nan));
  if (s.inf_count > 0) {
    list.push_back(plural(s.inf_count, "infinite entry", "infinite entries") + at(s.first_inf));
  }
  if (s.negative_count > 0) {
    list.push_back(plural(s.negative_count, "negative entry", "negative entries") +
                   at(s.first_negative));
  }
  if (s.zero_rows > 0) list.push_back(plural(s.zero_rows, "all-zero row", "all-zero rows"));
  if (s.zero_cols > 0) list.push_back(plural(s.zero_cols, "all-zero column", "all-zero columns"));
  return list;
}

// Share of entries that are non-zero; NaN for an empty matrix.
double density(const MatrixSummary& s) {
  const double size = static_cast<double>(s.rows) * static_cast<double>(s.cols);
  return size > 0 ? static_cast<double>(s.nonzero_count) / size : std::nan("");
}

nlohmann::ordered_json location_json(const std::optional<EntryLocation>& location) {
  if (!location) return nullptr;
  return nlohmann::ordered_json::array({location->row, location->col});
}

void print_json(const InfoOptions& options, io::MatrixFormat format, bool gzip,
                const MatrixSummary& s) {
  // nlohmann writes NaN and Inf as null, which is what JSON readers expect.
  nlohmann::ordered_json out = {
      {"path", options.path},
      {"format", format_label(format)},
      {"compressed", gzip},
      {"shape", {s.rows, s.cols}},
      {"storage", s.sparse ? "csr" : "dense"},
      {"dtype", to_string(s.dtype)},
      {"stored", s.stored},
      {"nonzero", s.nonzero_count},
      {"density", density(s)},
      {"min", s.min},
      {"max", s.max},
      {"sum", s.sum},
      {"nan_count", s.nan_count},
      {"first_nan", location_json(s.first_nan)},
      {"inf_count", s.inf_count},
      {"first_inf", location_json(s.first_inf)},
      {"negative_count", s.negative_count},
      {"first_negative", location_json(s.first_negative)},
      {"has_zero", s.has_zero},
      {"zero_rows", s.zero_rows},
      {"zero_cols", s.zero_cols},
      {"problems", problems(s)},
  };
  std::cout << out.dump(2) << '\n';
}

void print_text(const InfoOptions& options, io::MatrixFormat format, bool gzip,
                const MatrixSummary& s) {
  static const char* const kFormatNames[] = {"Matrix Market", "NumPy .npy", "CSV", "TSV",
                                             "AnnData .h5ad (X)"};
  std::string text;
  auto line = [&](const char* label, const std::string& value) {
    text += label;
    text.append(11 - std::char_traits<char>::length(label), ' ');
    text += value;
    text += '\n';
  };
  line("path:", options.path);
  line("format:", std::string(kFormatNames[static_cast<int>(format)]) + (gzip ? ", gzip" : ""));
  line("shape:", std::to_string(s.rows) + " x " + std::to_string(s.cols));
  line("storage:", s.sparse ? "sparse (CSR)" : "dense");
  line("dtype:", to_string(s.dtype));
  line("stored:", plural(s.stored, "entry", "entries"));
  std::string nonzero = std::to_string(s.nonzero_count);
  if (const double d = density(s); !std::isnan(d)) {
    char percent[32];
    std::snprintf(percent, sizeof percent, " (%.4g%% dense)", 100.0 * d);
    nonzero += percent;
  }
  line("non-zeros:", nonzero);
  line("min:", number_text(s.min));
  line("max:", number_text(s.max));
  line("sum:", number_text(s.sum));
  const auto list = problems(s);
  if (list.empty()) {
    line("problems:", "none");
  } else {
    text += "problems:\n";
    for (const auto& problem : list) text += "  - " + problem + "\n";
  }
  std::cout << text;
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  auto* sub = app.add_subcommand(
      "info",
      "Describe a matrix file: shape, storage, type, value range, and entries an NMF cannot "
      "use (NaN, Inf, negative) or that carry nothing (all-zero rows and columns). Problems "
      "are reported, not errors: the exit status is 0 whenever the file could be read.");
  sub->add_option("file", options->path,
                  "matrix file: .mtx, .npy, .csv, .tsv or .txt (text formats optionally .gz), or "
                  ".h5ad (its X)")
      ->required();
  sub->add_flag("--json", options->json,
                "print one JSON object instead of text (default: text); positions are 0-based "
                "[row, column] and NaN/Inf values are null");
  sub->callback([options] {
    const io::MatrixFormat format = io::format_from_path(options->path);
    const AnyMatrix matrix = io::read_matrix(options->path);
    const MatrixSummary summary = summarize(matrix);
    const bool gzip = is_gzip(options->path);
    if (options->json) {
      print_json(*options, format, gzip, summary);
    } else {
      print_text(*options, format, gzip, summary);
    }
  });
}

}  // namespace nmfkit::cli
