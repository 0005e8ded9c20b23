#include "input_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io::detail {

namespace {
constexpr std::size_t kChunk = std::size_t{1} << 20;
constexpr unsigned kZlibBuffer = 1U << 18;
// A "line" this long is a binary file or a runaway; fail before exhausting memory.
constexpr std::size_t kMaxLine = std::size_t{1} << 30;
}  // namespace

std::string system_message(int error_number) {
  return std::strerror(error_number);
}

void require_input_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw IoError("cannot open '" + path + "': no such file");
  }
  if (ec) throw IoError("cannot open '" + path + "': " + ec.message());
  if (status.type() == std::filesystem::file_type::directory) {
    throw IoError("cannot read '" + path + "': it is a directory");
  }
}

LineReader::LineReader(std::string path) : path_(std::move(path)) {
  require_input_file(path_);
  errno = 0;
  file_ = gzopen(path_.c_str(), "rb");
  if (file_ == nullptr) {
    throw IoError("cannot open '" + path_ +
                  "': " + (errno != 0 ? system_message(errno) : std::string("out of memory")));
  }
  gzbuffer(file_, kZlibBuffer);
  buffer_.resize(kChunk);
}

LineReader::~LineReader() {
  if (file_ != nullptr) gzclose_r(file_);
}

bool LineReader::refill() {
  if (at_eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < kChunk / 2) {
    if (buffer_.size() >= kMaxLine) {
      throw FormatError::at_line(path_, line_number_ + 1,
                                 "line longer than 1 GiB; is this a text file?");
    }
    buffer_.resize(buffer_.size() * 2);
  }
  const auto want = static_cast<unsigned>(buffer_.size() - end_);
  const int got = gzread(file_, buffer_.data() + end_, want);
  if (got <= 0) {
    // zlib reports a truncated gzip stream as a short read, so ask it.
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    if (code == Z_ERRNO) {
      throw IoError("cannot read '" + path_ + "': " + system_message(errno));
    }
    if (got < 0 || code != Z_OK) {
      const std::string what = code == Z_BUF_ERROR ? "the gzip data ends early (truncated file)"
                                                   : std::string("corrupt gzip data: ") + message;
      throw FormatError::at_line(path_, line_number_ + 1, what);
    }
    at_eof_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(got);
  return true;
}

void LineReader::rewind() {
  if (gzrewind(file_) != 0) {
    throw IoError("cannot read '" + path_ + "' again: " + system_message(errno));
  }
  begin_ = end_ = 0;
  at_eof_ = false;
  line_number_ = 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = begin_;
  while (true) {
    const char* data = buffer_.data();
    const void* newline = std::memchr(data + scanned, '\n', end_ - scanned);
    if (newline != nullptr) {
      const auto stop = static_cast<std::size_t>(static_cast<const char*>(newline) - data);
      line = std::string_view(data + begin_, stop - begin_);
      begin_ = stop + 1;
      break;
    }
    scanned = end_ - begin_;  // offset of the unscanned part once refill() moves it
    if (!refill()) {
      if (begin_ == end_) return false;
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // no final newline
      begin_ = end_;
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line_number_ == 0 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // BOM
  ++line_number_;
  return true;
}

}  // namespace nmfkit::io::detail
