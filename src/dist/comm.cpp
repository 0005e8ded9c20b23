// The communicator of this program's processes: MPI's world where this build has MPI and
// a launcher started the program, else one process. The only file that includes mpi.h.

#include "nmfkit/dist/comm.hpp"

#include <climits>
#include <cstring>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "nmfkit/core/error.hpp"

#if defined(NMFKIT_WITH_MPI)
#include <mpi.h>
#endif

namespace nmfkit::dist {

void SerialComm::abort(int code) const {
  std::_Exit(code);
}

void SerialComm::send(int, const Bytes&) const {
  throw std::logic_error("SerialComm::send: one process has no other to send to");
}

Comm::Bytes SerialComm::receive(int) const {
  throw std::logic_error("SerialComm::receive: one process has no other to receive from");
}

int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* value = std::getenv(name)) {
      const int size = std::atoi(value);
      if (size > 0) return size;
    }
  }
  return 1;
}

namespace {

bool launched() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#if defined(NMFKIT_WITH_MPI)
class MpiComm final : public Comm {
 public:
  // MPI's world, initialised here unless the program did it.
  MpiComm() : comm_(MPI_COMM_WORLD) {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      int provided = 0;
      // OpenMP threads compute; only the main thread calls MPI.
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
      owns_ = true;
    }
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  // A communicator the program made (and initialised MPI for); `owned` ones are freed here.
  explicit MpiComm(MPI_Comm comm, bool owned = false) : comm_(comm), frees_(owned) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  ~MpiComm() override {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (frees_ && !finalised) MPI_Comm_free(&comm_);
    if (owns_ && !finalised) MPI_Finalize();
  }
  MpiComm(const MpiComm&) = delete;
  MpiComm& operator=(const MpiComm&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(double* values, Index count) const override {
    MPI_Allreduce(MPI_IN_PLACE, values, to_int(count, "values"), MPI_DOUBLE, MPI_SUM, comm_);
  }
  void sum(float* values, Index count) const override {
    MPI_Allreduce(MPI_IN_PLACE, values, to_int(count, "values"), MPI_FLOAT, MPI_SUM, comm_);
  }
  using Comm::sum;
  double max(double value) const override {
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, comm_);
    return value;
  }
  bool all(bool ok) const override {
    int flag = ok ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MIN, comm_);
    return flag == 1;
  }
  void gather_rows(double* rows, const std::vector<Index>& offsets, Index length) const override {
    gather(rows, offsets, length, MPI_DOUBLE);
  }
  void gather_rows(float* rows, const std::vector<Index>& offsets, Index length) const override {
    gather(rows, offsets, length, MPI_FLOAT);
  }
  // Sent in words of 8 bytes, so one message can hold 16 GiB (MPI counts are ints).
  Parts exchange(Parts out) const override {
    const auto P = static_cast<std::size_t>(size_);
    std::vector<long long> out_bytes(P), in_bytes(P);
    for (std::size_t q = 0; q < P; ++q) {
      if (out.sizes[q] % 8 != 0) throw std::logic_error("MpiComm::exchange: parts of 8 bytes");
      out_bytes[q] = static_cast<long long>(out.sizes[q]);
    }
    MPI_Alltoall(out_bytes.data(), 1, MPI_LONG_LONG, in_bytes.data(), 1, MPI_LONG_LONG, comm_);
    std::vector<int> out_counts(P), out_at(P), in_counts(P), in_at(P);
    Index out_total = 0, in_total = 0;
    for (std::size_t q = 0; q < P; ++q) {
      out_counts[q] = to_int(words(out_bytes[q]), "bytes");
      in_counts[q] = to_int(words(in_bytes[q]), "bytes");
      out_at[q] = to_int(out_total, "bytes");
      in_at[q] = to_int(in_total, "bytes");
      out_total += out_counts[q];
      in_total += in_counts[q];
    }
    Parts in;
    in.bytes.resize(static_cast<std::size_t>(in_total) * 8);
    in.sizes.assign(in_bytes.begin(), in_bytes.end());
    // std::vector's storage is aligned for any fundamental type: it holds the words.
    MPI_Alltoallv(out.bytes.data(), out_counts.data(), out_at.data(), MPI_UINT64_T,
                  in.bytes.data(), in_counts.data(), in_at.data(), MPI_UINT64_T, comm_);
    return in;
  }
  void send(int to, const Bytes& data) const override {
    long long bytes = static_cast<long long>(data.size());
    MPI_Send(&bytes, 1, MPI_LONG_LONG, to, 0, comm_);
    std::vector<std::uint64_t> buffer(static_cast<std::size_t>(words(bytes)));
    if (bytes > 0) std::memcpy(buffer.data(), data.data(), data.size());
    MPI_Send(buffer.data(), to_int(words(bytes), "bytes"), MPI_UINT64_T, to, 1, comm_);
  }
  Bytes receive(int from) const override {
    long long bytes = 0;
    MPI_Recv(&bytes, 1, MPI_LONG_LONG, from, 0, comm_, MPI_STATUS_IGNORE);
    std::vector<std::uint64_t> buffer(static_cast<std::size_t>(words(bytes)));
    MPI_Recv(buffer.data(), to_int(words(bytes), "bytes"), MPI_UINT64_T, from, 1, comm_,
             MPI_STATUS_IGNORE);
    Bytes data(static_cast<std::size_t>(bytes));
    if (bytes > 0) std::memcpy(data.data(), buffer.data(), data.size());
    return data;
  }
  void broadcast(Bytes& data, int root) const override {
    long long bytes = static_cast<long long>(data.size());
    MPI_Bcast(&bytes, 1, MPI_LONG_LONG, root, comm_);
    std::vector<std::uint64_t> buffer(static_cast<std::size_t>(words(bytes)));
    if (rank_ == root && bytes > 0) std::memcpy(buffer.data(), data.data(), data.size());
    MPI_Bcast(buffer.data(), to_int(words(bytes), "bytes"), MPI_UINT64_T, root, comm_);
    data.resize(static_cast<std::size_t>(bytes));
    if (bytes > 0) std::memcpy(data.data(), buffer.data(), data.size());
  }
  std::unique_ptr<Comm> split(int color, int key) const override {
    MPI_Comm part;
    MPI_Comm_split(comm_, color, key, &part);
    return std::make_unique<MpiComm>(part, /*owned=*/true);
  }
  [[noreturn]] void abort(int code) const override {
    MPI_Abort(comm_, code);
    std::_Exit(code);
  }

 private:
  static int to_int(Index count, const char* what) {
    if (count < 0 || count > INT_MAX) {
      throw InvalidArgument(std::string("MPI: too many ") + what + " in one message (" +
                            std::to_string(count) + ")");
    }
    return static_cast<int>(count);
  }
  static Index words(long long bytes) { return (bytes + 7) / 8; }
  // Counts in whole rows (one derived type per row), so a message can hold INT_MAX rows.
  void gather(void* rows, const std::vector<Index>& offsets, Index length,
              MPI_Datatype element) const {
    if (length == 0) return;
    std::vector<int> counts(static_cast<std::size_t>(size_));
    std::vector<int> displacements(static_cast<std::size_t>(size_));
    for (int p = 0; p < size_; ++p) {
      displacements[p] = to_int(offsets[p], "rows");
      counts[p] = to_int(offsets[p + 1] - offsets[p], "rows");
    }
    MPI_Datatype row;
    MPI_Type_contiguous(to_int(length, "elements per row"), element, &row);
    MPI_Type_commit(&row);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rows, counts.data(), displacements.data(),
                   row, comm_);
    MPI_Type_free(&row);
  }

  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  bool owns_ = false;   // initialised MPI: finalises it
  bool frees_ = false;  // made by split: frees the communicator
};
#endif

}  // namespace

std::unique_ptr<Comm> mpi_communicator(const void* mpi_comm) {
#if defined(NMFKIT_WITH_MPI)
  if (mpi_comm == nullptr) throw InvalidArgument("mpi_communicator: no communicator given");
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) throw InvalidArgument("mpi_communicator: MPI is not initialised");
  return std::make_unique<MpiComm>(*static_cast<const MPI_Comm*>(mpi_comm));
#else
  (void)mpi_comm;
  throw InvalidArgument(
      "this build of nmfkit has no MPI support; rebuild with "
      "-DNMFKIT_WITH_MPI=ON (and Open MPI installed)");
#endif
}

bool built_with_mpi() {
#if defined(NMFKIT_WITH_MPI)
  return true;
#else
  return false;
#endif
}

void check_launch(bool with_mpi, int processes) {
  if (!with_mpi && processes > 1) {
    throw InvalidArgument("this build of nmfkit has no MPI support, but " +
                          std::to_string(processes) +
                          " processes were started; rebuild with -DNMFKIT_WITH_MPI=ON (and "
                          "Open MPI installed) or run one process");
  }
}

Comm::Bytes in_rank_order(const Comm& comm,
                          const std::function<Comm::Bytes(Comm::Bytes)>& step) {
  const int rank = comm.rank(), last = comm.size() - 1;
  Comm::Bytes state = step(rank == 0 ? Comm::Bytes() : comm.receive(rank - 1));
  if (rank < last) comm.send(rank + 1, state);
  comm.broadcast(state, last);
  return state;
}

const Comm& world() {
#if defined(NMFKIT_WITH_MPI)
  if (launched()) {
    static const MpiComm mpi;
    return mpi;
  }
#endif
  static const SerialComm serial;
  return serial;
}

}  // namespace nmfkit::dist
