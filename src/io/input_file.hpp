#pragma once
// Internal to the readers: opening input files, plain or gzip-compressed, with errors
// that name the file, and reading text through one large buffer a line at a time.

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nmfkit::io::detail {

// Throws IoError unless `path` names an existing file that is not a directory.
void require_input_file(const std::string& path);

// "No such file or directory" and the like, for errno.
std::string system_message(int error_number);

// Lines of a text file. Gzip input is recognised by its content (zlib reads plain files
// unchanged), so "x.mtx" may be compressed and "x.mtx.gz" may not.
class LineReader {
 public:
  explicit LineReader(std::string path);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // The next line without its "\n" or "\r\n", valid until the next call; false at the end.
  bool next(std::string_view& line);
  // 1-based number of the line last returned (0 before the first).
  std::int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  // Back to the first line, for readers that take two passes over a file.
  void rewind();

 private:
  // Moves the unread bytes to the front and reads more; false when nothing more came.
  bool refill();

  std::string path_;
  gzFile file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last valid byte
  bool at_eof_ = false;
  std::int64_t line_number_ = 0;
};

}  // namespace nmfkit::io::detail
