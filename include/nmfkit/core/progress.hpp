#pragma once
// How long computations talk to their caller: messages for verbose output and a
// cancellation poll. Both are optional.

#include <functional>
#include <string>

namespace nmfkit {

struct Progress {
  // Receives one line (without newline) per verbose event; unset means stdout.
  std::function<void(const std::string&)> log;
  // Polled once per iteration; returning true makes the computation throw Cancelled.
  std::function<bool()> cancel_requested;

  void message(const std::string& line) const;
  void check_cancelled() const;
};

}  // namespace nmfkit
