#pragma once
// How long computations talk to their caller: messages for verbose output, structured step
// reports for a progress display, and a cancellation poll. All are optional.

#include <cstdint>
#include <functional>
#include <string>

namespace nmfkit {

// One report of a computation's advance: `done` of `total` units of `task`. The library only
// reports; how it is shown (a bar on a terminal, lines in a log) is the caller's choice
// (core/progress_display.hpp).
struct ProgressStep {
  std::string task{};      // what runs: "fit", "select-k", "associate", "vectorize"
  std::string unit{};      // what is counted, plural: "iterations", "fits", "targets"
  std::int64_t done = 0;   // units completed so far
  std::int64_t total = 0;  // units there will be; 0 when unknown (iterations until convergence)
  std::int64_t bound = 0;  // with total unknown: at most this many (max_iter); 0: no bound
  std::string measure{};   // with total unknown: where the stopping rule stands, "change 3.1e-04"
  bool last = false;       // the task's final report (finished or stopped early)
};

struct Progress {
  // Receives one line (without newline) per verbose event; unset means stdout.
  std::function<void(const std::string&)> log;
  // Receives step reports, possibly from several threads at once; unset means none.
  std::function<void(const ProgressStep&)> step;
  // Polled once per iteration; returning true makes the computation throw Cancelled.
  std::function<bool()> cancel_requested;

  void message(const std::string& line) const;
  void report(const ProgressStep& step) const;
  void check_cancelled() const;
  // This Progress without step reports: for the fits inside a larger computation, which
  // reports its own steps (one bar for a select-k run, not one per fit).
  Progress without_steps() const;
};

}  // namespace nmfkit
