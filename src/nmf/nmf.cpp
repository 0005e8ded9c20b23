#include "nmfkit/nmf/nmf.hpp"

#include <chrono>
#include <cmath>
#include <optional>
#include <vector>

#include "fit_support.hpp"
#include "input_checks.hpp"
#include "operator_init.hpp"
#include "spread_solver.hpp"
#include "summary_checks.hpp"
#include "models_fit.hpp"
#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/distributed_operator.hpp"
#include "nmfkit/nmf/fit_slices.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/linalg/numpy_arithmetic.hpp"
#include "nmfkit/nmf/solver.hpp"
#include "weighted_rows.hpp"

namespace nmfkit {

namespace {

// The number of components: given, or read from the custom factors ('auto'), or all
// features (scikit-learn's None).
template <class T>
Index resolve_components(const NmfOptions& options, Index n_features, const Factors<T>* custom) {
  if (options.n_components) return *options.n_components;
  if (custom && custom->H.size() > 0) return custom->H.rows();
  if (custom && custom->W.size() > 0) return custom->W.cols();
  return n_features;
}

// The layout of a fit spread over processes.
dist::Grid resolved_grid(const NmfOptions& options, Index m, Index n) {
  return dist::resolve_grid(options.grid, options.comm ? options.comm->size() : 1, m, n);
}

// An unset random_state becomes a seed drawn now, so that the run can be repeated.
// A fit spread over processes needs one seed: the largest of the ones they drew.
NmfOptions with_seed(NmfOptions options) {
  if (!options.random_state) {
    options.random_state = entropy_seed();
    if (options.comm) {
      options.random_state =
          static_cast<std::uint32_t>(options.comm->max(static_cast<double>(*options.random_state)));
    }
  }
  return options;
}

// A fit resumed from a checkpoint without a given seed continues with the seed it drew.
NmfOptions resumed_seed(NmfOptions options) {
  if (options.checkpoint && !options.random_state) {
    if (const std::optional<CheckpointRecord> saved = options.checkpoint->load("fit")) {
      const double seed = saved->number("seed");
      if (seed >= 0) options.random_state = static_cast<std::uint32_t>(seed);
    }
  }
  return options;
}

// The caller's factors as the start (init 'custom', or 'auto' with factors given), checked
// and copied into result; false when the start is to be computed by `init`.
template <class T>
bool take_custom_start(Init& init, const Factors<T>* custom, Index m, Index n, Index k,
                       NmfResult<T>& result) {
  if (custom && init == Init::Auto) init = Init::Custom;
  if (init != Init::Custom) {
    if (custom) {
      throw InvalidArgument("initial W and H are used only with init = 'custom', not '" +
                            to_string(init) + "'");
    }
    return false;
  }
  if (!custom) throw InvalidArgument("init = 'custom' needs initial W and H");
  check_factor(custom->H, k, n, "custom H");
  check_factor(custom->W, m, k, "custom W");
  result.W = custom->W;
  result.H = custom->H;
  return true;
}

// Checkpoints save the state of the seam solvers' loop (alternating_driver.hpp) in one
// process; the other solvers and models keep state that loop does not know.
void check_checkpointable(const NmfOptions& options) {
  const std::string solver = resolve_solver(options.solver, options.beta_loss);
  if (is_family_model(options) || options.comm ||
      (solver != "hals" && solver != "anls" && solver != "anls-bpp" && solver != "scd")) {
    throw InvalidArgument(
        "checkpoints work with the standard model in one process and the solvers hals, anls, "
        "anls-bpp, scd (or auto), not " +
        (is_family_model(options) ? "model '" + options.model + "'" + (options.graph ? " with a graph" : "")
         : options.comm           ? std::string("a fit spread over processes")
                                  : "solver '" + solver + "'"));
  }
}

// What a weighted fit checks first: the mask's shape, a solver that takes weights, and the
// data at the observed entries. Returns warnings for rows/columns with nothing observed.
template <class T, class Matrix>
std::vector<std::string> check_weighted(const Matrix& X, const Matrix& observed,
                                        const EntryWeights<T>& weights, const NmfOptions& options) {
  weights.check_shape(X.rows(), X.cols());
  if (!solver_supports_weights(options.solver)) throw_no_weights(options.solver);
  check_nmf_input(observed, options.beta_loss > 0 ? options.beta_loss : 2.0);
  if (options.beta_loss <= 0) {
    const auto side = detail::row_side(weights, observed);
    std::vector<T> w;
    for (Index i = 0; i < X.rows(); ++i) {
      side.dense_weights(i, w);
      for (Index c = 0; c < X.cols(); ++c) {
        if (w[static_cast<std::size_t>(c)] != T(0) && side.value(i, c) == T(0)) {
          throw InvalidArgument(
              "When beta_loss <= 0 and X contains zeros, the solver may diverge. Please add "
              "small values to X, mark the zeros missing, or use a positive beta_loss.");
        }
      }
    }
  }
  std::vector<std::string> warnings;
  const MissingSummary summary = summarize_missing(observed, weights);
  if (summary.empty_rows > 0) {
    warnings.push_back(std::to_string(summary.empty_rows) +
                       " rows of X have no observed entry; their rows of W are 0");
  }
  if (summary.empty_cols > 0) {
    warnings.push_back(std::to_string(summary.empty_cols) +
                       " columns of X have no observed entry; their columns of H are 0");
  }
  return warnings;
}

template <class T, class Matrix>
NmfResult<T> fit_impl(const Matrix& X_given, const EntryWeights<T>* weights,
                      const NmfOptions& given, const Factors<T>* custom, const Progress& progress) {
  given.validate();
  const ScopedThreadCount threads(given.n_threads);
  const NmfOptions options = with_seed(resumed_seed(given));
  if (weights) weights->check_shape(X_given.rows(), X_given.cols());
  if (weights && weights->trivial()) weights = nullptr;
  if (options.checkpoint) check_checkpointable(options);
  if (is_family_model(options)) {
    if (weights) {
      throw InvalidArgument("masks, missing values and weights work with the standard model only");
    }
    return fit_family_model<T>(X_given, options, custom, progress);
  }
  // A weighted fit reads X with its missing entries zeroed, the init included.
  std::optional<Matrix> zeroed;
  std::vector<std::string> weight_warnings;
  if (weights) {
    weights->check_shape(X_given.rows(), X_given.cols());
    zeroed.emplace(detail::zero_missing(X_given, *weights));
    weight_warnings = check_weighted<T>(X_given, *zeroed, *weights, options);
  } else {
    check_nmf_input(X_given, options.beta_loss);
  }
  const Matrix& X = zeroed ? *zeroed : X_given;
  const Index m = X.rows();
  const Index n = X.cols();
  const Index k = resolve_components(options, n, custom);
  check_components(m, n, k, sizeof(T));
  const std::string solver = resolve_solver(options.solver, options.beta_loss);
  if (options.comm && solver_info(solver).scikit_learn_exact && solver != "mu") {
    throw InvalidArgument("solver '" + solver +
                          "' runs in one process only; on several, use hals, anls, anls-bpp, "
                          "scd or mu (or auto)");
  }
  const dist::Grid grid = resolved_grid(options, m, n);

  NmfResult<T> result;
  result.random_state = *options.random_state;
  result.warnings = std::move(weight_warnings);
  Init init = options.init;
  if (!take_custom_start(init, custom, m, n, k, result)) {
    init = resolve_init(init, k, m, n);
    const auto init_start = std::chrono::steady_clock::now();
    const auto svd = solver_info(solver).scikit_learn_exact ? linalg::SvdArithmetic::ScikitLearn
                                                            : linalg::SvdArithmetic::Fast;
    auto factors = initialize(X, k, init, options.random_state, svd);
    result.init_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - init_start).count();
    result.W = std::move(factors.W);
    result.H = std::move(factors.H);
  }
  result.init = init;
  if (solver == "mu" && init == Init::Nndsvd) {
    result.warnings.push_back(
        "The multiplicative update ('mu') solver cannot update zeros present in the "
        "initialization, and so leads to poorer results when used jointly with init='nndsvd'. "
        "You may try init='nndsvda' or init='nndsvdar' instead.");
  }

  SolverSettings settings = settings_for(options, m, n, progress);
  settings.checkpoint = options.checkpoint;
  settings.grid = grid;
  result.grid = grid;
  const auto run = make_solver<T>(solver, settings);
  SolveReport report = weights ? run->solve(X, *weights, result.W, result.H, /*update_H=*/true)
                               : run->solve(X, result.W, result.H, /*update_H=*/true);
  result.n_iter = report.n_iter;
  result.solver = solver;
  result.objective_history = std::move(report.objective);
  result.iteration_seconds = std::move(report.seconds);
  result.kkt_history = std::move(report.kkt);
  if (stopped_by_max_iter(result.n_iter, options)) {
    result.converged = false;
    result.warnings.push_back(max_iter_warning(options));
  }
  result.reconstruction_error = linalg::divergence_to_error(
      weights ? weighted_beta_divergence(X, *weights, result.W, result.H, options.beta_loss)
              : linalg::beta_divergence(X, result.W, result.H, options.beta_loss));
  return result;
}

// fit_impl for X spread over processes as the rows each one holds: the checks, the mean,
// the initial factors and the loss come from the processes' slices and blocks combined
// (dist/row_slice.hpp, DistributedOperator), never from X whole.
template <class T, class Matrix>
NmfResult<T> fit_slice_impl(dist::RowSlice<Matrix> slice, const NmfOptions& given,
                            const Factors<T>* custom, const Progress& progress) {
  given.validate();
  if (!given.comm) throw InvalidArgument("a fit from row slices needs options.comm");
  const dist::Comm& comm = *given.comm;
  const ScopedThreadCount threads(given.n_threads);
  const NmfOptions options = with_seed(given);
  if (options.checkpoint) check_checkpointable(options);
  if (is_family_model(options)) {
    throw InvalidArgument("model '" + options.model + "'" + (options.graph ? " with a graph" : "") +
                          " reads X whole; a fit from each process's rows is the standard model");
  }
  check_nmf_summary(dist::slice_summary(slice, comm), options.beta_loss);
  const Index m = slice.total_rows();
  const Index n = slice.cols;
  const Index k = resolve_components(options, n, custom);
  check_components(m, n, k, sizeof(T));
  const std::string solver = resolve_solver(options.solver, options.beta_loss);
  if ((solver_info(solver).scikit_learn_exact && solver != "mu") || solver == "minibatch") {
    throw InvalidArgument("solver '" + solver +
                          "' runs in one process only; on several, use hals, anls, anls-bpp, "
                          "scd or mu (or auto)");
  }
  NmfOptions layout = options;
  layout.grid = slice.plan.grid;
  const dist::Grid grid = resolved_grid(layout, m, n);
  const T mean = dist::slice_mean(slice, comm);
  const dist::DistributedOperator<T, Matrix> X(std::move(slice), comm);

  NmfResult<T> result;
  result.random_state = *options.random_state;
  Init init = options.init;
  if (!take_custom_start(init, custom, m, n, k, result)) {
    const auto init_start = std::chrono::steady_clock::now();
    // The SVD of the nndsvd family by the operator's products, as the solvers use them.
    const linalg::Product<T> times = [&](const DenseMatrix<T>& Q) {
      DenseMatrix<T> out;
      X.rhs(linalg::Side::Rows, Q, out);
      return out;
    };
    const linalg::Product<T> transpose_times = [&](const DenseMatrix<T>& Q) {
      DenseMatrix<T> out;
      X.rhs(linalg::Side::Columns, Q, out);
      return out;
    };
    auto factors = initialize<T>(m, n, mean, times, transpose_times, k, init,
                                 options.random_state, linalg::SvdArithmetic::Fast);
    init = resolve_init(init, k, m, n);
    result.init_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - init_start).count();
    result.W = std::move(factors.W);
    result.H = std::move(factors.H);
  }
  result.init = init;

  SolverSettings settings = settings_for(options, m, n, progress);
  settings.grid = grid;
  result.grid = grid;
  const auto run = make_solver<T>(solver, settings);
  const auto* spread = dynamic_cast<const SpreadSolver<T>*>(run.get());
  if (!spread) throw InvalidArgument("solver '" + solver + "' runs in one process only");
  SolveReport report = spread->solve_spread(X, result.W, result.H, /*update_H=*/true);
  result.n_iter = report.n_iter;
  result.solver = solver;
  result.objective_history = std::move(report.objective);
  result.iteration_seconds = std::move(report.seconds);
  result.kkt_history = std::move(report.kkt);
  if (stopped_by_max_iter(result.n_iter, options)) {
    result.converged = false;
    result.warnings.push_back(max_iter_warning(options));
  }
  result.reconstruction_error = linalg::divergence_to_error(
      X.divergence(result.W, DenseMatrix<T>(result.H.transpose()), options.beta_loss));
  return result;
}

template <class T, class Matrix>
TransformResult<T> transform_impl(const Matrix& X_given, const EntryWeights<T>* weights,
                                  const DenseMatrix<T>& H, const NmfOptions& given,
                                  const Progress& progress) {
  given.validate();
  const ScopedThreadCount threads(given.n_threads);
  NmfOptions options = with_seed(given);
  if (options.model == "deep" && !options.graph) {
    // A deep model's components are the product of its layers (H = H_L···H_1), so new
    // samples get their last-layer codes by the standard transform against that product.
    options.model = "standard";
    options.layer_ranks.clear();
  }
  if (is_family_model(options)) {
    throw InvalidArgument("transform is defined for the standard and deep models only, not model = '" +
                          options.model + "'" + (options.graph ? " with a graph" : ""));
  }
  if (weights) weights->check_shape(X_given.rows(), X_given.cols());
  if (weights && weights->trivial()) weights = nullptr;
  std::optional<Matrix> zeroed;
  std::vector<std::string> weight_warnings;
  if (weights) {
    weights->check_shape(X_given.rows(), X_given.cols());
    zeroed.emplace(detail::zero_missing(X_given, *weights));
    weight_warnings = check_weighted<T>(X_given, *zeroed, *weights, options);
    std::erase_if(weight_warnings,
                  [](const std::string& w) { return w.find("columns") != std::string::npos; });
  } else {
    check_nmf_input(X_given, options.beta_loss);
  }
  const Matrix& X = zeroed ? *zeroed : X_given;
  if (X.cols() != H.cols()) {
    throw InvalidArgument("X has " + std::to_string(X.cols()) +
                          " features, but the components have " + std::to_string(H.cols()));
  }
  const Index k = H.rows();
  check_factor(H, k, X.cols(), "the components H");

  TransformResult<T> result;
  result.warnings = std::move(weight_warnings);
  if (solver_info(resolve_solver(options.solver, options.beta_loss)).needs_positive_start) {
    const double avg = std::sqrt(static_cast<double>(linalg::mean(X)) / static_cast<double>(k));
    result.W = DenseMatrix<T>::Constant(X.rows(), k, static_cast<T>(avg));
  } else {
    result.W = DenseMatrix<T>::Zero(X.rows(), k);
  }
  DenseMatrix<T> fixed_H = H;
  const auto solver =
      make_solver<T>(options.solver, settings_for(options, X.rows(), X.cols(), progress));
  result.n_iter = (weights ? solver->solve(X, *weights, result.W, fixed_H, /*update_H=*/false)
                           : solver->solve(X, result.W, fixed_H, /*update_H=*/false))
                      .n_iter;
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
  return fit_impl<T>(X, nullptr, options, custom, progress);
}

template <class T>
NmfResult<T> fit(const SparseMatrix<T>& X, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom, const Progress& progress) {
  return fit_impl<T>(X, nullptr, options, custom, progress);
}

template <class T>
NmfResult<T> fit(const DenseMatrix<T>& X, const std::type_identity_t<EntryWeights<T>>& weights,
                 const NmfOptions& options, const std::type_identity_t<Factors<T>>* custom,
                 const Progress& progress) {
  return fit_impl<T>(X, &weights, options, custom, progress);
}

template <class T>
NmfResult<T> fit(const SparseMatrix<T>& X, const std::type_identity_t<EntryWeights<T>>& weights,
                 const NmfOptions& options, const std::type_identity_t<Factors<T>>* custom,
                 const Progress& progress) {
  return fit_impl<T>(X, &weights, options, custom, progress);
}

template <class T>
NmfResult<T> fit(dist::RowSlice<DenseMatrix<T>> slice, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom, const Progress& progress) {
  return fit_slice_impl<T>(std::move(slice), options, custom, progress);
}

template <class T>
NmfResult<T> fit(dist::RowSlice<SparseMatrix<T>> slice, const NmfOptions& options,
                 const std::type_identity_t<Factors<T>>* custom, const Progress& progress) {
  return fit_slice_impl<T>(std::move(slice), options, custom, progress);
}

template <class T>
TransformResult<T> transform(const DenseMatrix<T>& X,
                             const std::type_identity_t<EntryWeights<T>>& weights,
                             const DenseMatrix<T>& H, const NmfOptions& options,
                             const Progress& progress) {
  return transform_impl<T>(X, &weights, H, options, progress);
}

template <class T>
TransformResult<T> transform(const SparseMatrix<T>& X,
                             const std::type_identity_t<EntryWeights<T>>& weights,
                             const DenseMatrix<T>& H, const NmfOptions& options,
                             const Progress& progress) {
  return transform_impl<T>(X, &weights, H, options, progress);
}

template <class T>
TransformResult<T> transform(const DenseMatrix<T>& X, const DenseMatrix<T>& H,
                             const NmfOptions& options, const Progress& progress) {
  return transform_impl<T>(X, nullptr, H, options, progress);
}

template <class T>
TransformResult<T> transform(const SparseMatrix<T>& X, const DenseMatrix<T>& H,
                             const NmfOptions& options, const Progress& progress) {
  return transform_impl<T>(X, nullptr, H, options, progress);
}

template <class T>
DenseMatrix<T> inverse_transform(const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  if (W.cols() != H.rows()) {
    throw InvalidArgument("W has " + std::to_string(W.cols()) + " columns but H has " +
                          std::to_string(H.rows()) + " rows");
  }
  return W * H;
}

#define NMFKIT_INSTANTIATE(T)                                                                      \
  template NmfResult<T> fit(const DenseMatrix<T>&, const NmfOptions&,                              \
                            const std::type_identity_t<Factors<T>>*, const Progress&);             \
  template NmfResult<T> fit(const SparseMatrix<T>&, const NmfOptions&,                             \
                            const std::type_identity_t<Factors<T>>*, const Progress&);             \
  template TransformResult<T> transform(const DenseMatrix<T>&, const DenseMatrix<T>&,              \
                                        const NmfOptions&, const Progress&);                       \
  template TransformResult<T> transform(const SparseMatrix<T>&, const DenseMatrix<T>&,             \
                                        const NmfOptions&, const Progress&);                       \
  template DenseMatrix<T> inverse_transform(const DenseMatrix<T>&, const DenseMatrix<T>&);         \
  template NmfResult<T> fit(dist::RowSlice<DenseMatrix<T>>, const NmfOptions&,                     \
                            const std::type_identity_t<Factors<T>>*, const Progress&);             \
  template NmfResult<T> fit(dist::RowSlice<SparseMatrix<T>>, const NmfOptions&,                    \
                            const std::type_identity_t<Factors<T>>*, const Progress&);             \
  template NmfResult<T> fit(const DenseMatrix<T>&, const std::type_identity_t<EntryWeights<T>>&,   \
                            const NmfOptions&, const std::type_identity_t<Factors<T>>*,            \
                            const Progress&);                                                      \
  template NmfResult<T> fit(const SparseMatrix<T>&, const std::type_identity_t<EntryWeights<T>>&,  \
                            const NmfOptions&, const std::type_identity_t<Factors<T>>*,            \
                            const Progress&);                                                      \
  template TransformResult<T> transform(                                                           \
      const DenseMatrix<T>&, const std::type_identity_t<EntryWeights<T>>&, const DenseMatrix<T>&,  \
      const NmfOptions&, const Progress&);                                                         \
  template TransformResult<T> transform(                                                           \
      const SparseMatrix<T>&, const std::type_identity_t<EntryWeights<T>>&, const DenseMatrix<T>&, \
      const NmfOptions&, const Progress&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit
