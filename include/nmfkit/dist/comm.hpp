#pragma once
// The processes one fit is spread over. Everything distributed talks through this small
// interface: SerialComm is one process (every operation a copy); the MPI communicator
// (src/dist/mpi_comm.cpp, the only file that sees MPI) is built with NMFKIT_WITH_MPI.
// Only the main thread calls it; OpenMP threads compute inside each process.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::dist {

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Sums `count` values over the processes, in place, in the same order on every process.
  virtual void sum(double* values, Index count) const = 0;
  virtual void sum(float* values, Index count) const = 0;
  double sum(double value) const {
    sum(&value, 1);
    return value;
  }
  virtual double max(double value) const = 0;
  // True on every process when `ok` is true on every process.
  virtual bool all(bool ok) const = 0;

  // `rows` is a row-major array of row_offsets.back() rows of `row_length` elements that
  // every process holds; process p owns rows [row_offsets[p], row_offsets[p + 1]). Fills
  // every process's copy with every owner's rows.
  virtual void gather_rows(double* rows, const std::vector<Index>& row_offsets,
                           Index row_length) const = 0;
  virtual void gather_rows(float* rows, const std::vector<Index>& row_offsets,
                           Index row_length) const = 0;

  // One part of `bytes` for every process, back to back: part q (sizes[q] bytes, a
  // multiple of 8) goes to process q. The answer holds what each process sent this one, by
  // sender (MPI_Alltoallv): how a process's rows of the input become other processes'
  // blocks (dist/row_slice.hpp). `out` is released before the answer is filled, so the
  // two are held together only while they travel.
  using Bytes = std::vector<std::byte>;
  struct Parts {
    Bytes bytes;
    std::vector<std::size_t> sizes;
  };
  virtual Parts exchange(Parts out) const = 0;
  // Point to point, for the few sums that must run through the processes in order.
  virtual void send(int to, const Bytes& data) const = 0;
  virtual Bytes receive(int from) const = 0;
  // `data` of process `root` on every process.
  virtual void broadcast(Bytes& data, int root) const = 0;

  // The processes with the same `color`, ranked by `key` (ties by rank): a collective call,
  // every process takes part and gets the communicator of its own color.
  virtual std::unique_ptr<Comm> split(int color, int key) const = 0;

  // Ends every process now with `code` (MPI_Abort): for a failure inside a fit, where the
  // others would otherwise wait for it forever.
  [[noreturn]] virtual void abort(int code) const = 0;
};

class SerialComm final : public Comm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum(double*, Index) const override {}
  void sum(float*, Index) const override {}
  using Comm::sum;
  double max(double value) const override { return value; }
  bool all(bool ok) const override { return ok; }
  void gather_rows(double*, const std::vector<Index>&, Index) const override {}
  void gather_rows(float*, const std::vector<Index>&, Index) const override {}
  Parts exchange(Parts out) const override { return out; }
  // One process has no one to talk to: send and receive are never called.
  void send(int, const Bytes&) const override;
  Bytes receive(int) const override;
  void broadcast(Bytes&, int) const override {}
  std::unique_ptr<Comm> split(int, int) const override { return std::make_unique<SerialComm>(); }
  [[noreturn]] void abort(int code) const override;
};

// Runs `step` on the processes one after the other in rank order, each continuing from the
// state the one before returned (process 0 from an empty state); every process gets the
// last one's. For sums that must add X's values in the order one process would.
Comm::Bytes in_rank_order(const Comm& comm, const std::function<Comm::Bytes(Comm::Bytes)>& step);

// The processes this program was started on: MPI's world when this build has MPI and a
// launcher (mpirun, srun) started it, else a SerialComm. Initialises MPI on first use and
// finalises it at exit.
const Comm& world();

// A communicator over an existing MPI communicator: `mpi_comm` points to an MPI_Comm (as
// mpi4py's MPI._addressof(comm) gives), which must stay valid while this is used. Throws
// InvalidArgument in builds without MPI.
std::unique_ptr<Comm> mpi_communicator(const void* mpi_comm);

// Whether this build was compiled with MPI.
bool built_with_mpi();

// How many processes a launcher says it started (Open MPI, MPICH and srun through PMI or
// PMIx), 1 if none.
int launcher_size();

// Throws InvalidArgument when a launcher started several processes (launcher_size) but
// the build has no MPI to talk to them with: each would silently run the whole job.
void check_launch(bool with_mpi, int processes);
inline void check_launch() {
  check_launch(built_with_mpi(), launcher_size());
}

}  // namespace nmfkit::dist
