#include "nmfkit/nmf/models.hpp"

#include <chrono>

#include "fit_support.hpp"
#include "models_fit.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"

namespace nmfkit {

template <class T, class Matrix>
NmfResult<T> fit_family_model(const Matrix& X, const NmfOptions& options,
                              const Factors<T>* custom, const Progress& progress) {
  if (options.model == "semi") return fit_semi<T>(X, options, custom, progress);
  if (options.model == "symmetric") return fit_symmetric<T>(X, options, custom, progress);
  if (options.model == "deep") return fit_deep<T>(X, options, custom, progress);
  return fit_graph<T>(X, options, custom, progress);
}

template <class T, class Matrix>
void start_model(const Matrix& init_data, Index m, Index n, const NmfOptions& options,
                 const Factors<T>* custom, NmfResult<T>& result, bool check_W) {
  Index k = n;
  if (options.n_components) {
    k = *options.n_components;
  } else if (custom && custom->H.size() > 0) {
    k = custom->H.rows();
  } else if (custom && custom->W.size() > 0) {
    k = custom->W.cols();
  }
  result.random_state = *options.random_state;
  Init init = options.init;
  if (custom && init == Init::Auto) init = Init::Custom;
  if (init == Init::Custom) {
    if (!custom) throw InvalidArgument("init = 'custom' needs initial W and H");
    check_factor(custom->H, k, n, "custom H");
    if (check_W) {
      check_factor(custom->W, m, k, "custom W");
    } else if (custom->W.rows() != m || custom->W.cols() != k || !custom->W.allFinite()) {
      throw InvalidArgument("custom W must be a finite matrix of shape (" + std::to_string(m) +
                            ", " + std::to_string(k) + ")");
    }
    result.W = custom->W;
    result.H = custom->H;
  } else {
    if (custom) {
      throw InvalidArgument("initial W and H are used only with init = 'custom', not '" +
                            to_string(init) + "'");
    }
    init = resolve_init(init, k, m, n);
    const auto start = std::chrono::steady_clock::now();
    Factors<T> factors =
        initialize(init_data, k, init, options.random_state, linalg::SvdArithmetic::Fast);
    result.init_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.W = std::move(factors.W);
    result.H = std::move(factors.H);
  }
  result.init = init;
}

template <class T, class Matrix>
void finish_model(const Matrix& X, const NmfOptions& options, SolveReport report,
                  const std::string& name, NmfResult<T>& result) {
  result.n_iter = report.n_iter;
  result.solver = name;
  result.objective_history = std::move(report.objective);
  result.iteration_seconds = std::move(report.seconds);
  if (stopped_by_max_iter(result.n_iter, options)) {
    result.converged = false;
    result.warnings.push_back(max_iter_warning(options));
  }
  result.reconstruction_error =
      linalg::divergence_to_error(linalg::beta_divergence(X, result.W, result.H, 2.0));
}

template <class T>
std::vector<int> communities(const DenseMatrix<T>& W) {
  std::vector<int> out(static_cast<std::size_t>(W.rows()), -1);
  for (Index i = 0; i < W.rows(); ++i) {
    T best = T(0);
    for (Index c = 0; c < W.cols(); ++c) {
      if (W(i, c) > best) {
        best = W(i, c);
        out[static_cast<std::size_t>(i)] = static_cast<int>(c);
      }
    }
  }
  return out;
}

#define NMFKIT_INSTANTIATE_MODEL_FIT(T, Matrix)                                                   \
  template NmfResult<T> fit_family_model(const Matrix&, const NmfOptions&, const Factors<T>*,     \
                                         const Progress&);                                        \
  template void start_model(const Matrix&, Index, Index, const NmfOptions&, const Factors<T>*,    \
                            NmfResult<T>&, bool);                                                 \
  template void finish_model(const Matrix&, const NmfOptions&, SolveReport, const std::string&, \
                             NmfResult<T>&);
NMFKIT_INSTANTIATE_MODEL_FIT(float, DenseMatrix<float>)
NMFKIT_INSTANTIATE_MODEL_FIT(float, SparseMatrix<float>)
NMFKIT_INSTANTIATE_MODEL_FIT(double, DenseMatrix<double>)
NMFKIT_INSTANTIATE_MODEL_FIT(double, SparseMatrix<double>)
#undef NMFKIT_INSTANTIATE_MODEL_FIT
template std::vector<int> communities(const DenseMatrix<float>&);
template std::vector<int> communities(const DenseMatrix<double>&);

}  // namespace nmfkit
