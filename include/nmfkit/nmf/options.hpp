#pragma once
// Every option of scikit-learn's sklearn.decomposition.NMF, with its defaults.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/dist/grid.hpp"
#include "nmfkit/nmf/minibatch_options.hpp"

namespace nmfkit::dist {
class Comm;  // nmfkit/dist/comm.hpp
}

namespace nmfkit {

class CheckpointStore;

enum class Init {
  Auto,      // scikit-learn's None: nndsvda if k <= min(m, n), else random
  Random,    // |N(0, 1)|·sqrt(mean(X)/k)
  Nndsvd,    // nonnegative double SVD (Boutsidis & Gallopoulos 2008); keeps zeros
  Nndsvda,   // NNDSVD with zeros replaced by mean(X)
  Nndsvdar,  // NNDSVD with zeros replaced by small random values
  Custom,    // W and H supplied by the caller
};

std::string to_string(Init init);
Init parse_init(const std::string& name);  // scikit-learn's names; "none" or "auto" for Auto

// "frobenius" → 2, "kullback-leibler" → 1, "itakura-saito" → 0, or a number.
double parse_beta_loss(const std::string& text);
std::string beta_loss_name(double beta);  // the name for 2, 1, 0, else the number

struct NmfOptions {
  std::optional<Index> n_components;  // k; unset: from custom W/H ('auto'), else n_features
  Init init = Init::Auto;             // initialisation
  std::string solver = "cd";          // a name from the solver registry (cd, mu, hals, auto, ...)
  double beta_loss = 2.0;             // β of the β-divergence; only "mu" accepts β ≠ 2
  double tol = 1e-4;                  // stopping tolerance (meaning depends on the solver)
  int max_iter = 200;                 // iteration limit
  int patience = 3;                   // hals/anls: iterations in a row below tol to stop
  std::optional<std::uint32_t> random_state;  // seed of NumPy's RandomState; unset: fresh entropy
  double alpha_W = 0.0;                       // regularisation strength on W
  std::optional<double> alpha_H;              // on H; unset: the same as alpha_W ("same")
  double l1_ratio = 0.0;                      // 0: pure L2, 1: pure L1
  int verbose = 0;                            // > 0 prints progress
  bool shuffle = false;                       // random coordinate order in "cd"
  int n_threads = 0;                          // threads for the products and solvers; 0: all cores
  bool extrapolate = true;                    // hals/anls/anls-bpp/scd: Ang & Gillis' extrapolation
  MiniBatchOptions minibatch;                 // solver 'minibatch': batches, forgetting
  // The processes to spread the fit over (hals, anls, anls-bpp, scd; every process calls fit
  // with the same X and options and gets the same W and H); null: this process alone.
  const dist::Comm* comm = nullptr;
  // How X is laid out over those processes (dist/grid.hpp): 1-D, a grid, or automatic.
  dist::Grid grid = dist::Grid::one_d();
  // Which factorisation (nmf/models.hpp): "standard" X ≈ W·H with W, H ≥ 0; "semi" (Ding, Li
  // & Jordan 2010) for X of any sign, H ≥ 0 and W free; "symmetric" (Kuang, Ding & Park
  // 2012) for a square symmetric X ≈ W·Wᵀ, W ≥ 0 (H = Wᵀ); "deep" (Trigeorgis et al. 2014)
  // X ≈ W_L·H_L···H_1 with every factor ≥ 0, ranks from layer_ranks.
  std::string model = "standard";
  // model = "deep": the rank of each layer, first (finest, next to the data) to last, strictly
  // decreasing; n_components is the last one (or unset). Empty for every other model.
  std::vector<Index> layer_ranks;
  // Graph-regularised NMF (GNMF, Cai et al. 2011): a graph over the samples, n_samples ×
  // n_samples with weights ≥ 0 (made undirected as (A + Aᵀ)/2); null: none. Owned by the
  // caller, like comm.
  const SparseMatrix<double>* graph = nullptr;
  double graph_weight = 1.0;  // λ of the graph term λ/2·tr(WᵀLW), L = D − A
  // pgd, adam (seed 004's gradient NMF): the step size; unset: the notebook's, 0.05 (pgd)
  // or 1e-3 (adam).
  std::optional<double> learning_rate;
  double penalty = 100.0;  // pgd, adam: weight of the notebook's penalty on entries below 1e-5
  // Where the fit saves its progress every checkpoint->interval_seconds and when cancelled,
  // and resumes from (core/checkpoint.hpp; unit "fit"); the standard model with hals, anls,
  // anls-bpp or scd only. Null: none. Owned by the caller, like comm.
  const CheckpointStore* checkpoint = nullptr;

  // Throws InvalidArgument naming the parameter, its value and what is allowed.
  void validate() const;
  double effective_alpha_H() const { return alpha_H.value_or(alpha_W); }
};

// The penalties scikit-learn adds, scaled by the data's shape (_compute_regularization).
struct Penalties {
  double l1_W = 0, l1_H = 0, l2_W = 0, l2_H = 0;
};
Penalties scaled_penalties(const NmfOptions& options, Index n_samples, Index n_features);

}  // namespace nmfkit
