#pragma once
// Solvers written against the data-operator seam (linalg/data_operator.hpp): every entry
// point of Solver<T> wraps its data in the matching operator — dense, CSR or weighted, and
// spread over the processes of settings().comm when there is one — and calls the one
// algorithm, Derived::run(op, W, H, update_H).

#include "nmfkit/dist/distributed_operator.hpp"
#include "nmfkit/linalg/dense_operator.hpp"
#include "nmfkit/linalg/sparse_operator.hpp"
#include "nmfkit/nmf/solver.hpp"
#include "spread_solver.hpp"
#include "weighted_operator.hpp"
#include "weighted_spread_operator.hpp"

namespace nmfkit {

template <class Derived, class T>
class OperatorSolver : public Solver<T>, public SpreadSolver<T> {
 public:
  SolveReport solve(const DenseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                    bool update_H) const override {
    if (const dist::Comm* comm = self().settings().comm) {
      return self().run(dist::DistributedOperator<T, DenseMatrix<T>>(X, *comm, grid()), W, H,
                        update_H);
    }
    return self().run(linalg::DenseOperator<T>(X), W, H, update_H);
  }
  SolveReport solve(const SparseMatrix<T>& X, DenseMatrix<T>& W, DenseMatrix<T>& H,
                    bool update_H) const override {
    if (const dist::Comm* comm = self().settings().comm) {
      return self().run(dist::DistributedOperator<T, SparseMatrix<T>>(X, *comm, grid()), W, H,
                        update_H);
    }
    return self().run(linalg::SparseOperator<T>(X), W, H, update_H);
  }
  SolveReport solve(const DenseMatrix<T>& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                    DenseMatrix<T>& H, bool update_H) const override {
    if (const dist::Comm* comm = self().settings().comm) {
      return self().run(WeightedSpreadOperator<T, DenseMatrix<T>>(X, weights, *comm, grid()), W, H,
                        update_H);
    }
    return self().run(WeightedOperator<T, DenseMatrix<T>>(X, weights), W, H, update_H);
  }
  SolveReport solve(const SparseMatrix<T>& X, const EntryWeights<T>& weights, DenseMatrix<T>& W,
                    DenseMatrix<T>& H, bool update_H) const override {
    if (const dist::Comm* comm = self().settings().comm) {
      return self().run(WeightedSpreadOperator<T, SparseMatrix<T>>(X, weights, *comm, grid()), W, H,
                        update_H);
    }
    return self().run(WeightedOperator<T, SparseMatrix<T>>(X, weights), W, H, update_H);
  }
  SolveReport solve_spread(const dist::DistributedOperator<T, DenseMatrix<T>>& X,
                           DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const override {
    return self().run(X, W, H, update_H);
  }
  SolveReport solve_spread(const dist::DistributedOperator<T, SparseMatrix<T>>& X,
                           DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H) const override {
    return self().run(X, W, H, update_H);
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  dist::Grid grid() const { return self().settings().grid; }
};

// Explicit instantiations of an OperatorSolver-based class template, for its .cpp file.
#define NMFKIT_INSTANTIATE_OPERATOR_RUN(Class, T)                                                  \
  template SolveReport Class<T>::run(const linalg::DenseOperator<T>&, DenseMatrix<T>&,             \
                                     DenseMatrix<T>&, bool) const;                                 \
  template SolveReport Class<T>::run(const linalg::SparseOperator<T>&, DenseMatrix<T>&,            \
                                     DenseMatrix<T>&, bool) const;                                 \
  template SolveReport Class<T>::run(const WeightedOperator<T, DenseMatrix<T>>&, DenseMatrix<T>&,  \
                                     DenseMatrix<T>&, bool) const;                                 \
  template SolveReport Class<T>::run(const WeightedOperator<T, SparseMatrix<T>>&, DenseMatrix<T>&, \
                                     DenseMatrix<T>&, bool) const;                                 \
  template SolveReport Class<T>::run(const WeightedSpreadOperator<T, DenseMatrix<T>>&,            \
                                     DenseMatrix<T>&, DenseMatrix<T>&, bool) const;                \
  template SolveReport Class<T>::run(const WeightedSpreadOperator<T, SparseMatrix<T>>&,           \
                                     DenseMatrix<T>&, DenseMatrix<T>&, bool) const;                \
  template SolveReport Class<T>::run(const dist::DistributedOperator<T, DenseMatrix<T>>&,          \
                                     DenseMatrix<T>&, DenseMatrix<T>&, bool) const;                \
  template SolveReport Class<T>::run(const dist::DistributedOperator<T, SparseMatrix<T>>&,         \
                                     DenseMatrix<T>&, DenseMatrix<T>&, bool) const;
#define NMFKIT_INSTANTIATE_OPERATOR_SOLVER(Class) \
  template class Class<float>;                    \
  template class Class<double>;                   \
  NMFKIT_INSTANTIATE_OPERATOR_RUN(Class, float)   \
  NMFKIT_INSTANTIATE_OPERATOR_RUN(Class, double)

}  // namespace nmfkit
