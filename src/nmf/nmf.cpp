#include "nmfkit/nmf/nmf.hpp"

#include <cmath>

#include "input_checks.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

namespace {

SolverSettings settings_for(const NmfOptions& options, Index n_samples, Index n_features,
                            const Progress& progress) {
  SolverSettings s;
  s.beta = options.beta_loss;
  s.tol = options.tol;
  s.max_iter = options.max_iter;
  s.patience = options.patience;
  s.penalties = scaled_penalties(options, n_samples, n_features);
  s.shuffle = options.shuffle;
  s.random_state = options.random_state;
  s.verbose = options.verbose;
  s.progress = progress;
  return s;
}

// scikit-learn's ConvergenceWarning condition.
bool stopped_by_max_iter(int n_iter, const NmfOptions& options) {
  return n_iter == options.max_iter && options.tol > 0;
}

std::string max_iter_warning(const NmfOptions& options) {
  return "Maximum number of iterations " + std::to_string(options.max_iter) +
         " reached. Increase it to improve convergence.";
}

// The number of components: given, or read from the custom factors ('auto'), or all
// features (scikit-learn's None).
template <class T>
Index resolve_components(const NmfOptions& options, Index n_features, const Factors<T>* custom) {
  if (options.n_components) return *options.n_components;
  if (custom && custom->H.size() > 0) return custom->H.rows();
  if (custom && custom->W.size() > 0) return custom->W.cols();
  return n_features;
}

// An unset random_state becomes a seed drawn now, so that the run can be repeated.
NmfOptions with_seed(NmfOptions options) {
  if (!options.random_state) options.random_state = entropy_seed();
  return options;
}

template <class T, class Matrix>
NmfResult<T> fit_impl(const Matrix& X, const NmfOptions& given, const Factors<T>* custom,
                      const Progress& progress) {
  given.validate();
  const ScopedThreadCount threads(given.n_threads);
  const NmfOptions options = with_seed(given);
  check_nmf_input(X, options.beta_loss);
  const Index m = X.rows();
  const Index n = X.cols();
  const Index k = resolve_components(options, n, custom);

  NmfResult<T> result;
  result.random_state = *options.random_state;
  Init init = options.init;
  if (custom && init == Init::Auto) init = Init::Custom;
  if (init == Init::Custom) {
    if (!custom) throw InvalidArgument("init = 'custom' needs initial W and H");
    check_factor(custom->H, k, n, "custom H");
    check_factor(custom->W, m, k, "custom W");
    result.W = custom->W;
    result.H = custom->H;
  } else {
    if (custom) {
      throw InvalidArgument("initial W and H are used only with init = 'custom', not '" +
                            to_string(init) + "'");
    }
    init = resolve_init(init, k, m, n);
    auto factors = initialize(X, k, init, options.random_state);
    result.W = std::move(factors.W);
    result.H = std::move(factors.H);
  }
  result.init = init;
  if (options.solver == "mu" && init == Init::Nndsvd) {
    result.warnings.push_back(
        "The multiplicative update ('mu') solver cannot update zeros present in the "
        "initialization, and so leads to poorer results when used jointly with init='nndsvd'. "
        "You may try init='nndsvda' or init='nndsvdar' instead.");
  }

  const auto solver = make_solver<T>(options.solver, settings_for(options, m, n, progress));
  SolveReport report = solver->solve(X, result.W, result.H, /*update_H=*/true);
  result.n_iter = report.n_iter;
  result.objective_history = std::move(report.objective);
  result.iteration_seconds = std::move(report.seconds);
  if (stopped_by_max_iter(result.n_iter, options)) {
    result.converged = false;
    result.warnings.push_back(max_iter_warning(options));
  }
  result.reconstruction_error = linalg::divergence_to_error(
      linalg::beta_divergence(X, result.W, result.H, options.beta_loss));
  return result;
}

template <class T, class Matrix>
TransformResult<T> transform_impl(const Matrix& X, const DenseMatrix<T>& H, const NmfOptions& given,
                                  const Progress& progress) {
  given.validate();
  const ScopedThreadCount threads(given.n_threads);
  const NmfOptions options = with_seed(given);
  check_nmf_input(X, options.beta_loss);
  if (X.cols() != H.cols()) {
    throw InvalidArgument("X has " + std::to_string(X.cols()) +
                          " features, but the components have " + std::to_string(H.cols()));
  }
  const Index k = H.rows();
  check_factor(H, k, X.cols(), "the components H");

  TransformResult<T> result;
  if (solver_info(options.solver).needs_positive_start) {
    const double avg = std::sqrt(static_cast<double>(linalg::mean(X)) / static_cast<double>(k));
    result.W = DenseMatrix<T>::Constant(X.rows(), k, static_cast<T>(avg));
  } else {
    result.W = DenseMatrix<T>::Zero(X.rows(), k);
  }
  DenseMatrix<T> fixed_H = H;
  const auto solver =
      make_solver<T>(options.solver, settings_for(options, X.rows(), X.cols(), progress));
  result.n_iter = solver->solve(X, result.W, fixed_H, /*update_H=*/false).n_iter;
  if (stopped_by_max_iter(result.n_iter, options)) {
    result.converged = false;
    result.warnings.push_back(max_iter_warning(options));
  }
  return result;
}

}  // namespace

template <class T>
NmfResult<T> fit(const DenseMatrix<T>& X, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom, const Progress& progress) {
  return fit_impl<T>(X, options, custom, progress);
}

template <class T>
NmfResult<T> fit(const SparseMatrix<T>& X, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom, const Progress& progress) {
  return fit_impl<T>(X, options, custom, progress);
}

template <class T>
TransformResult<T> transform(const DenseMatrix<T>& X, const DenseMatrix<T>& H,
                             const NmfOptions& options, const Progress& progress) {
  return transform_impl<T>(X, H, options, progress);
}

template <class T>
TransformResult<T> transform(const SparseMatrix<T>& X, const DenseMatrix<T>& H,
                             const NmfOptions& options, const Progress& progress) {
  return transform_impl<T>(X, H, options, progress);
}

template <class T>
DenseMatrix<T> inverse_transform(const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  if (W.cols() != H.rows()) {
    throw InvalidArgument("W has " + std::to_string(W.cols()) + " columns but H has " +
                          std::to_string(H.rows()) + " rows");
  }
  return W * H;
}

#define NMFKIT_INSTANTIATE(T)                                                          \
  template NmfResult<T> fit(const DenseMatrix<T>&, const NmfOptions&,                  \
                            const std::type_identity_t<Factors<T>>*, const Progress&); \
  template NmfResult<T> fit(const SparseMatrix<T>&, const NmfOptions&,                 \
                            const std::type_identity_t<Factors<T>>*, const Progress&); \
  template TransformResult<T> transform(const DenseMatrix<T>&, const DenseMatrix<T>&,  \
                                        const NmfOptions&, const Progress&);           \
  template TransformResult<T> transform(const SparseMatrix<T>&, const DenseMatrix<T>&, \
                                        const NmfOptions&, const Progress&);           \
  template DenseMatrix<T> inverse_transform(const DenseMatrix<T>&, const DenseMatrix<T>&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit
