// Deep NMF (Trigeorgis, Bousmalis, Zafeiriou & Schuller 2014, "A deep semi-NMF model for
// learning hidden representations", ICML, its non-negative variant): several layers of
// factors, every one ≥ 0. In nmfkit's orientation (X is samples × features) the layers
// stack on the components' side:
//
//   X ≈ W_L · H_L · H_{L−1} ··· H_1,   H_1: k_1 × n_features,  H_i: k_i × k_{i−1},  W_L: m × k_L
//
// with k_1 > k_2 > … > k_L. W_i = W_L·H_L···H_{i+1} (m × k_i) are the samples' codes at layer
// i: the paper's H_i transposed, and our H_i its Z_i transposed.
//
// Pre-training (the paper's §3.1): X ≈ W_1·H_1 by fit() at k_1, then W_1 ≈ W_2·H_2 at k_2,
// and so on. Between layers each H_i's rows are scaled to sum 1 and W_i's columns by the
// inverse, so the next layer sees each component's mass in the data's units rather than the
// scale the solver happened to leave (W·H is unchanged).
//
// Fine-tuning (the paper's §3.2, Frobenius loss): every factor in turn by Lee & Seung's
// multiplicative rule for it with the others fixed. With L_i = W_i (left of H_i) and
// R_i = H_{i−1}···H_1 (right of it, R_1 = I):
//
//   H_i ← H_i ⊙ (L_iᵀ X R_iᵀ) ⊘ (L_iᵀL_i · H_i · R_iR_iᵀ)        i = 1 … L
//   W_L ← W_L ⊙ (X Hᵀ) ⊘ (W_L · H Hᵀ),   H = H_L···H_1
//
// For fixed L_i, R_i ≥ 0, ½‖X − L_i H_i R_i‖² is a quadratic in H_i whose Hessian
// (R_iR_iᵀ ⊗ L_iᵀL_i) has non-negative entries, so Lee & Seung's auxiliary function (2001,
// "Algorithms for non-negative matrix factorization", Lemma 2; Ding, Li, Peng & Park 2006
// for the middle factor of a tri-factorisation) applies and no step increases the
// objective. One sweep needs X twice, as standard NMF does: XᵀW_L (for every H_i, since
// L_i = W_L·H_L···H_{i+1} and those later layers are not yet updated) and X·Hᵀ (for W_L).
// The fit's stopping rule, history and progress are the seam solvers' (alternating_driver.hpp):
// its "H" is the product H_L···H_1, which the H half-step rebuilds after updating each layer.

#include <cmath>
#include <limits>
#include <vector>

#include "alternating_driver.hpp"
#include "fit_support.hpp"
#include "input_checks.hpp"
#include "models_fit.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

// num / den entrywise into F ⊙, with a zero denominator replaced by ε (as the MU solver does).
template <class T>
void multiply_by_ratio(DenseMatrix<T>& F, const DenseMatrix<T>& num, const DenseMatrix<T>& den) {
  const T epsilon = static_cast<T>(linalg::kEpsilon);
  F.array() *= num.array() / den.array().max(epsilon);
}

template <class T, class Op>
class DeepSteps {
 public:
  // layers: H_1 … H_L (the driver's Ht is their product, transposed).
  DeepSteps(const Op& op, std::vector<DenseMatrix<T>>& layers) : op_(op), layers_(layers) {}

  double update(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F, Reuse) {
    if (side == Side::Rows) {
      // W_L with H = Oᵀ fixed: standard MU.
      op_.gram(O, G_);
      op_.rhs(Side::Rows, O, B_);
      DenseMatrix<T> den = F * G_;
      multiply_by_ratio(F, B_, den);
      return 0.5 * squared_error_after(op_, F, O, B_, G_, side);
    }
    // Every H_i with W_L = O fixed, then F = (H_L···H_1)ᵀ.
    const std::size_t L = layers_.size();
    op_.gram(O, G_);                // W_LᵀW_L
    op_.rhs(Side::Columns, O, B_);  // C = XᵀW_L, n × k_L
    // S[i] = H_L···H_{i+2} (k_L × k_{i+1}): what maps layer i's codes up to W_L, from the
    // layers above i, which this sweep has not reached yet.
    std::vector<DenseMatrix<T>> S(L);
    S[L - 1] = DenseMatrix<T>::Identity(layers_[L - 1].rows(), layers_[L - 1].rows());
    for (std::size_t i = L - 1; i-- > 0;) S[i] = S[i + 1] * layers_[i + 1];
    DenseMatrix<T> RC;   // R_i·C (k_{i−1} × k_L), from the updated layers below
    DenseMatrix<T> RRt;  // R_i·R_iᵀ
    for (std::size_t i = 0; i < L; ++i) {
      DenseMatrix<T>& Hi = layers_[i];
      const DenseMatrix<T> gram_left = S[i].transpose() * G_ * S[i];  // L_iᵀL_i
      DenseMatrix<T> num, den;
      if (i == 0) {
        num = (B_ * S[0]).transpose();  // L_1ᵀX = (XᵀW_L·S_1)ᵀ
        den = gram_left * Hi;
      } else {
        num = (RC * S[i]).transpose();  // L_iᵀ X R_iᵀ = (R_i·XᵀW_L·S_i)ᵀ
        den = gram_left * Hi * RRt;
      }
      multiply_by_ratio(Hi, num, den);
      if (i == 0) {
        RC = Hi * B_;
        RRt = Hi * Hi.transpose();
      } else {
        RC = Hi * RC;
        RRt = Hi * RRt * Hi.transpose();
      }
    }
    DenseMatrix<T> H = layers_[0];
    for (std::size_t i = 1; i < L; ++i) H = layers_[i] * H;
    F = H.transpose();
    return 0.5 * squared_error_after(op_, F, O, B_, G_, side);
  }
  double kkt() const { return std::numeric_limits<double>::quiet_NaN(); }

 private:
  const Op& op_;
  std::vector<DenseMatrix<T>>& layers_;
  DenseMatrix<T> G_, B_;
};

// Rows of H scaled to sum 1, W's columns by the inverse (a zero row is left alone).
template <class T>
void unit_row_sums(DenseMatrix<T>& W, DenseMatrix<T>& H) {
  for (Index r = 0; r < H.rows(); ++r) {
    const T sum = H.row(r).sum();
    if (!(sum > T(0))) continue;
    H.row(r) /= sum;
    W.col(r) *= sum;
  }
}

}  // namespace

template <class T, class Matrix>
NmfResult<T> fit_deep(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                      const Progress& progress) {
  check_nmf_input(X, 2.0);
  if (custom || options.init == Init::Custom) {
    throw InvalidArgument(
        "model = 'deep' starts from its layer-wise pre-training; custom initial W and H are not "
        "used by it");
  }
  const std::vector<Index>& ranks = options.layer_ranks;
  const Index m = X.rows();
  const Index n = X.cols();
  check_components(m, n, ranks.front(), sizeof(T));
  SolverSettings settings = settings_for(options, m, n, progress);
  settings.extrapolate = false;
  if (settings.penalties.l1_W != 0 || settings.penalties.l2_W != 0 ||
      settings.penalties.l1_H != 0 || settings.penalties.l2_H != 0) {
    throw InvalidArgument("model = 'deep' has no penalties: set alpha_W = alpha_H = 0");
  }

  // Pre-training: each layer is a standard fit of the codes of the layer before, seeded by
  // (seed, layer).
  NmfResult<T> result;
  result.random_state = *options.random_state;
  NmfOptions layer = options;
  layer.model = "standard";
  layer.layer_ranks.clear();
  layer.verbose = 0;
  std::vector<DenseMatrix<T>> layers;
  DenseMatrix<T> W;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    layer.n_components = ranks[i];
    layer.random_state = static_cast<std::uint32_t>(*options.random_state + i);
    NmfResult<T> fitted = i == 0 ? fit(X, layer, nullptr, progress) : fit(W, layer, nullptr, progress);
    if (i == 0) result.init = fitted.init;
    result.init_seconds += fitted.init_seconds;
    for (const auto& w : fitted.warnings) {
      result.warnings.push_back("pre-training layer " + std::to_string(i + 1) + ": " + w);
    }
    unit_row_sums(fitted.W, fitted.H);
    layers.push_back(std::move(fitted.H));
    W = std::move(fitted.W);
  }

  // Fine-tuning of all layers together.
  const auto op = operator_for<T>(X);
  DeepSteps<T, std::decay_t<decltype(op)>> steps(op, layers);
  DenseMatrix<T> H = layers[0];
  for (std::size_t i = 1; i < layers.size(); ++i) H = layers[i] * H;
  result.W = std::move(W);
  result.H = std::move(H);
  SolveReport report = alternate_on<T>(steps, result.W, result.H, true, settings, 0.0);
  // The driver's H is the product of the layers it last built; rebuild the codes of each layer.
  const std::size_t L = layers.size();
  result.layer_W.resize(L);
  result.layer_W[L - 1] = result.W;
  for (std::size_t i = L - 1; i-- > 0;) result.layer_W[i] = result.layer_W[i + 1] * layers[i + 1];
  result.layer_H = std::move(layers);
  finish_model<T>(X, options, std::move(report), "deep", result);
  return result;
}

#define NMFKIT_INSTANTIATE_DEEP(T, Matrix)                                                \
  template NmfResult<T> fit_deep(const Matrix&, const NmfOptions&, const Factors<T>*, \
                                 const Progress&);
NMFKIT_INSTANTIATE_DEEP(float, DenseMatrix<float>)
NMFKIT_INSTANTIATE_DEEP(float, SparseMatrix<float>)
NMFKIT_INSTANTIATE_DEEP(double, DenseMatrix<double>)
NMFKIT_INSTANTIATE_DEEP(double, SparseMatrix<double>)
#undef NMFKIT_INSTANTIATE_DEEP

}  // namespace nmfkit
