#pragma once
// ‖X − F·Oᵀ‖²_F from products an alternating solver has already formed (the "Gram
// trick"): ‖X‖² − 2⟨F, X·O⟩ + ⟨FᵀF, OᵀO⟩. It costs O((rows + k)·k) instead of a pass
// over X. Sums run in double and in a fixed order, so the value does not depend on the
// thread count. It loses accuracy when the residual is many orders of magnitude below
// ‖X‖ (cancellation), which is far below any stopping tolerance in use.

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

// Σ_ij A_ij·B_ij in double, row by row.
template <class T>
double frobenius_inner(const DenseMatrix<T>& A, const DenseMatrix<T>& B) {
  double sum = 0;
  for (Index i = 0; i < A.size(); ++i) {
    sum += static_cast<double>(A.data()[i]) * static_cast<double>(B.data()[i]);
  }
  return sum;
}

// x_squared_norm = ‖X‖²; XO = X·O (rows × k); gram_F = FᵀF; gram_O = OᵀO.
template <class T>
double squared_residual(double x_squared_norm, const DenseMatrix<T>& F, const DenseMatrix<T>& XO,
                        const DenseMatrix<T>& gram_F, const DenseMatrix<T>& gram_O) {
  const double value =
      x_squared_norm - 2 * frobenius_inner(F, XO) + frobenius_inner(gram_F, gram_O);
  return value > 0 ? value : 0.0;
}

}  // namespace nmfkit::linalg
