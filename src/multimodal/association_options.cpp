#include <cmath>
#include <sstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/multimodal/associations.hpp"

namespace nmfkit::multimodal {

namespace {
void require(bool condition, const std::string& parameter, double value,
             const std::string& allowed) {
  if (!condition)
    throw InvalidArgument(parameter + " must be " + allowed + ", got " + value_text(value));
}
}  // namespace

std::string to_string(AssociationMode mode) {
  return mode == AssociationMode::Faithful ? "faithful" : "corrected";
}

AssociationMode parse_association_mode(const std::string& name) {
  if (name == "faithful") return AssociationMode::Faithful;
  if (name == "corrected") return AssociationMode::Corrected;
  throw InvalidArgument("unknown association mode '" + name + "' (known: faithful, corrected)");
}

void AssociationOptions::validate() const {
  require(n_epochs >= 1, "n_epochs", n_epochs, "at least 1");
  require(std::isfinite(temperature) && temperature > 0, "temperature", temperature,
          "a finite number > 0");
  require(std::isfinite(lambda_reg) && lambda_reg >= 0, "lambda_reg", lambda_reg,
          "a finite number >= 0");
  require(std::isfinite(lambda_entropy) && lambda_entropy >= 0, "lambda_entropy", lambda_entropy,
          "a finite number >= 0");
  require(std::isfinite(lambda_spread) && lambda_spread >= 0, "lambda_spread", lambda_spread,
          "a finite number >= 0");
  require(n_threads >= 0, "n_threads", n_threads, ">= 0 (0: all cores)");
  require(std::isfinite(tolerance) && tolerance > 0, "tolerance", tolerance, "a finite number > 0");
  require(max_iterations >= 1, "max_iterations", max_iterations, "at least 1");
  require(min_weight >= 0 && min_weight < 1, "min_weight", min_weight, "in [0, 1)");
  require(std::isfinite(single_slack) && single_slack >= 0, "single_slack", single_slack,
          "a finite number >= 0");
  require(restarts >= 1, "restarts", restarts, "at least 1");
}

}  // namespace nmfkit::multimodal
