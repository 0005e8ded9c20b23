#pragma once
// Typed exceptions for bad input. Numerical outcomes are not errors: they are reported
// in results (see nmf/result.hpp); internal invariants are assertions.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nmfkit {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter or a data matrix the algorithm cannot accept.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// A file whose content does not follow its format; the message names the file and where.
class FormatError : public Error {
 public:
  // location is "line N" or "byte N"; what says what was expected and what was found.
  FormatError(const std::string& path, const std::string& location, const std::string& what);
  static FormatError at_line(const std::string& path, std::int64_t line, const std::string& what);
  static FormatError at_byte(const std::string& path, std::int64_t byte, const std::string& what);
  // A message already in the form "path:location: what", passed on unchanged (from a
  // reader that ran in a child process).
  static FormatError from_message(const std::string& message);

 private:
  explicit FormatError(const std::string& message) : Error(message) {}
};

// A file that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// Raised when a progress callback asks a long computation to stop.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

// The shortest text that reads back as `value` ("0.2", "1e-08"), for error messages.
std::string value_text(double value);

}  // namespace nmfkit
