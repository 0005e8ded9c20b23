#pragma once
// Blocked Householder QR of a tall matrix whose rows form a staircase: row i may be
// non-zero only from column first(i) on, with first() non-decreasing down the rows.
// Reflectors of a panel of columns then only involve the rows that are already non-zero
// in those columns, so the work shrinks with the staircase (a dense matrix is the case
// where every row starts at column 0, and gets the usual blocked QR).
//
// Each panel is factorised column by column (LAPACK's geqr2) and applied to the rest as
// one block reflector I - V·T·Vᵀ (larft/larfb), in fixed blocks of columns spread over
// the OpenMP threads: the result does not depend on the thread count.

#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"

namespace nmfkit::linalg::detail {

template <class T>
using ColMajorMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

template <class T>
class StaircaseQr {
 public:
  // A: N×M with N ≥ M. active_rows[j]: how many leading rows of A may be non-zero in
  // columns 0..j (non-decreasing in j). Factorises A in place; polls `progress` per panel.
  StaircaseQr(ColMajorMatrix<T> A, const std::vector<Index>& active_rows, const Progress& progress);

  // The M×M upper-triangular factor.
  ColMajorMatrix<T> R() const;

  // C ← Q·C for C with N rows: the reflectors in reverse order.
  void apply_q(ColMajorMatrix<T>& C) const;

 private:
  struct Panel {
    Index start = 0;                      // first column (and first row) of the panel
    Index width = 0;                      // number of reflectors
    Index rows_end = 0;                   // the reflectors involve rows start .. rows_end-1
    ColMajorMatrix<T> triangular_factor;  // T of I - V·T·Vᵀ = H_start ⋯ H_(start+width-1)
  };

  void factor_panel(Panel& panel);
  ColMajorMatrix<T> reflectors_of(const Panel& panel) const;  // V, unit lower trapezoidal

  ColMajorMatrix<T> A_;  // R on and above the diagonal, the reflectors' tails below it
  std::vector<T> tau_;   // H_j = I - tau_j·v_j·v_jᵀ
  std::vector<Panel> panels_;
};

}  // namespace nmfkit::linalg::detail
