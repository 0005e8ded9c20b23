#pragma once
// The solver interface and the name → solver registry. A solver improves given W and H
// (or only W, for transform); initialisation, input checks and reporting are done once,
// by fit() and transform(), for every solver.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/nmf/mask.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit {

struct SolverSettings {
  double beta = 2.0;
  double tol = 1e-4;
  int max_iter = 200;
  int patience = 3;
  Penalties penalties;
  bool shuffle = false;
  std::optional<std::uint32_t> random_state;
  int verbose = 0;
  bool extrapolate = true;  // the seam solvers: Ang & Gillis' extrapolation
  Progress progress;
  // The seam solvers: the processes the data is spread over (dist/distributed_operator.hpp);
  // null: this process alone.
  const dist::Comm* comm = nullptr;
  dist::Grid grid = dist::Grid::one_d();  // resolved: 1-D or rows × cols = comm's size
  // The options fit() was given, seed drawn ('minibatch' scales its penalties by each
  // batch's samples, as scikit-learn does, so it needs the unscaled ones).
  NmfOptions fit_options;
  // pgd, adam: the step size (unset: the solver's own default) and the penalty's weight.
  std::optional<double> learning_rate;
  double penalty = 100.0;
  // The seam solvers' fits (update_H): where to save and resume (NmfOptions::checkpoint).
  const CheckpointStore* checkpoint = nullptr;
};

// What a solver reports besides the factors. The objective history is kept by the solvers
// that compute the objective every iteration anyway (the seam solvers).
struct SolveReport {
  int n_iter = 0;
  std::vector<double> objective;  // per iteration: ½‖X − WH‖² (or D_KL) + penalties
  std::vector<double> seconds;    // per iteration: time since the solver started
  std::vector<double> kkt;        // per iteration, where measured: max |F ⊙ ∇F| of H (scd)
};

template <class T>
class Solver {
 public:
  virtual ~Solver() = default;
  // Updates W (m×k) and, if update_H, H (k×n) in place.
  virtual SolveReport solve(const DenseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                            bool update_H) const = 0;
  virtual SolveReport solve(const SparseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                            bool update_H) const = 0;
  // The weighted problem (see mask.hpp). X has its missing entries set to 0 already.
  // Solvers without weights throw InvalidArgument naming the solvers that have them.
  virtual SolveReport solve(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                            DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
  virtual SolveReport solve(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                            DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const;
};

// The solvers that take masks and weights, for the message the others give.
bool solver_supports_weights(const std::string& name);
std::string solvers_with_weights();  // "hals, anls, anls-bpp, mu"
[[noreturn]] void throw_no_weights(const std::string& name);

// Forwards both virtual entry points to one template, Derived::run<Matrix>.
template <class Derived, class T>
class SolverFor : public Solver<T> {
 public:
  SolveReport solve(const DenseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                    bool update_H) const override {
    return static_cast<const Derived&>(*this).run(X, W, H, update_H);
  }
  SolveReport solve(const SparseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                    bool update_H) const override {
    return static_cast<const Derived&>(*this).run(X, W, H, update_H);
  }
  SolveReport solve(const DenseMatrix<T>& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                    DenseMatrix<T>& H, bool update_H) const override {
    return weighted(X, weights, W, H, update_H);
  }
  SolveReport solve(const SparseMatrix<T>& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                    DenseMatrix<T>& H, bool update_H) const override {
    return weighted(X, weights, W, H, update_H);
  }

 private:
  template <class Matrix>
  SolveReport weighted(const Matrix& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                       DenseMatrix<T>& H, bool update_H) const {
    const auto& self = static_cast<const Derived&>(*this);
    if constexpr (requires { self.run_weighted(X, weights, W, H, update_H); }) {
      return self.run_weighted(X, weights, W, H, update_H);
    } else {
      return Solver<T>::solve(X, weights, W, H, update_H);
    }
  }
};

// Explicit instantiations of a SolverFor-based class template for both element types
// and both storage kinds, for the solver's .cpp file.
#define NMFKIT_INSTANTIATE_SOLVER(Class)                                                     \
  template class Class<float>;                                                               \
  template class Class<double>;                                                              \
  template SolveReport Class<float>::run(const DenseMatrix<float>&, DenseMatrix<float>&,     \
                                         DenseMatrix<float>&, bool) const;                   \
  template SolveReport Class<float>::run(const SparseMatrix<float>&, DenseMatrix<float>&,    \
                                         DenseMatrix<float>&, bool) const;                   \
  template SolveReport Class<double>::run(const DenseMatrix<double>&, DenseMatrix<double>&,  \
                                          DenseMatrix<double>&, bool) const;                 \
  template SolveReport Class<double>::run(const SparseMatrix<double>&, DenseMatrix<double>&, \
                                          DenseMatrix<double>&, bool) const;

// The same for the masked entry point, Class::run_weighted, of a solver that takes masks.
#define NMFKIT_INSTANTIATE_WEIGHTED_RUN(Class, T, Matrix)                            \
  template SolveReport Class<T>::run_weighted(const Matrix&, const EntryWeights<T>&, \
                                              DenseMatrix<T>&, DenseMatrix<T>&, bool) const;
#define NMFKIT_INSTANTIATE_WEIGHTED_SOLVER(Class)                     \
  NMFKIT_INSTANTIATE_WEIGHTED_RUN(Class, float, DenseMatrix<float>)   \
  NMFKIT_INSTANTIATE_WEIGHTED_RUN(Class, float, SparseMatrix<float>)  \
  NMFKIT_INSTANTIATE_WEIGHTED_RUN(Class, double, DenseMatrix<double>) \
  NMFKIT_INSTANTIATE_WEIGHTED_RUN(Class, double, SparseMatrix<double>)

struct SolverInfo {
  std::string name;
  std::string description;
  bool frobenius_only;        // accepts only beta_loss = 2
  bool needs_positive_start;  // cannot move entries away from 0 (multiplicative updates)
  bool kl_only = false;       // accepts only beta_loss = 1
  // Rounds as scikit-learn does, its start included; the others start from the same
  // factors to rounding, computed by the fast kernels.
  bool scikit_learn_exact = false;
};

const std::vector<SolverInfo>& solver_catalog();
// 'auto' becomes the fastest solver for the loss: hals (Frobenius), scd (Kullback-Leibler),
// mu (any other β); other names are returned as they are.
std::string resolve_solver(const std::string& name, double beta_loss);
// Throws InvalidArgument listing the known names.
const SolverInfo& solver_info(const std::string& name);

template <class T>
std::unique_ptr<Solver<T>> make_solver(const std::string& name, const SolverSettings& settings);

}  // namespace nmfkit
