#include "output_file.hpp"

#include <cerrno>
#include <cstring>

#include "input_file.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::io::detail {

bool has_gz_suffix(const std::string& path) {
  if (path.size() < 3) return false;
  const std::string_view tail(path.data() + path.size() - 3, 3);
  return tail[0] == '.' && (tail[1] == 'g' || tail[1] == 'G') && (tail[2] == 'z' || tail[2] == 'Z');
}

OutputFile::OutputFile(const std::filesystem::path& path, std::string name, bool gzip)
    : name_(std::move(name)) {
  errno = 0;
  // "x": exclusive creation, so a temporary name can never clobber another file.
  if (gzip) {
    gz_ = gzopen(path.c_str(), "wbx");
  } else {
    plain_ = std::fopen(path.c_str(), "wbx");
  }
  if (gz_ == nullptr && plain_ == nullptr) {
    throw IoError("cannot write '" + name_ +
                  "': " + (errno != 0 ? system_message(errno) : std::string("out of memory")));
  }
  if (gz_ != nullptr) gzbuffer(gz_, 1U << 18);
  text_.reserve(kFlushAt + 64);
}

OutputFile::~OutputFile() {
  if (plain_ != nullptr) std::fclose(plain_);
  if (gz_ != nullptr) gzclose_w(gz_);
}

void OutputFile::fail(const std::string& reason) {
  throw IoError("cannot write '" + name_ + "': " + reason);
}

void OutputFile::write_through(const char* data, std::size_t size) {
  if (plain_ != nullptr) {
    if (std::fwrite(data, 1, size, plain_) != size) fail(system_message(errno));
    return;
  }
  // gzwrite takes an unsigned length; feed very large blocks in pieces.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  while (size > 0) {
    const std::size_t piece = size < kPiece ? size : kPiece;
    if (gzwrite(gz_, data, static_cast<unsigned>(piece)) != static_cast<int>(piece)) {
      int code = Z_OK;
      const char* message = gzerror(gz_, &code);
      fail(code == Z_ERRNO ? system_message(errno) : std::string(message));
    }
    data += piece;
    size -= piece;
  }
}

void OutputFile::flush() {
  write_through(text_.data(), text_.size());
  text_.clear();
}

void OutputFile::write(std::string_view bytes) {
  text_.append(bytes);
  if (text_.size() >= kFlushAt) flush();
}

void OutputFile::write(const void* data, std::size_t size) {
  if (size < kFlushAt) {
    write(std::string_view(static_cast<const char*>(data), size));
    return;
  }
  flush();
  write_through(static_cast<const char*>(data), size);
}

void OutputFile::close() {
  flush();
  if (plain_ != nullptr) {
    std::FILE* file = plain_;
    plain_ = nullptr;
    if (std::fclose(file) != 0) fail(system_message(errno));
  }
  if (gz_ != nullptr) {
    gzFile file = gz_;
    gz_ = nullptr;
    const int code = gzclose_w(file);
    if (code != Z_OK) fail(code == Z_ERRNO ? system_message(errno) : "gzip error");
  }
}

}  // namespace nmfkit::io::detail
