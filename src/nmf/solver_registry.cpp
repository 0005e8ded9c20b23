#include <algorithm>

#include "coordinate_descent.hpp"
#include "multiplicative_update.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

const std::vector<SolverInfo>& solver_catalog() {
  static const std::vector<SolverInfo> catalog = {
      {"cd", "coordinate descent (scikit-learn's fast HALS); Frobenius loss only", true, false},
      {"mu", "multiplicative updates (Fevotte & Idier); any beta loss", false, true},
  };
  return catalog;
}

const SolverInfo& solver_info(const std::string& name) {
  const auto& catalog = solver_catalog();
  const auto found = std::find_if(catalog.begin(), catalog.end(),
                                  [&](const SolverInfo& info) { return info.name == name; });
  if (found == catalog.end()) {
    std::string known;
    for (const auto& info : catalog) known += (known.empty() ? "" : ", ") + info.name;
    throw InvalidArgument("solver must be one of " + known + "; got '" + name + "'");
  }
  return *found;
}

template <class T>
std::unique_ptr<Solver<T>> make_solver(const std::string& name, const SolverSettings& settings) {
  solver_info(name);  // rejects unknown names with the list of known ones
  if (name == "mu") return std::make_unique<MultiplicativeUpdate<T>>(settings);
  return std::make_unique<CoordinateDescent<T>>(settings);
}

template std::unique_ptr<Solver<float>> make_solver(const std::string&, const SolverSettings&);
template std::unique_ptr<Solver<double>> make_solver(const std::string&, const SolverSettings&);

}  // namespace nmfkit
