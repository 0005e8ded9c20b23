#pragma once
// Internal to the writers: a buffered output file, plain or gzip-compressed, whose
// errors name the file the user asked for rather than its temporary name.

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "text_fields.hpp"

namespace nmfkit::io::detail {

// True when `path` ends in ".gz" (any case): the writers then compress.
bool has_gz_suffix(const std::string& path);

class OutputFile {
 public:
  // Creates `path`, which must not exist yet (it is an AtomicFile's temporary name).
  OutputFile(const std::filesystem::path& path, std::string name, bool gzip);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // closes without reporting errors; call close() on success paths

  void write(std::string_view bytes);
  void write(const void* data, std::size_t size);
  void put(char c) {
    text_ += c;
    if (text_.size() >= kFlushAt) flush();
  }
  template <class T>
  void number(T value) {
    append_number(text_, value);
    if (text_.size() >= kFlushAt) flush();
  }
  // Flushes and closes, throwing IoError if anything failed (a full disk shows up here).
  void close();

 private:
  static constexpr std::size_t kFlushAt = std::size_t{1} << 20;
  void flush();
  void write_through(const char* data, std::size_t size);
  [[noreturn]] void fail(const std::string& reason);

  std::string name_;
  std::FILE* plain_ = nullptr;
  gzFile gz_ = nullptr;
  std::string text_;  // pending bytes
};

}  // namespace nmfkit::io::detail
