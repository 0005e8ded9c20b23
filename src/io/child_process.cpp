#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"

namespace nmfkit::io::detail {

namespace {

// What the child sends first: a result follows, or an exception of one of these kinds.
enum Tag : std::uint8_t {
  kResult = 0,
  kInvalidArgument,
  kFormatError,
  kIoError,
  kError,
  kOutOfMemory,
  kOther
};

enum MatrixKind : std::uint8_t { kDenseFloat, kDenseDouble, kSparseFloat, kSparseDouble };

// A child must not run the parent's atexit handlers or flush its copied stdio buffers.
[[noreturn]] void end_child(int code) {
  ::_exit(code);
}

template <class T>
void write_dense(ResultWriter& w, const DenseMatrix<T>& m) {
  w.bytes(m.data(), static_cast<std::size_t>(m.size()) * sizeof(T));
}

template <class T>
void write_sparse(ResultWriter& w, const SparseMatrix<T>& m) {
  w.number(static_cast<std::uint64_t>(m.nonZeros()));
  const auto outer = static_cast<std::size_t>(m.outerSize()) + 1;
  const auto stored = static_cast<std::size_t>(m.nonZeros());
  w.bytes(m.outerIndexPtr(), outer * sizeof(std::int64_t));
  w.bytes(m.innerIndexPtr(), stored * sizeof(std::int64_t));
  w.bytes(m.valuePtr(), stored * sizeof(T));
}

template <class T>
AnyMatrix read_dense(ResultReader& r, Index rows, Index cols) {
  DenseMatrix<T> m(rows, cols);
  r.bytes(m.data(), static_cast<std::size_t>(m.size()) * sizeof(T));
  return m;
}

// The child checked the structure already; it is checked again here because a library
// that overran a buffer in the child may have written over the result before it was sent.
[[noreturn]] void garbled() {
  throw Error("the process that read the file sent back an inconsistent matrix");
}

template <class T>
AnyMatrix read_sparse(ResultReader& r, Index rows, Index cols) {
  const auto stored = static_cast<Index>(r.number());
  if (stored < 0) garbled();
  AnyMatrix result{SparseMatrix<T>(rows, cols)};
  auto& m = std::get<SparseMatrix<T>>(result.storage());
  m.resizeNonZeros(stored);
  r.bytes(m.outerIndexPtr(), (static_cast<std::size_t>(rows) + 1) * sizeof(std::int64_t));
  r.bytes(m.innerIndexPtr(), static_cast<std::size_t>(stored) * sizeof(std::int64_t));
  r.bytes(m.valuePtr(), static_cast<std::size_t>(stored) * sizeof(T));
  const auto* outer = m.outerIndexPtr();
  const auto* inner = m.innerIndexPtr();
  if (outer[0] != 0 || outer[rows] != stored) garbled();
  for (Index i = 0; i < rows; ++i) {
    if (outer[i + 1] < outer[i]) garbled();
    for (auto p = outer[i]; p < outer[i + 1]; ++p) {
      if (inner[p] < 0 || inner[p] >= cols || (p > outer[i] && inner[p] <= inner[p - 1]))
        garbled();
    }
  }
  return result;
}

// Reaps the child however the parent's reading ends; one that is still running then
// (the parent stopped reading early) is killed first.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  // The child's wait status, once it has ended.
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  int get() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Thrown by ResultReader when the pipe ends before the result does.
struct ChildEnded {};

// A corrupt size can also make the library allocate and clear terabytes, which, with
// overcommit, pages the machine for minutes before anything fails. The child may take
// what the machine has free beyond what it shares with the parent; past that its
// allocations fail, which the library reports as an error.
void limit_child_memory() {
  const std::uint64_t available = available_memory();
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (!(statm >> pages) || page_size <= 0 ||
      available == std::numeric_limits<std::uint64_t>::max()) {
    return;
  }
  const std::uint64_t mapped = pages * static_cast<std::uint64_t>(page_size);
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0) return;
  const auto bound = static_cast<rlim_t>(mapped + available);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur <= bound) return;
  limit.rlim_cur = bound;
  ::setrlimit(RLIMIT_AS, &limit);
}

// HDF5 can loop for ever on corrupt metadata (fuzzing found a file whose flipped address
// sends it round a cycle). The child gets CPU time in proportion to the file, 5 s plus 1 s
// per 10 MB, far more than a healthy read takes; past it the kernel ends the child with
// SIGXCPU, and the parent reports the file as corrupt instead of waiting for ever.
rlim_t cpu_seconds_for(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return 5 + (error ? 0 : static_cast<rlim_t>(size / 10'000'000));
}

void limit_child_cpu(rlim_t seconds) {
  const rlimit limit{seconds, seconds + 5};
  ::setrlimit(RLIMIT_CPU, &limit);
}

[[noreturn]] void child_main(int fd, const std::function<void(ResultWriter&)>& produce,
                             rlim_t cpu_seconds) {
  limit_child_memory();
  limit_child_cpu(cpu_seconds);
  ResultWriter writer(fd);
  auto fail = [&](Tag tag, const char* message) {
    const auto t = static_cast<std::uint8_t>(tag);
    writer.bytes(&t, 1);
    writer.text(message);
    end_child(0);
  };
  try {
    produce(writer);
  } catch (const InvalidArgument& e) {
    fail(kInvalidArgument, e.what());
  } catch (const FormatError& e) {
    fail(kFormatError, e.what());
  } catch (const IoError& e) {
    fail(kIoError, e.what());
  } catch (const Error& e) {
    fail(kError, e.what());
  } catch (const std::bad_alloc&) {
    fail(kOutOfMemory, "");
  } catch (const std::exception& e) {
    fail(kOther, e.what());
  } catch (...) {
    fail(kOther, "an unknown error");
  }
  end_child(0);
}

std::string signal_text(int signal) {
  const char* name = ::strsignal(signal);
  return "signal " + std::to_string(signal) + (name != nullptr ? std::string(", ") + name : "");
}

}  // namespace

void ResultWriter::bytes(const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) end_child(1);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void ResultWriter::begin_result() {
  const auto tag = static_cast<std::uint8_t>(kResult);
  bytes(&tag, 1);
}

void ResultWriter::text(const std::string& value) {
  number(value.size());
  bytes(value.data(), value.size());
}

void ResultWriter::texts(const std::vector<std::string>& values) {
  number(values.size());
  for (const auto& value : values) text(value);
}

void ResultWriter::matrix(const AnyMatrix& matrix) {
  matrix.visit([&](const auto& m) {
    using M = std::decay_t<decltype(m)>;
    using T = typename M::Scalar;
    constexpr bool sparse = std::is_same_v<M, SparseMatrix<T>>;
    constexpr bool single = std::is_same_v<T, float>;
    const std::uint8_t kind = sparse ? (single ? kSparseFloat : kSparseDouble)
                                     : (single ? kDenseFloat : kDenseDouble);
    bytes(&kind, 1);
    number(static_cast<std::uint64_t>(m.rows()));
    number(static_cast<std::uint64_t>(m.cols()));
    if constexpr (sparse) {
      write_sparse(*this, m);
    } else {
      write_dense(*this, m);
    }
  });
}

void ResultReader::bytes(void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ChildEnded{};
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::uint64_t ResultReader::number() {
  std::uint64_t value = 0;
  bytes(&value, sizeof value);
  return value;
}

std::string ResultReader::text() {
  const std::uint64_t size = number();
  if (size > (std::uint64_t{1} << 32)) garbled();
  std::string value(size, '\0');
  bytes(value.data(), value.size());
  return value;
}

std::vector<std::string> ResultReader::texts() {
  const std::uint64_t count = number();
  if (count > (std::uint64_t{1} << 40)) garbled();
  std::vector<std::string> values;
  for (std::uint64_t i = 0; i < count; ++i) values.push_back(text());
  return values;
}

AnyMatrix ResultReader::matrix() {
  std::uint8_t kind = 0;
  bytes(&kind, 1);
  const auto rows = static_cast<Index>(number());
  const auto cols = static_cast<Index>(number());
  if (rows < 0 || cols < 0) garbled();
  switch (kind) {
    case kDenseFloat:
      return read_dense<float>(*this, rows, cols);
    case kDenseDouble:
      return read_dense<double>(*this, rows, cols);
    case kSparseFloat:
      return read_sparse<float>(*this, rows, cols);
    case kSparseDouble:
      return read_sparse<double>(*this, rows, cols);
    default:
      garbled();
  }
}

bool run_in_child(const std::string& path, const std::function<void(ResultWriter&)>& produce,
                  const std::function<void(ResultReader&)>& consume) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return false;
  Fd from_child(ends[0]);
  Fd to_parent(ends[1]);
  const rlim_t cpu_seconds = cpu_seconds_for(path);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    from_child.close();
    child_main(to_parent.get(), produce, cpu_seconds);
  }
  Child child(pid);
  to_parent.close();  // so that the pipe ends when the child does

  ResultReader reader(from_child.get());
  std::uint8_t tag = kResult;
  std::string message;
  try {
    reader.bytes(&tag, 1);
    if (tag == kResult) {
      consume(reader);
    } else {
      message = reader.text();
    }
  } catch (const ChildEnded&) {
    const int status = child.wait();
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
      throw FormatError(path, "/",
                        "the HDF5 library did not finish reading it within " +
                            std::to_string(cpu_seconds) + " s of CPU time: the file is corrupt");
    }
    if (WIFSIGNALED(status)) {
      throw FormatError(path, "/",
                        "the HDF5 library crashed reading it (" + signal_text(WTERMSIG(status)) +
                            "): the file is corrupt");
    }
    throw Error("the process that read '" + path + "' ended early (exit status " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  child.wait();
  switch (tag) {
    case kResult:
      return true;
    case kInvalidArgument:
      throw InvalidArgument(message);
    case kFormatError:
      throw FormatError::from_message(message);
    case kIoError:
      throw IoError(message);
    case kOutOfMemory:
      throw std::bad_alloc();
    default:
      throw Error(message);
  }
}

}  // namespace nmfkit::io::detail
