#pragma once
// The machinery MTM, sMTM and held-out inference share (internal): the data as one CSR per
// modality with a by-feature index of its entries, and the per-sample E-step.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/multimodal/data.hpp"

namespace nmfkit::multimodal::detail {

struct ModalityRows {
  SparseMatrix<double> X;  // samples × features, exact zeros dropped
  // The entries grouped by feature, by increasing sample within a feature: summing the
  // sufficient statistics feature by feature in this order gives the same bits for any
  // thread count, without a K × V buffer per thread.
  std::vector<Index> feature_start;  // V + 1
  std::vector<Index> entry;          // position in X's value array
  std::vector<Index> entry_row;      // its sample
};

struct Corpus {
  Index n_samples = 0;
  std::vector<ModalityRows> modalities;
};

// Validates the data (shape, values finite and ≥ 0, naming the modality). With names, the
// data's modalities are taken in that order and must have the given feature counts.
Corpus make_corpus(const MultiModalData& data, const std::vector<std::string>* names = nullptr,
                   const std::vector<Index>* n_features = nullptr);
// The listed samples in that order (repeats allowed), as a corpus of its own.
Corpus select_samples(const Corpus& corpus, const std::vector<Index>& samples);

// exp(ψ(g) − ψ(Σ g)) into out.
void dirichlet_exp_expectation(const double* g, Index K, double* out);

class SpatialSmoother;

// q(θ) and q(z) for fixed q(β): mTopic's _e_step.
class EStep {
 public:
  EStep(Index n_topics, double alpha, int max_iter_d, double gamma_tol);

  // λ_mᵀ per modality (V_m × K); caches exp(E[log β]) in the same layout, so that a
  // feature's K values are contiguous for the per-entry dot products.
  void set_lambda_t(std::vector<DenseMatrix<double>> lambda_t);
  const std::vector<DenseMatrix<double>>& lambda_t() const { return lambda_t_; }
  std::vector<DenseMatrix<double>>& mutable_lambda_t() { return lambda_t_; }
  const std::vector<DenseMatrix<double>>& exp_elog_beta_t() const { return exp_elog_beta_t_; }

  // Every sample's γ (N × K) and, when sstats_t is given, Σ_d Eθ_d·x_dw/norm_dw per modality
  // (V_m × K, before the E[β] factor). smoother: sMTM's step after convergence.
  void run(const Corpus& corpus, DenseMatrix<double>& gamma,
           std::vector<DenseMatrix<double>>* sstats_t,
           const SpatialSmoother* smoother = nullptr) const;

 private:
  Index K_;
  double alpha_;
  int max_iter_d_;
  double gamma_tol_;
  std::vector<DenseMatrix<double>> lambda_t_;
  std::vector<DenseMatrix<double>> exp_elog_beta_t_;
};

}  // namespace nmfkit::multimodal::detail
