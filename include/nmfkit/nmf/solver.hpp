#pragma once
// The solver interface and the name → solver registry. A solver improves given W and H
// (or only W, for transform); initialisation, input checks and reporting are done once,
// by fit() and transform(), for every solver.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit {

struct SolverSettings {
  double beta = 2.0;
  double tol = 1e-4;
  int max_iter = 200;
  Penalties penalties;
  bool shuffle = false;
  std::optional<std::uint32_t> random_state;
  int verbose = 0;
  Progress progress;
};

template <class T>
class Solver {
 public:
  virtual ~Solver() = default;
  // Updates W (m×k) and, if update_H, H (k×n) in place; returns the iterations run.
  virtual int solve(const DenseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                    bool update_H) const = 0;
  virtual int solve(const SparseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                    bool update_H) const = 0;
};

// Forwards both virtual entry points to one template, Derived::run<Matrix>.
template <class Derived, class T>
class SolverFor : public Solver<T> {
 public:
  int solve(const DenseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
            bool update_H) const override {
    return static_cast<const Derived&>(*this).run(X, W, H, update_H);
  }
  int solve(const SparseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
            bool update_H) const override {
    return static_cast<const Derived&>(*this).run(X, W, H, update_H);
  }
};

// Explicit instantiations of a SolverFor-based class template for both element types
// and both storage kinds, for the solver's .cpp file.
#define NMFKIT_INSTANTIATE_SOLVER(Class)                                             \
  template class Class<float>;                                                       \
  template class Class<double>;                                                      \
  template int Class<float>::run(const DenseMatrix<float>&, DenseMatrix<float>&,     \
                                 DenseMatrix<float>&, bool) const;                   \
  template int Class<float>::run(const SparseMatrix<float>&, DenseMatrix<float>&,    \
                                 DenseMatrix<float>&, bool) const;                   \
  template int Class<double>::run(const DenseMatrix<double>&, DenseMatrix<double>&,  \
                                  DenseMatrix<double>&, bool) const;                 \
  template int Class<double>::run(const SparseMatrix<double>&, DenseMatrix<double>&, \
                                  DenseMatrix<double>&, bool) const;

struct SolverInfo {
  std::string name;
  std::string description;
  bool frobenius_only;        // accepts only beta_loss = 2
  bool needs_positive_start;  // cannot move entries away from 0 (multiplicative updates)
};

const std::vector<SolverInfo>& solver_catalog();
// Throws InvalidArgument listing the known names.
const SolverInfo& solver_info(const std::string& name);

template <class T>
std::unique_ptr<Solver<T>> make_solver(const std::string& name, const SolverSettings& settings);

}  // namespace nmfkit
