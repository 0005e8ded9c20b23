#pragma once
// Joint NMF of modalities that share their samples: X_m ≈ W·H_m for every modality m,
// with one sample × topic matrix W shared by all and one topic × feature matrix H_m each,
// minimising Σ_m w_m·D_β(X_m ‖ W·H_m).
//
// Because D_β(c·X ‖ c·Y) = c^β·D_β(X ‖ Y), scaling modality m by c_m = w_m^(1/β) and
// factorising the side-by-side matrix [c_1·X_1, c_2·X_2, ...] with any single-matrix
// solver minimises exactly that weighted sum, with H_m = (block m of H) / c_m. So every
// solver, initialisation and stopping rule of nmf/ serves the joint model unchanged.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/multimodal/data.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit::multimodal {

struct JointNmfOptions {
  NmfOptions nmf;               // k, solver, β, init, tolerance, penalties, threads, ...
  std::vector<double> weights;  // w_m per modality, in data order; empty: all 1

  // Throws InvalidArgument: a weight count that differs from the modality count, a weight
  // ≤ 0 or not finite, or weights other than 1 with β = 0 (Itakura-Saito is scale
  // invariant, so a weight cannot be applied by scaling).
  void validate(std::size_t n_modalities) const;
};

template <class T>
struct JointNmfResult {
  DenseMatrix<T> W;                     // samples × k, shared by every modality
  std::vector<DenseMatrix<T>> H;        // per modality: k × its features
  std::vector<double> modality_errors;  // sqrt(2·D_β(X_m ‖ W·H_m)) per modality
  double objective = 0;                 // Σ_m w_m·D_β(X_m ‖ W·H_m)
  int n_iter = 0;
  bool converged = true;
  std::uint32_t random_state = 0;  // the seed used
  std::vector<std::string> warnings;
  std::vector<double> objective_history;  // fast solvers: per iteration
};

// The modalities are converted to T; if any is sparse they are joined as CSR, else dense.
// Penalties (alpha_W, alpha_H) act on the scaled problem, i.e. on c_m·H_m.
template <class T>
JointNmfResult<T> fit_joint_nmf(const MultiModalData& data, const JointNmfOptions& options,
                                const Progress& progress = {});

// W for new samples with every H_m fixed: the W minimising Σ_m w_m·D_β(X_m ‖ W·H_m), found
// as the fit finds it, by nmfkit::transform of the side-by-side matrix [c_1·X_1, ...]
// against [c_1·H_1, ...] (same solver, tol, max_iter, β and alpha_W as options.nmf). The
// data's modalities must be in H's order with H's feature counts (InvalidArgument naming
// the modality otherwise).
template <class T>
TransformResult<T> transform_joint_nmf(const MultiModalData& data,
                                       const std::vector<DenseMatrix<T>>& H,
                                       const JointNmfOptions& options,
                                       const Progress& progress = {});

}  // namespace nmfkit::multimodal
