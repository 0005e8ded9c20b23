#include <cmath>

#include "nmfkit/core/error.hpp"
#include "nmfkit/tensor/ntf.hpp"

namespace nmfkit {

namespace {
void require(bool condition, const std::string& parameter, const std::string& value,
             const std::string& allowed) {
  if (!condition) throw InvalidArgument(parameter + " must be " + allowed + ", got " + value);
}
}  // namespace

void NtfOptions::validate() const {
  require(n_components >= 1, "n_components", std::to_string(n_components), ">= 1");
  require(tol >= 0 && std::isfinite(tol), "tol", value_text(tol), ">= 0");
  require(max_iter >= 1, "max_iter", std::to_string(max_iter), ">= 1");
  require(patience >= 1, "patience", std::to_string(patience), ">= 1");
  require(n_threads >= 0, "n_threads", std::to_string(n_threads), ">= 0 (0: all cores)");
}

}  // namespace nmfkit
