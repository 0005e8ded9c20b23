// The communicator of this program's processes: MPI's world where this build has MPI and
// a launcher started the program, else one process. The only file that includes mpi.h.

#include "nmfkit/dist/comm.hpp"

#include <climits>
#include <cstdlib>
#include <string>

#include "nmfkit/core/error.hpp"

#if defined(NMFKIT_WITH_MPI)
#include <mpi.h>
#endif

namespace nmfkit::dist {

void SerialComm::abort(int code) const {
  std::_Exit(code);
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
