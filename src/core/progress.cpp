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

void Progress::check_cancelled() const {
  if (cancel_requested && cancel_requested()) throw Cancelled();
}

}  // namespace nmfkit
