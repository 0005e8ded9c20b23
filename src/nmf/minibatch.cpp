// scikit-learn 1.2's MiniBatchNMF (sklearn/decomposition/_nmf.py), step for step: the
// same batches, updates, ε guards, smoothed cost and stopping rules.

#include "nmfkit/nmf/minibatch.hpp"

#include <cmath>
#include <limits>

#include "input_checks.hpp"
#include "multiplicative_terms.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/linalg/streamed_arithmetic.hpp"
#include "iteration_report.hpp"

namespace nmfkit {

namespace {

void require(bool condition, const std::string& parameter, const std::string& value,
             const std::string& allowed) {
  if (!condition) throw InvalidArgument(parameter + " must be " + allowed + ", got " + value);
}

template <class T>
double squared_frobenius(const DenseMatrix<T>& A) {
  double sum = 0;
  for (Index i = 0; i < A.size(); ++i) sum += static_cast<double>(A.data()[i]) * A.data()[i];
  return sum;
}

// (A**2).sum() and A.sum() as NumPy computes them (pairwise, in T).
template <class T>
double numpy_sum(const DenseMatrix<T>& A) {
  return static_cast<double>(linalg::numpy_sum(A.data(), A.size()));
}
template <class T>
double numpy_sum_of_squares(const DenseMatrix<T>& A) {
  const DenseMatrix<T> squares = A.cwiseProduct(A);
  return numpy_sum(squares);
}

template <class T>
DenseMatrix<T> rows_of(const DenseMatrix<T>& X, Index first, Index count) {
  return X.middleRows(first, count);
}
template <class T>
SparseMatrix<T> rows_of(const SparseMatrix<T>& X, Index first, Index count) {
  return X.middleRows(first, count);
}

// New samples for components H: the same features, and data fit() would take.
template <class T, class Matrix>
void check_new_samples(const Matrix& X, const DenseMatrix<T>& H, double beta) {
  if (X.cols() != H.cols()) {
    throw InvalidArgument("the new data has " + std::to_string(X.cols()) +
                          " features, but the model has " + std::to_string(H.cols()));
  }
  check_nmf_input(X, beta);
}

// The entries of X the products visit: all of a dense X, the stored ones of a CSR X.
template <class T>
Index stored_entries(const DenseMatrix<T>& X) {
  return X.size();
}
template <class T>
Index stored_entries(const SparseMatrix<T>& X) {
  return X.nonZeros();
}

// Multiply-adds (X's entries × components, plus the k × k Gram products) below which a
// batch step runs on one thread; bench/README.md ("MiniBatchNMF against scikit-learn's")
// measures the effect. 2^24 while the products were Eigen's; the vector kernels' take
// fewer parallel regions, and a 1024 × 400 batch at k = 20 (2^23) gains from 2 threads.
constexpr double kSerialBatchWork = 1 << 22;

// The options as the 'mu' updates read them: MiniBatchNMF takes every β.
NmfOptions checked(NmfOptions options) {
  options.solver = "mu";
  options.validate();
  if (!options.random_state) options.random_state = entropy_seed();
  return options;
}

}  // namespace

void MiniBatchOptions::validate() const {
  require(batch_size >= 1, "batch_size", std::to_string(batch_size), ">= 1");
  if (max_no_improvement) {
    require(*max_no_improvement >= 1, "max_no_improvement", std::to_string(*max_no_improvement),
            ">= 1 (or None)");
  }
  require(forget_factor >= 0 && forget_factor <= 1, "forget_factor",
          std::to_string(forget_factor), "in [0, 1]");
  require(fresh_restarts_max_iter >= 1, "fresh_restarts_max_iter",
          std::to_string(fresh_restarts_max_iter), ">= 1");
  if (transform_max_iter) {
    require(*transform_max_iter >= 1, "transform_max_iter", std::to_string(*transform_max_iter),
            ">= 1 (or None)");
  }
}

// _minibatch_convergence's state: the exponentially weighted average of the batch costs,
// its best value, and the batches since it improved.
template <class T>
struct MiniBatchNmf<T>::Smoothing {
  std::optional<double> cost, best;
  int no_improvement = 0;
};

template <class T>
MiniBatchNmf<T>::MiniBatchNmf(NmfOptions options, MiniBatchOptions batch)
    : options_(checked(std::move(options))), batch_(batch) {
  batch_.validate();
  const double beta = options_.beta_loss;
  gamma_ = mu::exponent_gamma(beta);
}

// _check_params: the batch size and ρ from this X's samples.
template <class T>
template <class Matrix>
void MiniBatchNmf<T>::prepare(const Matrix& X) {
  check_nmf_input(X, options_.beta_loss);
  const Index m = X.rows();
  batch_size_ = std::min(batch_.batch_size, m);
  rho_ = std::pow(batch_.forget_factor, static_cast<double>(batch_size_) / static_cast<double>(m));
}

// H and its running sums from the start of a fit.
template <class T>
void MiniBatchNmf<T>::set_components(DenseMatrix<T> H) {
  H_ = std::move(H);
  numerator_ = H_;
  denominator_ = DenseMatrix<T>::Ones(H_.rows(), H_.cols());
}

// _check_params and _check_w_h: prepare, then the initial factors (H kept, W returned).
template <class T>
template <class Matrix>
DenseMatrix<T> MiniBatchNmf<T>::start(const Matrix& X, const Factors<T>* custom) {
  prepare(X);
  const Index m = X.rows(), n = X.cols();
  const Index k = options_.n_components.value_or(n);
  check_components(m, n, k, sizeof(T));
  Init init = options_.init;
  if (custom && init == Init::Auto) init = Init::Custom;
  Factors<T> factors;
  if (init == Init::Custom) {
    if (!custom) throw InvalidArgument("init = 'custom' needs initial W and H");
    check_factor(custom->H, k, n, "custom H");
    check_factor(custom->W, m, k, "custom W");
    factors = *custom;
  } else {
    init = resolve_init(init, k, m, n);
    factors = initialize(X, k, init, options_.random_state);
  }
  init_used_ = init;
  set_components(std::move(factors.H));
  return std::move(factors.W);
}

// _solve_W: W from a constant start by the multiplicative update with H fixed, until its
// relative change is at most tol.
template <class T>
template <class Matrix>
DenseMatrix<T> MiniBatchNmf<T>::solve_W(const Matrix& X, int max_iter) const {
  const Index k = H_.rows();
  const T average = std::sqrt(linalg::mean(X) / static_cast<T>(k));
  DenseMatrix<T> W = DenseMatrix<T>::Constant(X.rows(), k, average);
  DenseMatrix<T> previous = W;
  SolverSettings settings;
  settings.beta = options_.beta_loss;
  settings.penalties = scaled_penalties(options_, X.rows(), X.cols());
  mu::Updater<T> updater(settings, gamma_);
  for (int iteration = 0; iteration < max_iter; ++iteration) {
    updater.update_W(X, W, H_, /*H_fixed=*/true);
    const double change = std::sqrt(squared_frobenius<T>(W - previous) / squared_frobenius(W));
    if (options_.tol > 0 && change <= options_.tol) break;
    previous = W;
  }
  return W;
}

// _minibatch_step: W's rows of this batch (given, or solved when W is null or with fresh
// restarts), the batch's mean cost, then H with the forgetting running sums.
template <class T>
template <class Matrix>
double MiniBatchNmf<T>::step(const Matrix& X, DenseMatrix<T>* W_given) {
  // A batch's products are small: each parallel region would cost a fork and barriers
  // comparable to its work (and on a shared machine a wait for a descheduled thread), so
  // small batches run on one thread. The products here give the same bits on any number of
  // threads (their blocks do not depend on it), so this changes the time, never the numbers.
  const double k = static_cast<double>(H_.rows());
  const double work = static_cast<double>(stored_entries(X)) * k +
                      static_cast<double>(X.rows() + X.cols()) * k * k;
  const ScopedThreadCount serial(work < kSerialBatchWork ? 1 : 0);
  const double beta = options_.beta_loss;
  const Penalties p = scaled_penalties(options_, X.rows(), X.cols());
  SolverSettings settings;
  settings.beta = beta;
  settings.penalties = p;
  mu::Updater<T> updater(settings, gamma_);
  DenseMatrix<T> solved;
  DenseMatrix<T>& W = (batch_.fresh_restarts || !W_given) ? solved : *W_given;
  if (batch_.fresh_restarts || !W_given) {
    solved = solve_W(X, batch_.fresh_restarts_max_iter);
  } else {
    updater.update_W(X, W, H_, /*H_fixed=*/false);
  }
  if (beta < 1) mu::zero_below(W, mu::kFloat64Epsilon);
  const double cost =
      (linalg::beta_divergence(X, W, H_, beta) + p.l1_W * numpy_sum(W) + p.l1_H * numpy_sum(H_) +
       p.l2_W * numpy_sum_of_squares(W) + p.l2_H * numpy_sum_of_squares(H_)) /
      static_cast<double>(X.rows());

  const auto Xt = linalg::transpose_for_products(X);
  updater.H_terms(X, Xt, W, H_);
  DenseMatrix<T>& numerator = updater.H_numerator();
  DenseMatrix<T>& denominator = updater.H_denominator();
  if (p.l1_H > 0) denominator.array() += static_cast<T>(p.l1_H);
  if (p.l2_H > 0) denominator += static_cast<T>(p.l2_H) * H_;
  for (Index i = 0; i < denominator.size(); ++i) {
    if (denominator.data()[i] == T(0)) denominator.data()[i] = static_cast<T>(linalg::kEpsilon);
  }
  if (gamma_ != 1) {
    for (Index i = 0; i < H_.size(); ++i) {
      H_.data()[i] = linalg::numpy_power(H_.data()[i], 1.0 / gamma_);
    }
  }
  numerator.array() *= H_.array();
  numerator_ *= static_cast<T>(rho_);
  denominator_ *= static_cast<T>(rho_);
  numerator_ += numerator;
  denominator_ += denominator;
  H_.array() = numerator_.array() / denominator_.array();
  if (gamma_ != 1) {
    for (Index i = 0; i < H_.size(); ++i) H_.data()[i] = linalg::numpy_power(H_.data()[i], gamma_);
  }
  if (beta <= 1) mu::zero_below(H_, mu::kFloat64Epsilon);
  return cost;
}

// _minibatch_convergence: stop when H barely moved, or when the smoothed cost has not
// improved for max_no_improvement batches; the first batch only starts the smoothing.
template <class T>
bool MiniBatchNmf<T>::converged(Smoothing& s, double cost, Index batch_rows, Index n_samples,
                                long long step, const DenseMatrix<T>& previous_H) const {
  if (step == 0) return false;
  if (!s.cost) {
    s.cost = cost;
  } else {
    const double alpha =
        std::min(static_cast<double>(batch_rows) / (static_cast<double>(n_samples) + 1), 1.0);
    s.cost = *s.cost * (1 - alpha) + cost * alpha;
  }
  const double change =
      std::sqrt(squared_frobenius<T>(H_ - previous_H) / squared_frobenius(H_));
  if (options_.tol > 0 && change <= options_.tol) return true;
  if (!s.best || *s.cost < *s.best) {
    s.no_improvement = 0;
    s.best = s.cost;
  } else {
    ++s.no_improvement;
  }
  return batch_.max_no_improvement && s.no_improvement >= *batch_.max_no_improvement;
}

template <class T>
template <class Matrix>
MiniBatchResult<T> MiniBatchNmf<T>::run_loaded(const Matrix& X, DenseMatrix<T> W,
                                               const Progress& progress) {
  linalg::InMemoryRows<Matrix> rows(X);
  MiniBatchResult<T> result = run(rows, W, progress);
  if (batch_.fresh_restarts) W = solve_W(X, batch_.transform_max_iter.value_or(options_.max_iter));
  const double divergence = linalg::beta_divergence(X, W, H_, options_.beta_loss);
  return finish(std::move(result), std::move(W), divergence);
}

template <class T>
template <class Matrix>
MiniBatchResult<T> MiniBatchNmf<T>::fit_transform(const Matrix& X, const Factors<T>* custom,
                                                  const Progress& progress) {
  const ScopedThreadCount threads(options_.n_threads);
  DenseMatrix<T> W = start(X, custom);
  return run_loaded(X, std::move(W), progress);
}

template <class T>
template <class Matrix>
MiniBatchResult<T> MiniBatchNmf<T>::fit_from(const Matrix& X, DenseMatrix<T> W, DenseMatrix<T> H,
                                             const Progress& progress) {
  prepare(X);
  init_used_ = Init::Custom;
  set_components(std::move(H));
  return run_loaded(X, std::move(W), progress);
}

// _check_params and _check_w_h for X read in pieces: one pass checks every batch and,
// for init = 'random', sums X for its mean exactly as mean() sums the loaded X.
template <class T>
template <class Matrix>
DenseMatrix<T> MiniBatchNmf<T>::start_streamed(linalg::RowBatchSource<Matrix>& X,
                                               const Factors<T>* custom) {
  const Index m = X.rows(), n = X.cols();
  if (m == 0 || n == 0) {
    throw InvalidArgument("input X is empty (shape (" + std::to_string(m) + ", " +
                          std::to_string(n) + ")): NMF needs at least one sample and one feature");
  }
  if (options_.beta_loss != 2) {
    throw InvalidArgument("out-of-core fitting needs beta_loss = 2 (frobenius): the final error "
                          "for other losses needs all of W·H at once; got beta_loss = " +
                          std::to_string(options_.beta_loss));
  }
  if (batch_.fresh_restarts) {
    throw InvalidArgument("out-of-core fitting does not take fresh_restarts: it solves W for "
                          "all of X at once at the end");
  }
  batch_size_ = std::min(batch_.batch_size, m);
  rho_ = std::pow(batch_.forget_factor, static_cast<double>(batch_size_) / static_cast<double>(m));
  const Index k = options_.n_components.value_or(n);
  check_components(m, n, k, sizeof(T));
  Init init = options_.init;
  if (custom && init == Init::Auto) init = Init::Custom;
  if (init != Init::Custom) init = resolve_init(init, k, m, n);
  if (init != Init::Custom && init != Init::Random) {
    throw InvalidArgument("out-of-core fitting starts from init = 'random' or 'custom': init = '" +
                          to_string(init) + "' needs an SVD of all of X (use init = 'random')");
  }
  const auto check = [&](const Matrix& block, Index first) {
    try {
      check_nmf_input(block, options_.beta_loss);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(std::string(e.what()) + " of the rows from row " +
                            std::to_string(first));
    }
  };
  const T mean = linalg::streamed_mean(X, batch_size_, linalg::RowBlockVisitor<Matrix>(check));
  Factors<T> factors;
  if (init == Init::Custom) {
    if (!custom) throw InvalidArgument("init = 'custom' needs initial W and H");
    check_factor(custom->H, k, n, "custom H");
    check_factor(custom->W, m, k, "custom W");
    factors = *custom;
  } else {
    factors = random_init<T>(m, n, k, mean, options_.random_state);
  }
  init_used_ = init;
  set_components(std::move(factors.H));
  return std::move(factors.W);
}

template <class T>
template <class Matrix>
MiniBatchResult<T> MiniBatchNmf<T>::fit_streamed(linalg::RowBatchSource<Matrix>& X,
                                                 const Factors<T>* custom,
                                                 const Progress& progress) {
  const ScopedThreadCount threads(options_.n_threads);
  DenseMatrix<T> W = start_streamed(X, custom);
  MiniBatchResult<T> result = run(X, W, progress);
  const double divergence = linalg::streamed_half_squared_error(X, W, H_, batch_size_);
  return finish(std::move(result), std::move(W), divergence);
}

// _fit_transform's loop: the batches in order, cycling, until a stopping rule or max_iter
// passes (with fresh restarts, the caller then solves W for all of X).
template <class T>
template <class Matrix>
MiniBatchResult<T> MiniBatchNmf<T>::run(linalg::RowBatchSource<Matrix>& X, DenseMatrix<T>& W,
                                        const Progress& progress) {
  const Index m = X.rows();
  const Index steps_per_pass = (m + batch_size_ - 1) / batch_size_;
  const long long total_steps = static_cast<long long>(options_.max_iter) * steps_per_pass;
  MiniBatchResult<T> result;
  Smoothing smoothing;
  DenseMatrix<T> previous_H = H_;
  long long done = 0;
  for (long long i = 0; i < total_steps; ++i) {
    progress.check_cancelled();
    const Index first = (i % steps_per_pass) * batch_size_;
    const Index count = std::min(batch_size_, m - first);
    DenseMatrix<T> W_batch = W.middleRows(first, count);
    const Matrix X_batch = X.read_rows(first, count);
    const double cost = step(X_batch, &W_batch);
    if (!batch_.fresh_restarts) W.middleRows(first, count) = W_batch;
    result.batch_costs.push_back(cost);
    done = i + 1;
    report_iteration(progress, done, total_steps, nullptr, 0, 0, "batches");
    if (converged(smoothing, cost, count, m, i, previous_H)) break;
    previous_H = H_;
  }
  report_last_iteration(progress, done, "batches");
  n_steps_ = static_cast<int>(done);
  result.n_steps = n_steps_;
  result.n_iter = static_cast<int>((done + steps_per_pass - 1) / steps_per_pass);
  if (result.n_iter == options_.max_iter && options_.tol > 0) {
    result.converged = false;
    result.warnings.push_back("Maximum number of iterations " + std::to_string(options_.max_iter) +
                              " reached. Increase it to improve convergence.");
  }
  return result;
}

// The result of a fit from its final W and D_β(X ‖ WH).
template <class T>
MiniBatchResult<T> MiniBatchNmf<T>::finish(MiniBatchResult<T> result, DenseMatrix<T> W,
                                           double divergence) const {
  result.reconstruction_error = linalg::divergence_to_error(divergence);
  result.init = init_used_;
  result.random_state = *options_.random_state;
  result.W = std::move(W);
  result.H = H_;
  return result;
}

template <class T>
template <class Matrix>
void MiniBatchNmf<T>::partial_fit(const Matrix& X, const Factors<T>* custom) {
  const ScopedThreadCount threads(options_.n_threads);
  if (!fitted()) {
    start(X, custom);
    n_steps_ = 0;
  } else {
    check_new_samples(X, H_, options_.beta_loss);
  }
  step(X, nullptr);
  ++n_steps_;
}

template <class T>
template <class Matrix>
DenseMatrix<T> MiniBatchNmf<T>::transform(const Matrix& X) const {
  if (!fitted()) throw InvalidArgument("this MiniBatchNMF is not fitted yet");
  check_new_samples(X, H_, options_.beta_loss);
  const ScopedThreadCount threads(options_.n_threads);
  return solve_W(X, batch_.transform_max_iter.value_or(options_.max_iter));
}

template <class T>
void MiniBatchNmf<T>::restore(MiniBatchState<T> s) {
  const bool same_shape = s.numerator.rows() == s.H.rows() && s.numerator.cols() == s.H.cols() &&
                          s.denominator.rows() == s.H.rows() &&
                          s.denominator.cols() == s.H.cols();
  if (s.H.size() == 0 || !same_shape || s.batch_size < 1 || !(s.rho >= 0 && s.rho <= 1) ||
      s.n_steps < 0) {
    throw InvalidArgument("MiniBatchNMF: the saved state is inconsistent");
  }
  H_ = std::move(s.H);
  numerator_ = std::move(s.numerator);
  denominator_ = std::move(s.denominator);
  batch_size_ = s.batch_size;
  rho_ = s.rho;
  n_steps_ = s.n_steps;
}

template <class T, class Matrix>
MiniBatchResult<T> online_update(const Matrix& X, DenseMatrix<T> H, const NmfOptions& options,
                                 int passes, const Progress& progress) {
  if (passes < 1) throw InvalidArgument("passes must be >= 1, got " + std::to_string(passes));
  check_new_samples(X, H, options.beta_loss);
  MiniBatchNmf<T> model(options, options.minibatch);
  const Index batch = std::min(options.minibatch.batch_size, X.rows());
  const double rho = std::pow(options.minibatch.forget_factor,
                              static_cast<double>(batch) / static_cast<double>(X.rows()));
  const DenseMatrix<T> ones = DenseMatrix<T>::Ones(H.rows(), H.cols());
  model.restore({H, H, ones, batch, rho, 0});
  for (int pass = 0; pass < passes; ++pass) {
    for (Index first = 0; first < X.rows(); first += batch) {
      progress.check_cancelled();
      model.partial_fit(rows_of(X, first, std::min(batch, X.rows() - first)));
    }
  }
  MiniBatchResult<T> result;
  result.H = model.components();
  result.W = model.transform(X);
  result.n_steps = model.n_steps();
  result.n_iter = passes;
  result.reconstruction_error =
      linalg::divergence_to_error(linalg::beta_divergence(X, result.W, result.H, options.beta_loss));
  result.init = Init::Custom;
  result.random_state = model.random_state();
  return result;
}

#define NMFKIT_MINIBATCH(T, Matrix)                                                         \
  template MiniBatchResult<T> MiniBatchNmf<T>::fit_transform(const Matrix&, const Factors<T>*, \
                                                             const Progress&);               \
  template void MiniBatchNmf<T>::partial_fit(const Matrix&, const Factors<T>*);             \
  template MiniBatchResult<T> MiniBatchNmf<T>::fit_from(const Matrix&, DenseMatrix<T>,         \
                                                        DenseMatrix<T>, const Progress&);     \
  template MiniBatchResult<T> MiniBatchNmf<T>::fit_streamed(                                 \
      linalg::RowBatchSource<Matrix>&, const Factors<T>*, const Progress&);                  \
  template DenseMatrix<T> MiniBatchNmf<T>::transform(const Matrix&) const;                  \
  template MiniBatchResult<T> online_update(const Matrix&, DenseMatrix<T>, const NmfOptions&,  \
                                            int, const Progress&);
template class MiniBatchNmf<float>;
template class MiniBatchNmf<double>;
NMFKIT_MINIBATCH(float, DenseMatrix<float>)
NMFKIT_MINIBATCH(double, DenseMatrix<double>)
NMFKIT_MINIBATCH(float, SparseMatrix<float>)
NMFKIT_MINIBATCH(double, SparseMatrix<double>)

}  // namespace nmfkit
