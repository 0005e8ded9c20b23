#include "nmfkit/io/checkpoint_file.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"

namespace nmfkit::io {

namespace {

constexpr char kMagic[] = "nmfkit-checkpoint\n";
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kLongestName = 4096;

class Writer {
 public:
  template <class V>
  void value(const V& v) {
    const auto* bytes = reinterpret_cast<const char*>(&v);
    out_.insert(out_.end(), bytes, bytes + sizeof v);
  }
  void name(const std::string& text) {
    value(static_cast<std::uint32_t>(text.size()));
    out_.insert(out_.end(), text.begin(), text.end());
  }
  void doubles(const double* data, std::size_t count) {
    const auto* bytes = reinterpret_cast<const char*>(data);
    out_.insert(out_.end(), bytes, bytes + count * sizeof(double));
  }
  const std::vector<char>& bytes() const { return out_; }

 private:
  std::vector<char> out_;
};

class Reader {
 public:
  Reader(std::string path, std::vector<char> bytes) : path_(std::move(path)), in_(std::move(bytes)) {}

  template <class V>
  V value() {
    V v;
    need(sizeof v, "a number");
    std::memcpy(&v, in_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string name() {
    const auto size = value<std::uint32_t>();
    if (size > kLongestName) fail("a name of at most 4096 bytes");
    need(size, "a name");
    std::string text(in_.data() + at_, size);
    at_ += size;
    return text;
  }
  void doubles(double* out, std::uint64_t count) {
    if (count > doubles_left()) fail("the values of a matrix");
    if (count == 0) return;
    std::memcpy(out, in_.data() + at_, count * sizeof(double));
    at_ += count * sizeof(double);
  }
  std::uint64_t doubles_left() const { return (in_.size() - at_) / sizeof(double); }
  bool at_end() const { return at_ == in_.size(); }
  [[noreturn]] void fail(const std::string& expected) const {
    throw FormatError::at_byte(path_, static_cast<std::int64_t>(at_),
                               "expected " + expected + " of a checkpoint record; the file is "
                               "damaged (remove the checkpoint to start over)");
  }

 private:
  void need(std::size_t size, const std::string& what) const {
    if (size > in_.size() - at_) fail(what);
  }
  std::string path_;
  std::vector<char> in_;
  std::size_t at_ = 0;
};

}  // namespace

void write_checkpoint_record(const std::filesystem::path& path, const CheckpointRecord& record) {
  Writer w;
  for (std::size_t i = 0; i + 1 < sizeof kMagic; ++i) w.value(kMagic[i]);
  w.value(kVersion);
  w.value(static_cast<std::uint64_t>(record.numbers.size()));
  for (const auto& [name, value] : record.numbers) {
    w.name(name);
    w.value(value);
  }
  w.value(static_cast<std::uint64_t>(record.matrices.size()));
  for (const auto& [name, m] : record.matrices) {
    w.name(name);
    w.value(static_cast<std::uint64_t>(m.rows()));
    w.value(static_cast<std::uint64_t>(m.cols()));
    w.doubles(m.data(), static_cast<std::size_t>(m.size()));
  }
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.flush();
    if (!out) throw IoError("cannot write the checkpoint file '" + path.string() + "'");
  }
  file.commit();
}

CheckpointRecord read_checkpoint_record(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read the checkpoint file '" + path.string() + "'");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError("cannot read the checkpoint file '" + path.string() + "'");
  Reader r(path.string(), std::move(bytes));
  for (std::size_t i = 0; i + 1 < sizeof kMagic; ++i) {
    if (r.value<char>() != kMagic[i]) r.fail("the header \"nmfkit-checkpoint\"");
  }
  if (r.value<std::uint32_t>() != kVersion) r.fail("format version 1");
  CheckpointRecord record;
  const auto numbers = r.value<std::uint64_t>();
  for (std::uint64_t i = 0; i < numbers; ++i) {
    std::string name = r.name();
    record.numbers[name] = r.value<double>();
  }
  const auto matrices = r.value<std::uint64_t>();
  for (std::uint64_t i = 0; i < matrices; ++i) {
    std::string name = r.name();
    const auto rows = r.value<std::uint64_t>();
    const auto cols = r.value<std::uint64_t>();
    // Checked before allocating: the rows·cols values must be in the file.
    if (rows > 0 && cols > r.doubles_left() / rows) r.fail("the values of a matrix");
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    r.doubles(m.data(), rows * cols);
    record.matrices[name] = std::move(m);
  }
  if (!r.at_end()) r.fail("the end of the file");
  return record;
}

}  // namespace nmfkit::io
