#pragma once
// Semantic NMF (SeNMF, as SeNMFk uses it; Vangara et al. 2021): the document–term matrix X
// (documents × words) and the word–context matrix M (contexts × words, word_context.hpp)
// factorised together, sharing the words' factor H:
//   min ‖X − W·H‖² + α·s²·‖M − C·H‖²  over W, C, H ≥ 0,
// with α the context weight and s = ‖X‖/‖M‖, so that α = 1 weighs both parts equally
// whatever their scales. The two terms are one Frobenius NMF of the stacked matrix
// [X; √α·s·M] ≈ [W; √α·s·C]·H, so every Frobenius solver, option and stopping rule of
// fit() applies, and rank selection (NMFk stability) runs on the stacked matrix.

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::text {

template <class T>
struct SemanticNmfResult {
  // W: documents × k, H: k × words; reconstruction_error: the stacked (joint) residual's
  // norm; the rest as fit() reports it for the stacked matrix.
  NmfResult<T> nmf;
  DenseMatrix<T> contexts;    // C: contexts × k, with M ≈ C·H
  double document_error = 0;  // ‖X − W·H‖ / ‖X‖
  double context_error = 0;   // ‖M − C·H‖ / ‖M‖
  double context_scale = 0;   // √α·s: M's factor in the stacked matrix
};

// The stacked matrix [X; √α·s·M] and its scale √α·s. Throws InvalidArgument when M's
// columns differ from X's, α is not a finite number > 0, or X or M is all zero.
template <class T>
SparseMatrix<T> semantic_stack(const SparseMatrix<T>& X, const SparseMatrix<double>& M,
                               double context_weight, double* scale = nullptr);

// Throws InvalidArgument for a β other than 2 (the stacking holds for Frobenius only), and
// whatever semantic_stack and fit() reject.
template <class T>
SemanticNmfResult<T> fit_semantic(const SparseMatrix<T>& X, const SparseMatrix<double>& M,
                                  double context_weight, const NmfOptions& options,
                                  const Progress& progress = {});

}  // namespace nmfkit::text
