#pragma once
// The solvers that run on X already spread over processes, each holding its blocks (a fit
// from the rows each process read, nmf/fit_slices.hpp): the seam solvers and 'mu'. Kept
// beside Solver<T> rather than in it, so the solver interface does not change for them.

#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

namespace dist {
template <class T, class Matrix>
class DistributedOperator;  // nmfkit/dist/distributed_operator.hpp
}

template <class T>
class SpreadSolver {
 public:
  virtual ~SpreadSolver() = default;
  virtual SolveReport solve_spread(const dist::DistributedOperator<T, DenseMatrix<T>>& X,
                                   DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const = 0;
  virtual SolveReport solve_spread(const dist::DistributedOperator<T, SparseMatrix<T>>& X,
                                   DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const = 0;
};

}  // namespace nmfkit
