#include <malloc.h>
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <thread>

#include "command.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/version.hpp"
#include "progress_output.hpp"

namespace {
constexpr int kExitFailure = 1;  // bad input data or parameters, unreadable files
constexpr int kExitUsage = 2;    // the command line does not parse

// Solvers free and re-allocate multi-megabyte blocks every iteration (Eigen's packing
// buffers among them). By default glibc serves each with a fresh mmap and hands it back,
// so every iteration pays page faults again; that was a third of a sparse fit's time.
// Keeping freed memory in the heap for reuse makes a 20 newsgroups fit ~1.5x faster.
void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
}

// With another process busy on a core, a thread that shares its core holds up every
// barrier and static loop of the others: on 2 cores, 2 threads took 1.7-2.3x as long
// as 1 (bench/README.md, "Under load"). So, unless OMP_NUM_THREADS says otherwise, use
// only the cores that are free at start-up; --threads overrides this per command.
void leave_busy_cores_alone() {
  if (std::getenv("OMP_NUM_THREADS") != nullptr) return;
  omp_set_num_threads(nmfkit::threads_for_current_load());
}

// The last resort: an exception that nothing caught (one thrown inside an OpenMP parallel
// region, which cannot pass it on, or in a destructor) would abort with a core dump and
// the compiler's wording. It becomes the usual one line and exit status instead. Output
// files are written whole or not at all (atomic_file.hpp), so nothing partial remains.
[[noreturn]] void on_terminate() {
  std::string what = "an internal error ended the run";
  if (const std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::bad_alloc&) {
      what = "out of memory";
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
  }
  std::fputs(("nmfkit: error: " + what + "\n").c_str(), stderr);
  std::_Exit(kExitFailure);
}

int fail(int code, const std::string& message) {
  nmfkit::cli::clear_progress();
  std::cerr << "nmfkit: error: " << message << '\n';
  return code;
}

// Under mpirun a process that fails ends them all (the others may be waiting for it),
// naming itself. Bad input fails every process alike: the others give the first one a
// moment to end the job, so that one message is printed, not one per process.
int fail_everywhere(int code, const std::string& message) {
  using std::chrono::milliseconds;
  const nmfkit::dist::Comm& world = nmfkit::dist::world();
  if (world.size() == 1) return fail(code, message);
  if (world.rank() != 0) std::this_thread::sleep_for(milliseconds(500));
  nmfkit::cli::clear_progress();
  const std::string line = "nmfkit: error (process " + std::to_string(world.rank()) + " of " +
                           std::to_string(world.size()) + "): " + message + "\n";
  std::cerr.flush();
  // One write, so that no other process's output lands inside the line.
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  world.abort(code);
  return code;  // not reached: abort ends the process
}
// Under mpirun only the commands that share their work out may run: any other would run
// whole in every process, each writing the same files.
void check_command_spreads(int argc, char** argv) {
  if (argc < 2 || nmfkit::dist::world().size() == 1) return;
  const std::string command = argv[1];
  if (command != "fit" && command != "select-k" && command[0] != '-') {
    throw nmfkit::InvalidArgument("'nmfkit " + command +
                                  "' runs in one process; under mpirun only fit and select-k "
                                  "spread over the processes");
  }
}
}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(on_terminate);
  // Past a file-size limit (ulimit -f) a write fails with EFBIG, reported as any other
  // write error, instead of the signal ending the process without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  keep_freed_memory_for_reuse();
  leave_busy_cores_alone();
  CLI::App app{"nmfkit: non-negative matrix factorisation and topic models"};
  app.set_version_flag("--version", std::string("nmfkit ") + nmfkit::kVersion);
  app.require_subcommand(1);
  nmfkit::cli::add_fit_command(app);
  nmfkit::cli::add_transform_command(app);
  nmfkit::cli::add_update_command(app);
  nmfkit::cli::add_info_command(app);
  nmfkit::cli::add_convert_command(app);
  nmfkit::cli::add_demo_command(app);
  nmfkit::cli::add_svd_command(app);
  nmfkit::cli::add_vectorize_command(app);
  nmfkit::cli::add_topics_command(app);
  nmfkit::cli::add_cluster_command(app);
  nmfkit::cli::add_select_k_command(app);
  nmfkit::cli::add_consensus_command(app);
  nmfkit::cli::add_impute_command(app);
  nmfkit::cli::add_identifiability_command(app);
  nmfkit::cli::add_multimodal_command(app);
  nmfkit::cli::add_associate_command(app);
  nmfkit::cli::add_tensor_command(app);
  nmfkit::cli::add_report_command(app);
  nmfkit::cli::add_quiet_flag(app);

  try {
    nmfkit::dist::check_launch();
    check_command_spreads(argc, argv);
    app.parse(argc, argv);
    nmfkit::cli::clear_progress();
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help and --version
  } catch (const CLI::ParseError& e) {
    return fail_everywhere(kExitUsage, e.what());
  } catch (const std::bad_alloc&) {
    return fail_everywhere(kExitFailure, "out of memory");
  } catch (const std::exception& e) {
    return fail_everywhere(kExitFailure, e.what());
  } catch (...) {
    return fail_everywhere(kExitFailure, "an internal error ended the run");
  }
  return 0;
}
