#include <algorithm>

#include "alternating_nnls.hpp"
#include "coordinate_descent.hpp"
#include "minibatch_solver.hpp"
#include "gradient_descent.hpp"
#include "multiplicative_update.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/solver.hpp"
#include "poisson_scd.hpp"

namespace nmfkit {

const std::vector<SolverInfo>& solver_catalog() {
  static const std::vector<SolverInfo> catalog = {
      {"cd", "coordinate descent (scikit-learn's fast HALS); Frobenius loss only", true, false,
       false, true},
      {"mu", "multiplicative updates (Fevotte & Idier); any beta loss", false, true, false, true},
      {"hals", "accelerated HALS (Gillis & Glineur); Frobenius only, fast", true, false},
      {"anls", "alternating NNLS by coordinate descent to a tight tolerance; Frobenius only", true,
       false},
      {"anls-bpp", "alternating NNLS, exact, by block principal pivoting; Frobenius only", true,
       false},
      {"scd",
       "sequential coordinate descent for Kullback-Leibler (fastTopics), extrapolated; KL only",
       false, false, true},
      {"minibatch",
       "scikit-learn's MiniBatchNMF: multiplicative updates by batches of samples; any beta "
       "loss",
       false, true, false, true},
      {"pgd",
       "seed 004's gradient steps with a penalty on negative entries; Frobenius only, slow",
       true, false},
      {"adam", "seed 004's gradient NMF with Adam steps; Frobenius only, slow", true, false},
      {"auto", "the fastest solver for the loss: hals (Frobenius), scd (KL), mu (other)", false,
       false},
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

std::string resolve_solver(const std::string& name, double beta_loss) {
  if (name != "auto") return name;
  if (beta_loss == 2.0) return "hals";
  if (beta_loss == 1.0) return "scd";
  return "mu";
}

bool solver_supports_weights(const std::string& name) {
  return name == "hals" || name == "anls" || name == "anls-bpp" || name == "scd" || name == "mu" ||
         name == "auto";
}

std::string solvers_with_weights() {
  return "auto, hals, anls, anls-bpp, scd, mu";
}

void throw_no_weights(const std::string& name) {
  throw InvalidArgument("solver '" + name +
                        "' does not support masks, missing values or weights; use one of " +
                        solvers_with_weights());
}

template <class T>
SolveReport Solver<T>::solve(const DenseMatrix<T>&, const EntryWeights<T>&, DenseMatrix<T>&,
                             DenseMatrix<T>&, bool) const {
  throw InvalidArgument(
      "this solver does not support masks, missing values or weights; use one of " +
      solvers_with_weights());
}
template <class T>
SolveReport Solver<T>::solve(const SparseMatrix<T>&, const EntryWeights<T>&, DenseMatrix<T>&,
                             DenseMatrix<T>&, bool) const {
  throw InvalidArgument(
      "this solver does not support masks, missing values or weights; use one of " +
      solvers_with_weights());
}
template class Solver<float>;
template class Solver<double>;

template <class T>
std::unique_ptr<Solver<T>> make_solver(const std::string& given, const SolverSettings& settings) {
  solver_info(given);  // rejects unknown names with the list of known ones
  const std::string name = resolve_solver(given, settings.beta);
  if (name == "scd") return std::make_unique<PoissonScd<T>>(settings);
  if (name == "mu") return std::make_unique<MultiplicativeUpdate<T>>(settings);
  if (name == "minibatch") return std::make_unique<MiniBatchSolver<T>>(settings);
  if (name == "hals") return std::make_unique<AlternatingNnls<T>>(settings, RowSolver::Hals);
  if (name == "anls") {
    return std::make_unique<AlternatingNnls<T>>(settings, RowSolver::CoordinateDescent);
  }
  if (name == "pgd") return std::make_unique<GradientDescent<T>>(settings, GradientStep::Plain);
  if (name == "adam") return std::make_unique<GradientDescent<T>>(settings, GradientStep::Adam);
  if (name == "anls-bpp") {
    return std::make_unique<AlternatingNnls<T>>(settings, RowSolver::BlockPivoting);
  }
  return std::make_unique<CoordinateDescent<T>>(settings);
}

template std::unique_ptr<Solver<float>> make_solver(const std::string&, const SolverSettings&);
template std::unique_ptr<Solver<double>> make_solver(const std::string&, const SolverSettings&);

}  // namespace nmfkit
