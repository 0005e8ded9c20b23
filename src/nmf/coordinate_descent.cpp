#include "coordinate_descent.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "nmfkit/core/random.hpp"
#include "nmfkit/linalg/products.hpp"
#include "iteration_report.hpp"

namespace nmfkit {

namespace {

// What one half-step needs, kept from iteration to iteration.
template <class T>
struct Workspace {
  DenseMatrix<T> HHt;        // k×k Gram matrix of the fixed factor (+ L2 on the diagonal)
  DenseMatrix<T> XHt;        // rows×k right-hand sides (− L1)
  DenseMatrix<T> projected;  // k×rows |projected gradient| per coordinate
  std::vector<Index> order;  // the order in which components are visited
};

// Rows handled together by one thread. A row's gradient is a sequential sum (scikit-
// learn's order), so one row alone waits on the latency of each addition; a block of rows
// laid out lane by lane gives the processor independent sums to overlap, and every lane
// still performs exactly the scalar sequence of operations.
constexpr Index kBlock = 8;

// One sweep over the coordinates of rows [first, first + count) of W, through `tile`
// (k × kBlock, lane-major). Lanes past `count` hold zeros and are never stored; whole
// blocks (kCount = kBlock) compile without the per-lane bound checks.
template <class T, Index kCount>
void sweep_block(DenseMatrix<T>& W, Index first, Index count, Workspace<T>& ws, T* tile) {
  const Index k = W.cols();
  const Index lanes = kCount == kBlock ? kBlock : count;
  for (Index r = 0; r < k; ++r) {
    for (Index lane = 0; lane < kBlock; ++lane) {
      tile[r * kBlock + lane] = lane < lanes ? W(first + lane, r) : T(0);
    }
  }
  T grad[kBlock];
  for (Index s = 0; s < k; ++s) {
    const Index t = ws.order[s];
    const T* h = ws.HHt.data() + t * k;
    for (Index lane = 0; lane < kBlock; ++lane) {
      grad[lane] = lane < lanes ? -ws.XHt(first + lane, t) : T(0);
    }
    for (Index r = 0; r < k; ++r) {
      for (Index lane = 0; lane < kBlock; ++lane) grad[lane] += h[r] * tile[r * kBlock + lane];
    }
    T* w = tile + t * kBlock;
    for (Index lane = 0; lane < lanes; ++lane) {
      const T pg = w[lane] == T(0) ? std::min(T(0), grad[lane]) : grad[lane];
      ws.projected(s, first + lane) = std::abs(pg);
    }
    const T hess = h[t];
    if (hess != T(0)) {
      for (Index lane = 0; lane < kBlock; ++lane) {
        w[lane] = std::max(w[lane] - grad[lane] / hess, T(0));
      }
    }
  }
  for (Index r = 0; r < k; ++r) {
    for (Index lane = 0; lane < lanes; ++lane) W(first + lane, r) = tile[r * kBlock + lane];
  }
}

// One sweep over the coordinates of W (rows × k) given HHt and XHt. Returns the sum of
// |projected gradient|.
//
// A row's update reads only that row, so blocks of rows run in parallel; each row visits
// the components in `order`. The |pg| terms are kept and summed component by component,
// row by row, which is scikit-learn's order, so the sum is bit-identical to its own.
template <class T>
T sweep(DenseMatrix<T>& W, Workspace<T>& ws) {
  const Index rows = W.rows();
  const Index k = W.cols();
  ws.projected.resize(k, rows);
#pragma omp parallel if (rows * k * k > 200000)
  {
    std::vector<T> tile(static_cast<std::size_t>(k * kBlock));
#pragma omp for schedule(static)
    for (Index first = 0; first < rows; first += kBlock) {
      if (rows - first >= kBlock) {
        sweep_block<T, kBlock>(W, first, kBlock, ws, tile.data());
      } else {
        sweep_block<T, 0>(W, first, rows - first, ws, tile.data());
      }
    }
  }
  T violation = 0;
  for (Index i = 0; i < ws.projected.size(); ++i) violation += ws.projected.data()[i];
  return violation;
}

// scikit-learn's _update_coordinate_descent: the Gram matrix and right-hand side of the
// subproblem, with L2 on the diagonal and L1 subtracted from every right-hand side.
template <class T, class Data>
T update(const Data& X, DenseMatrix<T>& W, const DenseMatrix<T>& Ht, double l1, double l2,
         bool shuffle, RandomState& rng, Workspace<T>& ws) {
  const Index k = Ht.cols();
  linalg::gram(Ht, ws.HHt);
  linalg::multiply(X, Ht, ws.XHt);
  if (l2 != 0.0) ws.HHt.diagonal().array() += static_cast<T>(l2);
  if (l1 != 0.0) ws.XHt.array() -= static_cast<T>(l1);
  if (shuffle) {
    ws.order = rng.permutation(k);
  } else {
    ws.order.resize(static_cast<std::size_t>(k));
    std::iota(ws.order.begin(), ws.order.end(), Index{0});
  }
  return sweep(W, ws);
}

std::string format_ratio(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace

template <class T>
template <class Matrix>
SolveReport CoordinateDescent<T>::run(const Matrix& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                              bool update_H) const {
  const auto& s = settings_;
  DenseMatrix<T> Ht = H.transpose();
  const auto Xt = linalg::transpose_for_products(X);
  // scikit-learn seeds a fresh RandomState here, independent of the one used by init.
  RandomState rng = RandomState::from_optional(s.random_state);

  Workspace<T> for_W;
  Workspace<T> for_H;
  double violation_init = 0;
  int n_iter = 1;
  for (; n_iter <= s.max_iter; ++n_iter) {
    s.progress.check_cancelled();
    double violation = 0;
    violation += update(X, W, Ht, s.penalties.l1_W, s.penalties.l2_W, s.shuffle, rng, for_W);
    if (update_H) {
      violation += update(Xt, Ht, W, s.penalties.l1_H, s.penalties.l2_H, s.shuffle, rng, for_H);
    }
    if (n_iter == 1) violation_init = violation;
    if (violation_init == 0) break;
    if (s.verbose) s.progress.message("violation: " + format_ratio(violation / violation_init));
    report_iteration(s.progress, n_iter, s.max_iter, "violation", violation / violation_init, s.tol);
    if (violation / violation_init <= s.tol) {
      if (s.verbose) s.progress.message("Converged at iteration " + std::to_string(n_iter + 1));
      break;
    }
  }
  n_iter = std::min(n_iter, s.max_iter);
  report_last_iteration(s.progress, n_iter);
  if (update_H) H = Ht.transpose();
  SolveReport report;
  report.n_iter = n_iter;
  return report;
}

NMFKIT_INSTANTIATE_SOLVER(CoordinateDescent)

}  // namespace nmfkit
