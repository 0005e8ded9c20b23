#pragma once
// Shows a computation's step reports (core/progress.hpp) to a person. On a terminal: one
// line redrawn in place with '\r', at most a few times a second: a bar, the percentage, the
// rate and the time left, or for an unknown total (iterations until convergence) the count,
// its upper bound, the rate and where the stopping rule stands. Elsewhere (a log file, a
// pipe): one line per tenth of the work, so that logs stay short and readable.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "nmfkit/core/progress.hpp"

namespace nmfkit {

// The text of one report, `seconds` after its task began with `start_done` units done:
// "fit  [#####...............]  25%  50/200 iterations  12.3/s  ETA 12 s" with `bar`, or
// "fit: 50/200 iterations (25%), 12.3/s, ETA 12 s" without.
std::string progress_text(const ProgressStep& step, double seconds, std::int64_t start_done,
                          bool bar);

// "0.4 s", "12 s", "3:05", "1:02:09".
std::string duration_text(double seconds);

class ProgressDisplay {
 public:
  // `terminal`: redraw one line (see is_terminal); `prefix` starts each plain line.
  ProgressDisplay(std::FILE* out, bool terminal, std::string prefix);

  // Shows a report; safe to call from several threads.
  void show(const ProgressStep& step);
  // Writes a line of text (newline added) after taking a drawn bar off the line; the bar
  // comes back with the next report.
  void print(const std::string& line);
  // Takes a drawn bar off the line, so that whatever follows starts on a clean one.
  void clear();

  static bool is_terminal(std::FILE* out);

 private:
  using Clock = std::chrono::steady_clock;
  void draw(const std::string& text);
  void erase();

  std::FILE* out_;
  bool terminal_;
  std::string prefix_;
  std::mutex mutex_;
  // The task being shown: a report of another task (or one counting from fewer units)
  // starts a new one.
  std::string task_;
  std::string unit_;
  std::int64_t last_done_ = -1;
  std::int64_t start_done_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool drawn_ = false;      // a frame is on the terminal's line
  std::size_t width_ = 0;   // the characters of that frame
  std::int64_t printed_ = 0;  // plain lines: the last tenth (or power of two) written
  bool finished_ = false;     // plain lines: the final line was written
};

}  // namespace nmfkit
