#include "nmfkit/core/error.hpp"

#include <charconv>

namespace nmfkit {

FormatError::FormatError(const std::string& path, const std::string& location,
                         const std::string& what)
    : Error(path + ":" + location + ": " + what) {}

FormatError FormatError::at_line(const std::string& path, std::int64_t line,
                                 const std::string& what) {
  return FormatError(path, "line " + std::to_string(line), what);
}

FormatError FormatError::at_byte(const std::string& path, std::int64_t byte,
                                 const std::string& what) {
  return FormatError(path, "byte " + std::to_string(byte), what);
}

FormatError FormatError::from_message(const std::string& message) {
  return FormatError(message);
}

std::string value_text(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

}  // namespace nmfkit
