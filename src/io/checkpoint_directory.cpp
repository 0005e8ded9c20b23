#include "nmfkit/io/checkpoint_directory.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/checkpoint_file.hpp"
#include "nmfkit/io/text_file.hpp"

namespace nmfkit::io {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFingerprint = "fingerprint.txt";
constexpr const char* kSuffix = ".ckpt";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line that differs, as "key: theirs (now: ours)".
std::string first_difference(const std::vector<std::string>& saved,
                             const std::vector<std::string>& now) {
  for (std::size_t i = 0; i < std::max(saved.size(), now.size()); ++i) {
    const std::string a = i < saved.size() ? saved[i] : "(nothing)";
    const std::string b = i < now.size() ? now[i] : "(nothing)";
    if (a != b) return "it has '" + a + "', this run '" + b + "'";
  }
  return "";
}

// "ck/" names the directory "ck" (and its lock ".ck.lock").
fs::path without_trailing_separator(fs::path path) {
  return path.filename().empty() && path.has_parent_path() ? path.parent_path() : path;
}

}  // namespace

CheckpointDirectory::CheckpointDirectory(fs::path path, const std::string& fingerprint,
                                         const std::string& flag)
    : path_(without_trailing_separator(std::move(path))), lock_(path_) {
  std::error_code error;
  if (fs::exists(path_ / kFingerprint, error)) {
    const std::vector<std::string> saved = read_lines((path_ / kFingerprint).string());
    const std::vector<std::string> now = lines_of(fingerprint);
    if (saved != now) {
      throw InvalidArgument(flag + " " + path_.string() +
                            " holds the checkpoint of another run (other inputs or options: " +
                            first_difference(saved, now) +
                            "); remove it to start over, or give another " + flag);
    }
    for (const auto& entry : fs::directory_iterator(path_, error)) {
      if (entry.path().extension() == kSuffix) resumed_ = true;
    }
    return;
  }
  if (fs::exists(path_, error) && !fs::is_empty(path_, error)) {
    throw InvalidArgument(flag + " " + path_.string() +
                          " exists and is not a checkpoint (no fingerprint.txt); give an empty "
                          "or new directory");
  }
  fingerprint_ = fingerprint;
}

// Created with the first save, so that a run that fails before it leaves nothing behind.
void CheckpointDirectory::create() const {
  std::error_code error;
  fs::create_directories(path_, error);
  if (error) {
    throw IoError("cannot create the checkpoint directory '" + path_.string() +
                  "': " + error.message());
  }
  write_text_file((path_ / kFingerprint).string(), fingerprint_);
}

std::optional<CheckpointRecord> CheckpointDirectory::load(const std::string& unit) const {
  const fs::path file = path_ / (unit + kSuffix);
  std::error_code error;
  if (!fs::exists(file, error)) return std::nullopt;
  CheckpointRecord record = read_checkpoint_record(file);
  record.unit = unit;
  return record;
}

void CheckpointDirectory::save(const std::string& unit, const CheckpointRecord& record) const {
  {
    const std::lock_guard lock(mutex_);
    if (!fingerprint_.empty()) {
      create();
      fingerprint_.clear();
    }
  }
  write_checkpoint_record(path_ / (unit + kSuffix), record);
}

void CheckpointDirectory::remove() const {
  std::error_code error;
  fs::remove_all(path_, error);
}

namespace {

std::string file_digest(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read '" + path.string() + "'");
  // FNV-1a over every byte: not a cryptographic hash, only a witness that the input is
  // the one the checkpoint was made from.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  std::uint64_t size = 0;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < got; ++i) {
      hash ^= static_cast<unsigned char>(buffer[i]);
      hash *= 0x100000001b3ULL;
    }
    size += got;
  }
  if (in.bad()) throw IoError("cannot read '" + path.string() + "'");
  char text[64];
  std::snprintf(text, sizeof text, "size %llu, fnv1a-64 %016llx",
                static_cast<unsigned long long>(size), static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

std::string input_digest(const fs::path& path) {
  std::error_code error;
  if (!fs::is_directory(path, error)) return file_digest(path);
  // A folder (a model from fit, a corpus from vectorize): every file in it, by name.
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end; it.increment(error))
    if (it->is_regular_file()) files.push_back(it->path());
  if (error) throw IoError("cannot list '" + path.string() + "': " + error.message());
  std::sort(files.begin(), files.end());
  std::string out = "folder of " + std::to_string(files.size()) + " files";
  for (const fs::path& file : files)
    out += "; " + fs::relative(file, path).string() + ": " + file_digest(file);
  return out;
}

}  // namespace nmfkit::io
