#include "staircase_qr.hpp"

#include <algorithm>
#include <cassert>

#include <Eigen/Householder>

namespace nmfkit::linalg::detail {

namespace {

// Reflectors per panel: LAPACK's usual block size; wide enough for efficient matrix
// products, narrow enough that the staircase stays tight.
constexpr Index kPanelWidth = 48;
// Columns per task when a block reflector is applied. Fixed, so that every product has
// the same shape (and rounding) whatever the number of threads.
constexpr Index kColumnsPerTask = 128;

// C ← (I - V·T·Vᵀ)·C, or with Tᵀ (which applies the transposed block reflector).
// Eigen's products inside an OpenMP team run sequentially, so each task's rounding is
// fixed by its shape alone.
template <class T>
void apply_block_reflector(const ColMajorMatrix<T>& V, const ColMajorMatrix<T>& factor,
                           bool transposed, Eigen::Ref<ColMajorMatrix<T>> C) {
  const Index tasks = (C.cols() + kColumnsPerTask - 1) / kColumnsPerTask;
#pragma omp parallel for schedule(dynamic, 1)
  for (Index task = 0; task < tasks; ++task) {
    const Index begin = task * kColumnsPerTask;
    auto block = C.middleCols(begin, std::min(kColumnsPerTask, C.cols() - begin));
    ColMajorMatrix<T> W = V.transpose() * block;
    if (transposed) {
      W = factor.transpose().template triangularView<Eigen::Lower>() * W;
    } else {
      W = factor.template triangularView<Eigen::Upper>() * W;
    }
    block.noalias() -= V * W;
  }
}

}  // namespace

template <class T>
StaircaseQr<T>::StaircaseQr(ColMajorMatrix<T> A, const std::vector<Index>& active_rows,
                            const Progress& progress)
    : A_(std::move(A)), tau_(static_cast<std::size_t>(A_.cols()), T(0)) {
  const Index N = A_.rows();
  const Index M = A_.cols();
  assert(N >= M && static_cast<Index>(active_rows.size()) == M);
  for (Index start = 0; start < M; start += kPanelWidth) {
    progress.check_cancelled();
    Panel panel;
    panel.start = start;
    panel.width = std::min(kPanelWidth, M - start);
    const Index last = start + panel.width - 1;
    panel.rows_end = std::min(N, std::max(active_rows[static_cast<std::size_t>(last)], last + 1));
    factor_panel(panel);
    const Index rest = M - start - panel.width;
    if (rest > 0) {
      apply_block_reflector<T>(reflectors_of(panel), panel.triangular_factor, /*transposed=*/true,
                               A_.block(start, start + panel.width, panel.rows_end - start, rest));
    }
    panels_.push_back(std::move(panel));
  }
}

template <class T>
void StaircaseQr<T>::factor_panel(Panel& panel) {
  const Index j = panel.start;
  const Index b = panel.width;
  const Index e = panel.rows_end;
  Vector<T> workspace(b);
  for (Index k = 0; k < b; ++k) {
    const Index col = j + k;
    auto x = A_.col(col).segment(col, e - col);
    T tau;
    T beta;
    x.makeHouseholderInPlace(tau, beta);
    x(0) = beta;
    tau_[static_cast<std::size_t>(col)] = tau;
    if (k + 1 < b) {
      A_.block(col, col + 1, e - col, b - k - 1)
          .applyHouseholderOnTheLeft(x.tail(e - col - 1), tau, workspace.data());
    }
  }

  // larft, forward and column-wise: T(0:i, i) = -tau_i · T(0:i, 0:i) · V(:, 0:i)ᵀ·v_i,
  // where v_i is zero above its row i and 1 on it.
  ColMajorMatrix<T>& factor = panel.triangular_factor;
  factor = ColMajorMatrix<T>::Zero(b, b);
  for (Index i = 0; i < b; ++i) {
    const T tau = tau_[static_cast<std::size_t>(j + i)];
    factor(i, i) = tau;
    if (i == 0) continue;
    const Index below = e - (j + i + 1);
    Vector<T> z = A_.row(j + i).segment(j, i).transpose();
    if (below > 0) {
      z.noalias() +=
          A_.block(j + i + 1, j, below, i).transpose() * A_.col(j + i).segment(j + i + 1, below);
    }
    const Vector<T> Tz = factor.topLeftCorner(i, i).template triangularView<Eigen::Upper>() * z;
    factor.col(i).head(i) = -tau * Tz;
  }
}

template <class T>
ColMajorMatrix<T> StaircaseQr<T>::reflectors_of(const Panel& panel) const {
  ColMajorMatrix<T> V =
      A_.block(panel.start, panel.start, panel.rows_end - panel.start, panel.width);
  V.template triangularView<Eigen::StrictlyUpper>().setZero();
  V.diagonal().setOnes();
  return V;
}

template <class T>
ColMajorMatrix<T> StaircaseQr<T>::R() const {
  const Index M = A_.cols();
  return A_.topRows(M).template triangularView<Eigen::Upper>();
}

template <class T>
void StaircaseQr<T>::apply_q(ColMajorMatrix<T>& C) const {
  assert(C.rows() == A_.rows());
  for (auto panel = panels_.rbegin(); panel != panels_.rend(); ++panel) {
    apply_block_reflector<T>(reflectors_of(*panel), panel->triangular_factor,
                             /*transposed=*/false,
                             C.middleRows(panel->start, panel->rows_end - panel->start));
  }
}

template class StaircaseQr<float>;
template class StaircaseQr<double>;

}  // namespace nmfkit::linalg::detail
