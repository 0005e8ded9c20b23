#include "nmfkit/core/progress.hpp"

#include <iostream>

#include "nmfkit/core/error.hpp"

namespace nmfkit {

void Progress::message(const std::string& line) const {
  if (log) {
    log(line);
  } else {
    std::cout << line << '\n' << std::flush;
  }
}

void Progress::report(const ProgressStep& s) const {
  if (step) step(s);
}

void Progress::check_cancelled() const {
  if (cancel_requested && cancel_requested()) throw Cancelled();
}

Progress Progress::without_steps() const {
  Progress inner = *this;
  inner.step = nullptr;
  return inner;
}

}  // namespace nmfkit
