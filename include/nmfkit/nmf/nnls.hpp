#pragma once
// Non-negative least squares in Gram form: minimise ½·xᵀGx − bᵀx subject to x ≥ 0, for a
// symmetric positive semi-definite k×k matrix G. This is the subproblem of every
// alternating NMF solver: G = HHᵀ (+ L2 on the diagonal) and b = one row of X·Hᵀ (− L1).

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

enum class NnlsMethod {
  CoordinateDescent,  // sequential coordinate descent, warm-started from x (cheap per sweep)
  BlockPivoting,      // Kim & Park's block principal pivoting: exact up to rounding
};

struct NnlsOptions {
  NnlsMethod method = NnlsMethod::CoordinateDescent;
  int max_sweeps = 100;          // coordinate descent: sweeps over the k coordinates at most
  double tol = 1e-8;             // coordinate descent: stop once ‖step‖ ≤ tol·‖x‖ in a sweep
  double first_step_ratio = 0;   // also stop once ‖step‖ ≤ this × the first sweep's ‖step‖
};

// Solves one problem in place; x (length k) holds the warm start and receives the
// solution. Returns the sweeps (coordinate descent) or pivoting rounds run.
template <class T>
int solve_nnls(const DenseMatrix<T>& G, const T* b, T* x, const NnlsOptions& options);

// Solves one problem per row: X.row(i) ← argmin for b = B.row(i), warm-started from
// X.row(i). Rows run in parallel; each row's answer does not depend on the thread count.
template <class T>
void solve_nnls_rows(const DenseMatrix<T>& G, const DenseMatrix<T>& B, DenseMatrix<T>& X,
                     const NnlsOptions& options);

}  // namespace nmfkit
