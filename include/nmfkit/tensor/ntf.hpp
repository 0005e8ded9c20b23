#pragma once
// Non-negative CP (PARAFAC) decomposition of an N-way tensor by HALS, as PLANC's NTF:
//   X ≈ Σ_r λ_r · a⁽⁰⁾_r ∘ a⁽¹⁾_r ∘ … ∘ a⁽ᴺ⁻¹⁾_r,  every factor A⁽ⁿ⁾ ≥ 0,
// the CP model of Kolda & Bader (2009, "Tensor decompositions and applications", SIAM
// Review 51(3), §3) with the hierarchical ALS column updates of Cichocki & Phan (2009,
// "Fast local algorithms for large scale nonnegative matrix and tensor factorizations",
// IEICE Trans. Fundamentals E92-A(3), Algorithm 2 for NTF-1/CP).
//
// One iteration visits the modes in order. For mode n, with the other factors fixed:
//   M = X₍ₙ₎ · (⊙_{m≠n} A⁽ᵐ⁾)   (the MTTKRP: the mode-n unfolding times the Khatri-Rao
//                                product of the other factors)
//   G = ⊛_{m≠n} A⁽ᵐ⁾ᵀA⁽ᵐ⁾       (the Hadamard product of their Gram matrices)
// and each column r of A⁽ⁿ⁾ (holding λ) is set to the exact minimiser with the others fixed,
//   a_r ← max(0, a_r + (M_r − A⁽ⁿ⁾G_r) / G_rr),
// after which the columns are normalised to unit length and their norms become λ. Each
// column update minimises the objective exactly over that column, so the error never
// increases (HALS is monotone).
//
// Missing entries (NaN) are left out of the objective, ½·Σ_observed (X − X̂)². Then each
// column update is the weighted one (the exact minimiser over the observed entries, row
// by row of the mode): a_ir ← max(0, Σ_j w_ij (R_ij + a_ir b_jr) b_jr / Σ_j w_ij b_jr²),
// with R the residual over the observed entries and b_r the Khatri-Rao column of the
// other modes; it is monotone too. This path works on the dense tensor (a sparse one with
// missing entries is made dense first).
//
// Threads: every sum runs in a fixed order whatever the number of threads (the work is
// split by rows of the mode being updated, each row summed by one thread), so 1 and N
// threads give identical factors.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/tensor/tensor.hpp"

namespace nmfkit {

struct NtfOptions {
  Index n_components = 1;                     // k, the CP rank
  double tol = 1e-4;                          // stop when the relative decrease stays below this
  int max_iter = 200;                         // iteration limit
  int patience = 3;                           // iterations in a row below tol to stop
  std::optional<std::uint32_t> random_state;  // seed of the random start; unset: fresh entropy
  int n_threads = 0;                          // threads; 0: the current OpenMP setting
  int verbose = 0;                            // > 0 reports each iteration to the Progress

  // Throws InvalidArgument naming the parameter, its value and what is allowed.
  void validate() const;
};

template <class T>
struct NtfResult {
  std::vector<DenseMatrix<T>> factors;  // one I_n × k matrix per mode, unit-norm columns
  Vector<T> weights;                    // λ, k values
  // ‖X − X̂‖ / ‖X‖ over the observed entries after each iteration; the last is the fit's.
  std::vector<double> relative_error_history;
  std::vector<double> iteration_seconds;  // time from the start to the end of each iteration
  double relative_error = 0;
  int n_iter = 0;
  bool converged = false;            // false when max_iter was reached
  std::uint32_t random_state = 0;    // the seed used (drawn from entropy when unset)
  Index n_missing = 0;               // entries left out as missing (NaN)
};

// The memory a fit of X's shape at rank k takes, in bytes (beyond X itself): for a dense
// tensor (`dense`) the Khatri-Rao products of its MTTKRP, with missing entries (`masked`) a
// residual and a mask the size of the tensor. The fit checks it with require_memory before
// it allocates.
double ntf_memory_bytes(const std::vector<Index>& shape, Index k, std::size_t element_size,
                        bool dense, bool masked);

// Throws InvalidArgument for bad options or data (check_tensor's list, an all-missing or
// all-zero tensor, k too large for the memory).
template <class T>
NtfResult<T> fit_ntf(const DenseTensor<T>& X, const NtfOptions& options,
                     const Progress& progress = {});
template <class T>
NtfResult<T> fit_ntf(const SparseTensor<T>& X, const NtfOptions& options,
                     const Progress& progress = {});

// Σ_r λ_r a⁽⁰⁾_r ∘ … ∘ a⁽ᴺ⁻¹⁾_r as a dense tensor.
template <class T>
DenseTensor<T> cp_to_tensor(const std::vector<DenseMatrix<T>>& factors, const Vector<T>& weights);

}  // namespace nmfkit
