#pragma once
// The data-operator seam: everything the fast NMF solvers ask of the data X (m × n).
//
// A solver alternates between the two factors of X ≈ W·Hᵀ, each stored with one row per
// row of X (W, m × k) or per column of X (Hᵀ, n × k). A half-step updates the factor of
// one Side against the fixed factor O of the other side and needs only:
//   gram(O)                        OᵀO (k × k)
//   rhs(side, O)                   X·O (m × k) or Xᵀ·O (n × k)
//   solve_gram_rows(side, ...)     a batched NNLS over the rows of the updated factor, each
//                                  row's problem (G_r, b_r) handed to the solver's row kernel
//   solve_count_rows(side, ...)    the same for count (Poisson / KL) losses: each row's
//                                  non-zeros and the linear term of its objective
//   squared_error, divergence      the loss: Frobenius by the Gram trick, β-divergences at
//                                  the non-zeros
// Dense, CSR and weighted (masked) data implement this concept; distributed and GPU data
// are further implementations. Solvers see nothing else of X, so a mask or a backend
// works for every solver written against it.
//
// Batched row solves run rows in parallel, each row by one thread in a fixed order, so
// results do not depend on the thread count.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

enum class Side {
  Rows,     // the factor with a row per row of X (W)
  Columns,  // the factor with a row per column of X (Hᵀ)
};

// One row's problem for a count loss: minimise
//   Σ_c linear[c]·f_c − Σ_p weight_p·value_p·log((A f)_p)
// over f ≥ 0, where A holds the rows index[p] of the fixed factor. weight is null when
// every weight is 1.
template <class T>
struct CountRow {
  Index row = 0;  // which row of its side
  Index size = 0;
  const std::int64_t* index = nullptr;
  const T* value = nullptr;
  const T* weight = nullptr;
  const double* linear = nullptr;  // length k
};

// The two inner products of the Gram trick, from the half-step just taken: F the factor
// updated, O the fixed one, XO = rhs(side, O):
//   ‖X − W·Hᵀ‖² = ‖X‖² − 2⟨F, XO⟩ + ⟨FᵀF, OᵀO⟩.
struct GramTrickTerms {
  double data = 0;   // ⟨F, XO⟩
  double grams = 0;  // ⟨FᵀF, OᵀO⟩
};

// solve(G_r, b_r, x_r): one row's NNLS, x_r warm-started in place.
template <class T>
using GramRowSolve = std::function<void(const DenseMatrix<T>&, const T*, T*)>;
// solve(row, O, x_r): one row's count problem, x_r warm-started in place; returns the
// row's objective at its solution (for the loss) — any double the caller sums.
template <class T>
using CountRowSolve = std::function<double(const CountRow<T>&, const DenseMatrix<T>&, T*)>;

template <class Op>
concept DataOperator = requires(const Op& op, Side side, const DenseMatrix<typename Op::Scalar>& F,
                                DenseMatrix<typename Op::Scalar>& out,
                                const GramRowSolve<typename Op::Scalar>& gram_solve,
                                const CountRowSolve<typename Op::Scalar>& count_solve,
                                GramTrickTerms terms, double beta) {
  typename Op::Scalar;
  { op.rows() } -> std::convertible_to<Index>;
  { op.cols() } -> std::convertible_to<Index>;
  // Entries a product visits per column of the factor (stored entries of sparse data).
  { op.nonzeros() } -> std::convertible_to<Index>;
  op.gram(F, out);
  op.rhs(side, F, out);
  // G = OᵀO + ridge·I, B = rhs(side, O) − the caller's L1 term; F updated in place.
  op.solve_gram_rows(side, F, F, F, beta, out, gram_solve);
  { op.solve_count_rows(side, F, out, count_solve) } -> std::convertible_to<double>;
  // Σ x² over the observed entries (weighted).
  { op.squared_norm() } -> std::convertible_to<double>;
  // ‖X − W·Hᵀ‖² (weighted where the data has weights); terms from the last half-step.
  { op.squared_error(F, F, terms) } -> std::convertible_to<double>;
  // D_β(X ‖ W·Hᵀ) with scikit-learn's conventions (weighted where the data has weights).
  { op.divergence(F, F, beta) } -> std::convertible_to<double>;
  // Σ w·x·(log x − 1) over the observed non-zeros: D_KL = Σ rows' count objectives + this.
  { op.count_offset() } -> std::convertible_to<double>;
  // The largest of the processes' values (distributed data; the value itself otherwise).
  { op.combine_max(beta) } -> std::convertible_to<double>;
};

// The two sums of the stored values that the plain (unweighted) losses need, and the
// squared error from the Gram trick's terms: shared by the dense and CSR operators.
class PlainLossTerms {
 public:
  template <class T>
  PlainLossTerms(const T* values, Index count) {
    for (Index p = 0; p < count; ++p) {
      const double x = static_cast<double>(values[p]);
      squared_norm_ += x * x;
      if (x > 0) count_offset_ += x * (std::log(x) - 1);
    }
  }
  double squared_norm() const { return squared_norm_; }
  double count_offset() const { return count_offset_; }
  double squared_error(GramTrickTerms t) const {
    return std::max(0.0, squared_norm_ - 2 * t.data + t.grams);
  }

 private:
  double squared_norm_ = 0;
  double count_offset_ = 0;
};

// Column sums of a factor (1ᵀO), the linear term of every row of a count loss, summed in
// row order in double.
template <class T>
std::vector<double> column_sums(const DenseMatrix<T>& O) {
  std::vector<double> sums(static_cast<std::size_t>(O.cols()), 0.0);
  for (Index i = 0; i < O.rows(); ++i) {
    const T* row = O.data() + i * O.cols();
    for (Index c = 0; c < O.cols(); ++c) sums[static_cast<std::size_t>(c)] += row[c];
  }
  return sums;
}

}  // namespace nmfkit::linalg
