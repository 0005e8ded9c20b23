#include "nmfkit/nmf/nnls.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>

#include "nmfkit/linalg/kernels.hpp"

namespace nmfkit {

namespace {

// Coordinate descent runs on the vector kernel chosen at start-up (linalg/kernels.hpp).
linalg::NnlsSweepRules sweep_rules(const NnlsOptions& o) {
  return {o.max_sweeps, o.tol, o.first_step_ratio};
}

// Block principal pivoting (Kim & Park, SIAM J. Sci. Comput. 2011) for one right-hand
// side. The passive set F holds the coordinates free to be positive; each round solves
// the unconstrained problem on F and exchanges every infeasible coordinate, falling back
// to exchanging only the largest one when whole-block exchanges stop making progress.
template <class T>
int block_pivoting(const DenseMatrix<T>& G, const T* b, T* x) {
  using Dense = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;
  using Column = Eigen::VectorXd;
  const Index k = G.rows();
  double scale = 0;
  for (Index r = 0; r < k; ++r) scale = std::max(scale, std::abs(static_cast<double>(b[r])));
  for (Index r = 0; r < k; ++r) scale = std::max(scale, std::abs(static_cast<double>(G(r, r))));
  // Below this, a value counts as zero: rounding cannot decide its sign.
  const double zero = 64 * std::numeric_limits<T>::epsilon() * std::max(scale, 1e-300) *
                      static_cast<double>(k);

  std::vector<char> passive(static_cast<std::size_t>(k));
  for (Index r = 0; r < k; ++r) passive[r] = x[r] > T(0);  // warm start: the current support
  Column solution = Column::Zero(k);
  Column gradient(k);
  std::vector<Index> free;
  auto solve_on_passive_set = [&] {
    free.clear();
    for (Index r = 0; r < k; ++r) {
      if (passive[r]) free.push_back(r);
    }
    const auto f = static_cast<Index>(free.size());
    solution.setZero();
    if (f > 0) {
      Dense sub(f, f);
      Column rhs(f);
      for (Index i = 0; i < f; ++i) {
        rhs[i] = static_cast<double>(b[free[i]]);
        for (Index j = 0; j < f; ++j) sub(i, j) = static_cast<double>(G(free[i], free[j]));
      }
      const Column part = sub.ldlt().solve(rhs);
      for (Index i = 0; i < f; ++i) solution[free[i]] = part[i];
    }
    for (Index r = 0; r < k; ++r) {
      double sum = -static_cast<double>(b[r]);
      for (Index c = 0; c < k; ++c) sum += static_cast<double>(G(r, c)) * solution[c];
      gradient[r] = passive[r] ? 0.0 : sum;
    }
  };

  Index best_infeasible = k + 1;
  int backups_left = 3;
  int round = 0;
  const int max_rounds = 10 * static_cast<int>(k) + 100;
  for (; round < max_rounds; ++round) {
    solve_on_passive_set();
    std::vector<Index> infeasible;
    for (Index r = 0; r < k; ++r) {
      if ((passive[r] && solution[r] < -zero) || (!passive[r] && gradient[r] < -zero)) {
        infeasible.push_back(r);
      }
    }
    if (infeasible.empty()) break;
    const auto count = static_cast<Index>(infeasible.size());
    if (count < best_infeasible) {
      best_infeasible = count;
      backups_left = 3;
    } else if (backups_left > 0) {
      --backups_left;
    } else {
      infeasible = {infeasible.back()};
    }
    for (const Index r : infeasible) passive[r] = !passive[r];
  }
  for (Index r = 0; r < k; ++r) x[r] = static_cast<T>(std::max(0.0, solution[r]));
  return round + 1;
}

}  // namespace

template <class T>
int solve_nnls(const DenseMatrix<T>& G, const T* b, T* x, const NnlsOptions& options) {
  if (options.method == NnlsMethod::BlockPivoting) return block_pivoting(G, b, x);
  // Called once per row of every half-step: the scratch is the thread's, not allocated.
  thread_local std::vector<T> gradient;
  gradient.resize(static_cast<std::size_t>(linalg::nnls_scratch_size(G.rows())));
  return linalg::active_kernels().get<T>().nnls_cd_row(G.data(), G.rows(), b, x, gradient.data(),
                                                       sweep_rules(options));
}

template <class T>
void solve_nnls_rows(const DenseMatrix<T>& G, const DenseMatrix<T>& B, DenseMatrix<T>& X,
                     const NnlsOptions& options) {
  const Index rows = X.rows();
  const Index k = X.cols();
  // Rows differ in how many sweeps or rounds they need, so they are handed out dynamically.
#pragma omp parallel for schedule(dynamic, 16) if (rows * k * k > 20000)
  for (Index i = 0; i < rows; ++i) {
    solve_nnls(G, B.data() + i * B.cols(), X.data() + i * X.cols(), options);
  }
}

template int solve_nnls(const DenseMatrix<float>&, const float*, float*, const NnlsOptions&);
template int solve_nnls(const DenseMatrix<double>&, const double*, double*, const NnlsOptions&);
template void solve_nnls_rows(const DenseMatrix<float>&, const DenseMatrix<float>&,
                              DenseMatrix<float>&, const NnlsOptions&);
template void solve_nnls_rows(const DenseMatrix<double>&, const DenseMatrix<double>&,
                              DenseMatrix<double>&, const NnlsOptions&);

}  // namespace nmfkit
