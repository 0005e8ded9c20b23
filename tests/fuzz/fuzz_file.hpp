#pragma once
// What every fuzz target does: the fuzzer's bytes become a file of the format's name
// (the readers take paths and choose the format by suffix), the reader runs, and a clean
// nmfkit error is the expected answer to bad bytes. Anything else is a finding: a crash,
// a sanitizer report, or an exception that is not an nmfkit error (std::out_of_range,
// std::bad_alloc: a size taken from the file before it was checked), which escapes and
// makes libFuzzer stop with the input that caused it.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "nmfkit/core/error.hpp"

namespace nmfkit::fuzz {

// A private folder for this process's inputs, on a RAM disk where there is one, removed
// when the fuzzer ends.
class Scratch {
 public:
  Scratch() {
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm")
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    path_ = base / ("nmfkit-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline const std::filesystem::path& scratch() {
  static const Scratch dir;
  return dir.path();
}

inline std::string write_input(const std::string& name, const std::uint8_t* data,
                               std::size_t size) {
  const std::string path = (scratch() / name).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

// Runs `read`; an nmfkit::Error (bad input, said clearly) is a pass.
template <class Read>
void expect_clean(Read&& read) {
  try {
    read();
  } catch (const nmfkit::Error&) {
  }
}

}  // namespace nmfkit::fuzz
