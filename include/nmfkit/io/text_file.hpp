#pragma once
// Plain text outputs (vocabularies, TSV tables, JSON summaries) written whole, with every
// failure reported as an IoError naming the file.

#include <string>
#include <vector>

namespace nmfkit::io {

void write_text_file(const std::string& path, const std::string& content);

// One line per entry, each ended by '\n' (entries must not hold a newline).
void write_lines(const std::string& path, const std::vector<std::string>& lines);

// The lines of a text file without their '\n' (and a final '\r', if any).
std::vector<std::string> read_lines(const std::string& path);

}  // namespace nmfkit::io
