#pragma once
// scikit-learn 1.2's MiniBatchNMF (online NMF, Lefèvre, Bach & Févotte 2011, with
// scikit-learn's early stopping): W's rows of one batch of samples at a time by the
// multiplicative update, H by the update whose numerator and denominator are running sums
// that forget old batches by ρ = forget_factor^(batch_size / n_samples). The same numbers
// as scikit-learn for the same options and seed; partial_fit for data that arrives in
// pieces.

#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/linalg/row_batch_source.hpp"
#include "nmfkit/nmf/init.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit {

template <class T>
struct MiniBatchResult {
  DenseMatrix<T> W;
  DenseMatrix<T> H;
  double reconstruction_error = 0;  // sqrt(2·D_β(X ‖ WH)) over all of X
  int n_iter = 0;                   // passes over the data started
  int n_steps = 0;                  // batches processed
  bool converged = true;            // false when max_iter passes ran with tol > 0
  Init init = Init::Auto;           // the initialisation used
  std::uint32_t random_state = 0;
  std::vector<std::string> warnings;
  std::vector<double> batch_costs;  // per batch: the mean cost scikit-learn's verbose prints
};

// What a model carries from one partial_fit to the next (to save and restore it).
template <class T>
struct MiniBatchState {
  DenseMatrix<T> H, numerator, denominator;  // the components and H's running sums
  Index batch_size = 0;
  double rho = 1;
  int n_steps = 0;
};

// One model, kept between partial_fit calls as scikit-learn's estimator keeps it.
template <class T>
class MiniBatchNmf {
 public:
  MiniBatchNmf(NmfOptions options, MiniBatchOptions batch);

  // Fits from scratch (init on all of X, then batches in order, cycling). `custom` gives
  // W and H for init = custom.
  template <class Matrix>
  MiniBatchResult<T> fit_transform(const Matrix& X, const Factors<T>* custom = nullptr,
                                   const Progress& progress = {});
  // The same from given W and H (the solver registry's entry, after fit()'s init).
  template <class Matrix>
  MiniBatchResult<T> fit_from(const Matrix& X, DenseMatrix<T> W, DenseMatrix<T> H,
                              const Progress& progress = {});
  // Out-of-core fit_transform: X is read a batch of rows at a time from `X` (one pass for
  // the checks and init = 'random''s mean, then the batches, then one pass for the error),
  // so memory holds one batch of X besides W and H. The numbers are bitwise those of
  // fit_transform on the loaded X. Throws InvalidArgument for what needs all of X at once:
  // the NNDSVD inits (an SVD of X; init 'auto' resolves to nndsvda when k ≤ min(m, n)),
  // fresh_restarts (W solved for all of X at the end), and β ≠ 2 (the final error).
  template <class Matrix>
  MiniBatchResult<T> fit_streamed(linalg::RowBatchSource<Matrix>& X,
                                  const Factors<T>* custom = nullptr,
                                  const Progress& progress = {});
  // One step on X as one batch; the first call initialises H from X (and its shape sets
  // the batch size and ρ, as in scikit-learn).
  template <class Matrix>
  void partial_fit(const Matrix& X, const Factors<T>* custom = nullptr);
  // W for new samples with the components fixed.
  template <class Matrix>
  DenseMatrix<T> transform(const Matrix& X) const;

  bool fitted() const { return H_.size() > 0; }
  const DenseMatrix<T>& components() const { return H_; }
  int n_steps() const { return n_steps_; }
  std::uint32_t random_state() const { return *options_.random_state; }
  MiniBatchState<T> state() const { return {H_, numerator_, denominator_, batch_size_, rho_, n_steps_}; }
  // Continues a saved model; throws InvalidArgument when the state is inconsistent.
  void restore(MiniBatchState<T> state);

 private:
  struct Smoothing;  // the early-stopping state of one fit
  template <class Matrix>
  void prepare(const Matrix& X);
  void set_components(DenseMatrix<T> H);
  template <class Matrix>
  DenseMatrix<T> start(const Matrix& X, const Factors<T>* custom);
  template <class Matrix>
  MiniBatchResult<T> run(linalg::RowBatchSource<Matrix>& X, DenseMatrix<T>& W,
                         const Progress& progress);
  MiniBatchResult<T> finish(MiniBatchResult<T> result, DenseMatrix<T> W, double divergence) const;
  // The batches over the loaded X from W (and H_) as they stand, then the result.
  template <class Matrix>
  MiniBatchResult<T> run_loaded(const Matrix& X, DenseMatrix<T> W, const Progress& progress);
  template <class Matrix>
  DenseMatrix<T> start_streamed(linalg::RowBatchSource<Matrix>& X, const Factors<T>* custom);
  template <class Matrix>
  double step(const Matrix& X, DenseMatrix<T>* W);
  template <class Matrix>
  DenseMatrix<T> solve_W(const Matrix& X, int max_iter) const;
  bool converged(Smoothing& smoothing, double cost, Index batch_rows, Index n_samples,
                 long long step, const DenseMatrix<T>& previous_H) const;

  NmfOptions options_;
  MiniBatchOptions batch_;
  Index batch_size_ = 0;  // min(batch_size, n_samples) of the first data seen
  double rho_ = 1;
  double gamma_ = 1;
  Init init_used_ = Init::Auto;
  DenseMatrix<T> H_;
  DenseMatrix<T> numerator_, denominator_;  // the running sums of H's update
  int n_steps_ = 0;
};

// Continues a fitted model with new samples, as gensim's Nmf.update does for topic models:
// the components H (k × features) take `passes` passes of MiniBatchNMF's partial_fit over
// X's batches (options.minibatch.batch_size, at most X's rows), with H's running sums
// restarted from H (a model keeps only H); W is then X's codes with the new H fixed.
// Throws InvalidArgument when X's features differ from H's or passes < 1.
template <class T, class Matrix>
MiniBatchResult<T> online_update(const Matrix& X, DenseMatrix<T> H, const NmfOptions& options,
                                 int passes, const Progress& progress = {});

}  // namespace nmfkit
