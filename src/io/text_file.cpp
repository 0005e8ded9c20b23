#include "nmfkit/io/text_file.hpp"

#include <fstream>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io {

void write_text_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  if (!out) throw IoError("cannot write " + path);
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::string content;
  for (const auto& line : lines) {
    if (line.find('\n') != std::string::npos) {
      throw InvalidArgument("cannot write '" + line + "' as one line of " + path);
    }
    content += line;
    content += '\n';
  }
  write_text_file(path, content);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in.bad()) throw IoError("cannot read " + path);
  return lines;
}

}  // namespace nmfkit::io
