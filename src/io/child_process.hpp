#pragma once
// Internal to the readers: running a reader in a child process, for file formats read
// through a C library that trusts what the file says. HDF5 1.10 (Debian's) reads sizes
// from a file's metadata and copies that many bytes: one flipped bit in a global heap
// crashes it inside H5Dread, where no check of ours can reach. In a child, such a crash
// ends the child only, and the parent reports the file as corrupt.
//
// The child sends its result back through a pipe as a stream of plain values; the parent
// decodes it as it arrives, so the result is never held twice in one process.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io::detail {

// The child's end of the pipe. A failed write ends the child (the parent has gone).
class ResultWriter {
 public:
  explicit ResultWriter(int fd) : fd_(fd) {}
  // Says that a result follows (rather than an error); first, once the result is ready.
  void begin_result();
  void bytes(const void* data, std::size_t size);
  void number(std::uint64_t value) { bytes(&value, sizeof value); }
  void text(const std::string& value);
  void texts(const std::vector<std::string>& values);
  void matrix(const AnyMatrix& matrix);

 private:
  int fd_;
};

// The parent's end. Running out of bytes means the child ended early; the caller learns
// why from run_in_child, which throws then.
class ResultReader {
 public:
  explicit ResultReader(int fd) : fd_(fd) {}
  void bytes(void* data, std::size_t size);
  std::uint64_t number();
  std::string text();
  std::vector<std::string> texts();
  AnyMatrix matrix();

 private:
  int fd_;
};

// Runs `produce` in a child process and `consume` here on what it writes after
// begin_result() (anything thrown before is passed on instead), and returns
// true; returns false, running nothing, where no child can be started (fork fails). An
// exception that `produce` throws is thrown again here with its type (InvalidArgument,
// FormatError, IoError, Error, std::bad_alloc) and message. A child that dies (a crash
// inside the library) becomes a FormatError naming `path`.
bool run_in_child(const std::string& path, const std::function<void(ResultWriter&)>& produce,
                  const std::function<void(ResultReader&)>& consume);

// `read()` run in a child, its result sent back with encode(writer, result) and rebuilt
// with decode(reader); run here when no child can be started.
template <class Read, class Encode, class Decode>
auto read_in_child(const std::string& path, Read read, Encode encode, Decode decode) {
  using Result = decltype(read());
  std::optional<Result> result;
  const bool ran = run_in_child(
      path,
      [&](ResultWriter& writer) {
        const Result result_here = read();
        writer.begin_result();
        encode(writer, result_here);
      },
      [&](ResultReader& reader) { result.emplace(decode(reader)); });
  if (!ran) return read();
  return std::move(*result);
}

}  // namespace nmfkit::io::detail
