#include "nmfkit/tensor/ntf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "hals_update.hpp"
#include "mttkrp.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "row_chunks.hpp"

namespace nmfkit {

using tensor_detail::gram;

double ntf_memory_bytes(const std::vector<Index>& shape, Index k, std::size_t element_size,
                        bool dense, bool masked) {
  // The Khatri-Rao products of the modes before and after the one being updated (the
  // largest pair over the modes), the MTTKRP, the factors and their Grams.
  const double kd = static_cast<double>(k);
  double factors = 0;
  double khatri_rao = 0;
  const double count = entry_count(shape);
  for (std::size_t n = 0; n < shape.size(); ++n) {
    const double rows = static_cast<double>(shape[n]);
    factors += rows * kd;
    double before = 1;
    for (std::size_t m = 0; m < n; ++m) before *= static_cast<double>(shape[m]);
    khatri_rao = std::max(khatri_rao, (before + count / (before * rows)) * kd);
  }
  double elements = 2 * factors + (dense ? khatri_rao : 0) +
                    (static_cast<double>(shape.size()) + 2) * kd * kd;
  double bytes = elements * static_cast<double>(element_size);
  // The residual, the mask, and the model tensor the residual starts from.
  if (masked) bytes += count * (2 * static_cast<double>(element_size) + 1);
  return bytes;
}

namespace {

// The data behind the fit: MTTKRP and ‖X‖² over the observed entries.
template <class T>
struct DenseData {
  const DenseTensor<T>& X;
  DenseMatrix<T> mttkrp(const std::vector<DenseMatrix<T>>& f, std::size_t n) const {
    return tensor_detail::mttkrp(X, f, n);
  }
};

template <class T>
struct SparseData {
  tensor_detail::SparseModeIndex<T> index;
  DenseMatrix<T> mttkrp(const std::vector<DenseMatrix<T>>& f, std::size_t n) const {
    return index.mttkrp(f, n);
  }
};

// Unit-norm columns, their norms into `weights`, and G (AᵀA) rescaled to match. A column
// that is all zeros keeps weight 0.
template <class T>
void normalise(DenseMatrix<T>& A, DenseMatrix<T>& G, Vector<T>& weights) {
  const Index k = A.cols();
  Vector<T> scale(k);
  for (Index r = 0; r < k; ++r) {
    const T norm = std::sqrt(std::max(G(r, r), T(0)));
    weights(r) = norm;
    scale(r) = norm > 0 ? T(1) / norm : T(0);
  }
  A = A * scale.asDiagonal();
  G = scale.asDiagonal() * G * scale.asDiagonal();
}

template <class T>
DenseMatrix<T> hadamard_except(const std::vector<DenseMatrix<T>>& grams, std::size_t mode) {
  const Index k = grams[0].rows();
  DenseMatrix<T> G = DenseMatrix<T>::Ones(k, k);
  for (std::size_t m = 0; m < grams.size(); ++m) {
    if (m != mode) G.array() *= grams[m].array();
  }
  return G;
}

// ‖Σ_r λ_r ∘ a_r‖² = λᵀ(⊛ AᵀA)λ.
template <class T>
double model_norm2(const std::vector<DenseMatrix<T>>& grams, const Vector<T>& weights) {
  const DenseMatrix<T> G = hadamard_except(grams, grams.size());
  const Vector<double> w = weights.template cast<double>();
  return std::max(0.0, w.dot(G.template cast<double>() * w));
}

// The random start: factors uniform on [0, 1) drawn mode after mode in row-major order
// from NumPy's RandomState(seed), normalised, with λ scaled so that ‖X̂‖ = ‖X‖.
template <class T>
void random_start(const std::vector<Index>& shape, Index k, std::uint32_t seed, double x_norm2,
                  std::vector<DenseMatrix<T>>& factors, std::vector<DenseMatrix<T>>& grams,
                  Vector<T>& weights) {
  RandomState random(seed);
  factors.clear();
  grams.clear();
  weights = Vector<T>::Ones(k);
  Vector<T> norms(k);
  for (const Index rows : shape) {
    DenseMatrix<T> A(rows, k);
    for (Index i = 0; i < A.size(); ++i) A.data()[i] = static_cast<T>(random.random_sample());
    DenseMatrix<T> G = gram(A);
    normalise(A, G, norms);
    weights.array() *= norms.array();
    factors.push_back(std::move(A));
    grams.push_back(std::move(G));
  }
  const double model = model_norm2(grams, weights);
  if (model > 0) weights *= static_cast<T>(std::sqrt(x_norm2 / model));
}

template <class T>
class Fit {
 public:
  Fit(const std::vector<Index>& shape, const NtfOptions& options, const Progress& progress)
      : shape_(shape), options_(options), progress_(progress) {
    result_.random_state = options.random_state ? *options.random_state : entropy_seed();
  }

  // Unmasked: the MTTKRP/Gram form, the error by the Gram trick
  //   ‖X − X̂‖² = ‖X‖² − 2⟨X, X̂⟩ + ‖X̂‖², with ⟨X, X̂⟩ = Σ M ⊙ (A⁽ᴺ⁻¹⁾ diag λ) from the
  // last mode's MTTKRP.
  template <class Data>
  NtfResult<T> run(const Data& data, double x_norm2) {
    const Index k = options_.n_components;
    std::vector<DenseMatrix<T>> grams;
    random_start(shape_, k, result_.random_state, x_norm2, factors_, grams, weights_);
    const std::size_t modes = shape_.size();
    while (iterate()) {
      double inner = 0;
      double model = 0;
      for (std::size_t n = 0; n < modes; ++n) {
        const DenseMatrix<T> M = data.mttkrp(factors_, n);
        const DenseMatrix<T> G = hadamard_except(grams, n);
        DenseMatrix<T>& A = factors_[n];
        A = A * weights_.asDiagonal();
        tensor_detail::hals_sweep(A, M, G);
        DenseMatrix<T> An = gram(A);
        if (n + 1 == modes) {
          inner = (M.template cast<double>().array() * A.template cast<double>().array()).sum();
          model = std::max(0.0, (An.template cast<double>().array() *
                                 G.template cast<double>().array()).sum());
        }
        normalise(A, An, weights_);
        grams[n] = std::move(An);
      }
      record(std::max(0.0, x_norm2 - 2 * inner + model), x_norm2);
    }
    return finish();
  }

  // With missing entries: the weighted sweeps over a residual kept up to date.
  NtfResult<T> run_masked(const DenseTensor<T>& X, const std::vector<std::uint8_t>& observed,
                          double x_norm2) {
    const Index k = options_.n_components;
    std::vector<DenseMatrix<T>> grams;
    random_start(shape_, k, result_.random_state, x_norm2, factors_, grams, weights_);
    std::vector<T> residual(X.values.size(), T(0));
    {
      const DenseTensor<T> start = cp_to_tensor(factors_, weights_);
      for (std::size_t e = 0; e < residual.size(); ++e) {
        if (observed[e]) residual[e] = X.values[e] - start.values[e];
      }
    }
    const std::size_t modes = shape_.size();
    Vector<T> norms(k);
    while (iterate()) {
      for (std::size_t n = 0; n < modes; ++n) {
        const DenseMatrix<T> before = tensor_detail::khatri_rao(factors_, 0, n, k);
        const DenseMatrix<T> after = tensor_detail::khatri_rao(factors_, n + 1, modes, k);
        DenseMatrix<T>& A = factors_[n];
        A = A * weights_.asDiagonal();
        tensor_detail::weighted_hals_sweep(A, residual, observed, before, after);
        DenseMatrix<T> An = gram(A);
        normalise(A, An, weights_);
      }
      double error2 = 0;
      for (std::size_t e = 0; e < residual.size(); ++e) {
        const double r = static_cast<double>(residual[e]);
        error2 += r * r;
      }
      record(error2, x_norm2);
    }
    return finish();
  }

 private:
  // Counts iterations and polls for cancellation; false once the fit should stop.
  bool iterate() {
    if (stop_ || result_.n_iter >= options_.max_iter) return false;
    progress_.check_cancelled();
    ++result_.n_iter;
    return true;
  }

  // The stopping rule of the seam solvers (nmf/alternating_driver.hpp): the relative
  // decrease of the squared error below tol for `patience` iterations in a row.
  void record(double error2, double x_norm2) {
    const double relative = std::sqrt(error2 / x_norm2);
    result_.relative_error_history.push_back(relative);
    result_.iteration_seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    if (options_.verbose > 0) {
      progress_.message("iteration " + std::to_string(result_.n_iter) + ", relative error " +
                        value_text(relative));
    }
    if (previous_) {
      const double decrease = (*previous_ - error2) / std::max(error2, 1e-300);
      calm_ = decrease < options_.tol ? calm_ + 1 : 0;
      if (progress_.step) {
        progress_.report({.task = "fit",
                          .unit = "iterations",
                          .done = result_.n_iter,
                          .bound = options_.max_iter,
                          .measure = "change " + value_text(decrease)});
      }
    }
    previous_ = error2;
    if (error2 == 0 || calm_ >= options_.patience) {
      stop_ = true;
      result_.converged = true;
    }
  }

  NtfResult<T> finish() {
    progress_.report({.task = "fit", .unit = "iterations", .done = result_.n_iter, .last = true});
    result_.factors = std::move(factors_);
    result_.weights = std::move(weights_);
    result_.relative_error =
        result_.relative_error_history.empty() ? 1.0 : result_.relative_error_history.back();
    return std::move(result_);
  }

  const std::vector<Index>& shape_;
  const NtfOptions& options_;
  const Progress& progress_;
  NtfResult<T> result_;
  std::vector<DenseMatrix<T>> factors_;
  Vector<T> weights_;
  std::optional<double> previous_;
  int calm_ = 0;
  bool stop_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void check_fit(const std::vector<Index>& shape, const NtfOptions& options,
               std::size_t element_size, bool dense, bool masked, double x_norm2,
               double observed) {
  options.validate();
  if (observed == 0) throw InvalidArgument("every entry of the tensor is missing (NaN)");
  if (!(x_norm2 > 0)) {
    throw InvalidArgument("the tensor's observed entries are all zero: there is nothing to factorise");
  }
  require_memory(ntf_memory_bytes(shape, options.n_components, element_size, dense, masked),
                 "a rank-" + std::to_string(options.n_components) + " CP fit of a tensor of shape " +
                     shape_text(shape));
}

template <class T>
NtfResult<T> fit_dense(const DenseTensor<T>& X, const NtfOptions& options,
                       const Progress& progress) {
  const bool masked = has_missing(X);
  std::vector<std::uint8_t> observed;
  double x_norm2 = 0;
  Index n_missing = 0;
  if (masked) observed.resize(X.values.size());
  for (std::size_t e = 0; e < X.values.size(); ++e) {
    const T value = X.values[e];
    if (std::isnan(value)) {
      ++n_missing;
      continue;
    }
    if (masked) observed[e] = 1;
    x_norm2 += static_cast<double>(value) * static_cast<double>(value);
  }
  check_fit(X.shape, options, sizeof(T), true, masked, x_norm2,
            static_cast<double>(X.values.size()) - static_cast<double>(n_missing));
  ScopedThreadCount threads(options.n_threads);
  Fit<T> fit(X.shape, options, progress);
  NtfResult<T> result =
      masked ? fit.run_masked(X, observed, x_norm2) : fit.run(DenseData<T>{X}, x_norm2);
  result.n_missing = n_missing;
  return result;
}

}  // namespace

template <class T>
NtfResult<T> fit_ntf(const DenseTensor<T>& X, const NtfOptions& options,
                     const Progress& progress) {
  check_tensor(X);
  return fit_dense(X, options, progress);
}

template <class T>
NtfResult<T> fit_ntf(const SparseTensor<T>& X, const NtfOptions& options,
                     const Progress& progress) {
  check_tensor(X);
  if (has_missing(X)) {
    // The weighted sweeps run over the dense array (every unlisted entry is an observed 0).
    require_memory(entry_count(X.shape) * static_cast<double>(sizeof(T)),
                   "a sparse tensor with missing entries of shape " + shape_text(X.shape) +
                       " (made dense for the weighted fit)");
    return fit_dense(to_dense(X), options, progress);
  }
  double x_norm2 = 0;
  for (const T value : X.values) x_norm2 += static_cast<double>(value) * static_cast<double>(value);
  check_fit(X.shape, options, sizeof(T), false, false, x_norm2, entry_count(X.shape));
  require_memory(static_cast<double>(X.values.size()) *
                     static_cast<double>(X.shape.size() * sizeof(Index)),
                 "the per-mode index of a sparse tensor");
  ScopedThreadCount threads(options.n_threads);
  Fit<T> fit(X.shape, options, progress);
  return fit.run(SparseData<T>{tensor_detail::SparseModeIndex<T>(X)}, x_norm2);
}

template <class T>
DenseTensor<T> cp_to_tensor(const std::vector<DenseMatrix<T>>& factors, const Vector<T>& weights) {
  DenseTensor<T> X;
  const Index k = weights.size();
  for (const auto& A : factors) X.shape.push_back(A.rows());
  // The Khatri-Rao product of all modes but the first holds each entry's product over them.
  const DenseMatrix<T> rest = tensor_detail::khatri_rao(factors, 1, factors.size(), k);
  const DenseMatrix<T> first = factors[0] * weights.asDiagonal();
  const Index columns = rest.rows();
  X.values.resize(static_cast<std::size_t>(first.rows() * columns));
  using Block = Eigen::Map<DenseMatrix<T>>;
  tensor_detail::for_row_chunks(
      first.rows(), static_cast<double>(X.values.size()) * static_cast<double>(k),
      [&](Index begin, Index end) {
        Block block(X.values.data() + begin * columns, end - begin, columns);
        block.noalias() = first.middleRows(begin, end - begin) * rest.transpose();
      });
  return X;
}

#define NMFKIT_INSTANTIATE(T)                                                                 \
  template NtfResult<T> fit_ntf(const DenseTensor<T>&, const NtfOptions&, const Progress&);   \
  template NtfResult<T> fit_ntf(const SparseTensor<T>&, const NtfOptions&, const Progress&);  \
  template DenseTensor<T> cp_to_tensor(const std::vector<DenseMatrix<T>>&, const Vector<T>&);
NMFKIT_INSTANTIATE(float)
NMFKIT_INSTANTIATE(double)
#undef NMFKIT_INSTANTIATE

}  // namespace nmfkit
