#include "nmfkit/core/thread_count.hpp"

#include <omp.h>
#include <sys/sysinfo.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

namespace nmfkit {

ScopedThreadCount::ScopedThreadCount(int threads) : previous_(omp_get_max_threads()) {
  if (threads > 0) omp_set_num_threads(threads);
}

ScopedThreadCount::~ScopedThreadCount() { omp_set_num_threads(previous_); }

int threads_for_load(int wanted, int online_cores, int others_running) {
  const int free_cores = online_cores - std::max(others_running, 0);
  return std::clamp(free_cores, 1, std::max(wanted, 1));
}

namespace {

// The fourth field of /proc/loadavg, "running/total": the tasks runnable right now,
// the reader included. -1 when it cannot be read.
int running_tasks() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  int running = -1;
  char slash = 0;
  if (!(in >> one >> five >> fifteen >> running >> slash) || slash != '/') return -1;
  return running;
}

}  // namespace

int other_running_tasks() {
  constexpr int kLooks = 3;
  int least = -1;
  for (int look = 0; look < kLooks; ++look) {
    if (look > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const int running = running_tasks();
    if (running < 1) return 0;
    least = least < 0 ? running : std::min(least, running);
  }
  return least - 1;
}

int threads_for_current_load() {
  return threads_for_load(omp_get_max_threads(), get_nprocs(), other_running_tasks());
}

}  // namespace nmfkit
