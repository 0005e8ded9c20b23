#pragma once
// The number of threads parallel work uses, set for a scope and restored after it, and
// the default when other work already holds some of the cores.

namespace nmfkit {

class ScopedThreadCount {
 public:
  // threads = 0 leaves the current setting (all cores unless OMP_NUM_THREADS says less).
  explicit ScopedThreadCount(int threads);
  ~ScopedThreadCount();
  ScopedThreadCount(const ScopedThreadCount&) = delete;
  ScopedThreadCount& operator=(const ScopedThreadCount&) = delete;

 private:
  int previous_;
};

// Threads for parallel work when `others_running` tasks of other processes are
// runnable on a machine of `online_cores` cores: one per core they leave free, at
// least one, at most `wanted`. A core shared with another task runs our thread only
// part of the time, and every static loop and barrier then waits for that thread;
// measured in bench/README.md ("Under load"), one thread on a free core is faster.
int threads_for_load(int wanted, int online_cores, int others_running);

// Runnable tasks other than the caller, as /proc/loadavg counts them now (the least
// of a few looks, so that a task that runs only for an instant is not counted);
// 0 when that cannot be read. Call it before any parallel region has started, or
// the caller's own spinning threads are counted too.
int other_running_tasks();

// threads_for_load(all cores we may use, online cores, other_running_tasks()).
int threads_for_current_load();

}  // namespace nmfkit
