#include "nmfkit/core/error.hpp"

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

}  // namespace nmfkit
