#pragma once
// The batching every data operator shares: rows of the updated factor solved in parallel,
// handed out dynamically (rows differ in work), each row by one thread in a fixed order,
// and per-row results summed in row order, so nothing depends on the thread count.

#include <vector>

#include "nmfkit/linalg/data_operator.hpp"

namespace nmfkit::linalg {

// Every row shares G; row r's right-hand side is B.row(r). Rows [first, first + count)
// only, where given (a process's share of them).
template <class T>
void solve_shared_gram_rows(const DenseMatrix<T>& G, const DenseMatrix<T>& B, DenseMatrix<T>& F,
                            const GramRowSolve<T>& solve, Index first = 0, Index count = -1) {
  if (count < 0) count = F.rows() - first;
  const Index k = F.cols();
#pragma omp parallel for schedule(dynamic, 16) if (count * k * k > 20000)
  for (Index r = first; r < first + count; ++r) {
    solve(G, B.data() + r * B.cols(), F.data() + r * k);
  }
}

// Runs solve_row(r, workspace) for every row and returns the sum of what it returns, in
// row order. Workspace is one default-constructed object per thread.
template <class Workspace, class SolveRow>
double sum_over_rows(Index rows, double work_per_row, SolveRow&& solve_row) {
  std::vector<double> per_row(static_cast<std::size_t>(rows));
#pragma omp parallel if (static_cast <double>(rows) * work_per_row > 20000)
  {
    Workspace workspace;
#pragma omp for schedule(dynamic, 16)
    for (Index r = 0; r < rows; ++r) per_row[static_cast<std::size_t>(r)] = solve_row(r, workspace);
  }
  double sum = 0;
  for (const double value : per_row) sum += value;
  return sum;
}

}  // namespace nmfkit::linalg
