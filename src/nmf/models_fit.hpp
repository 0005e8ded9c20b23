#pragma once
// The fits of the models beyond standard NMF (nmfkit/nmf/models.hpp). Each model checks
// its data, starts from fit's initialisations, runs its published update in the seam
// solvers' alternating loop (alternating_driver.hpp: history, stopping rule, progress)
// and reports like fit.

#include <string>
#include <type_traits>

#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/gram_loss.hpp"
#include "nmfkit/linalg/sparse_operator.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

inline bool is_family_model(const NmfOptions& options) {
  return options.model != "standard" || options.graph != nullptr;
}

// fit() for those options (random_state already drawn, options validated).
template <class T, class Matrix>
NmfResult<T> fit_family_model(const Matrix& X, const NmfOptions& options,
                              const Factors<T>* custom, const Progress& progress);

template <class T, class Matrix>
NmfResult<T> fit_semi(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                      const Progress& progress);
template <class T, class Matrix>
NmfResult<T> fit_symmetric(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                           const Progress& progress);
template <class T, class Matrix>
NmfResult<T> fit_deep(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                      const Progress& progress);
template <class T, class Matrix>
NmfResult<T> fit_graph(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                       const Progress& progress);

// The starting W and H of a model's fit into result (W, H, init, init_seconds,
// random_state): the custom factors, or fit's initialisation computed from `init_data`
// (X itself, or |X| for semi-NMF). check_W = false accepts any custom W (semi-NMF).
template <class T, class Matrix>
void start_model(const Matrix& init_data, Index m, Index n, const NmfOptions& options,
                 const Factors<T>* custom, NmfResult<T>& result, bool check_W = true);

// The rest of the result from the solver's report, X and the final factors.
template <class T, class Matrix>
void finish_model(const Matrix& X, const NmfOptions& options, SolveReport report,
                  const std::string& name, NmfResult<T>& result);

template <class T, class Matrix>
auto operator_for(const Matrix& X) {
  if constexpr (std::is_same_v<Matrix, DenseMatrix<T>>) {
    return linalg::DenseOperator<T>(X);
  } else {
    return linalg::SparseOperator<T>(X);
  }
}

// ‖X − F·Oᵀ‖² by the Gram trick from the products of a half-step: F the factor updated,
// B = rhs(side, O), G_O = OᵀO (without ridge).
template <class T, class Op>
double squared_error_after(const Op& op, const DenseMatrix<T>& F, const DenseMatrix<T>& O,
                           const DenseMatrix<T>& B, const DenseMatrix<T>& G_O, linalg::Side side) {
  DenseMatrix<T> G_F;
  op.gram(F, G_F);
  linalg::GramTrickTerms terms;
  terms.data = linalg::frobenius_inner(F, B);
  terms.grams = linalg::frobenius_inner(G_F, G_O);
  const bool rows = side == linalg::Side::Rows;
  return op.squared_error(rows ? F : O, rows ? O : F, terms);
}

}  // namespace nmfkit
