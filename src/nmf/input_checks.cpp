#include "input_checks.hpp"

#include <string>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"

namespace nmfkit {

namespace {
std::string where(const EntryLocation& at) {
  return "row " + std::to_string(at.row) + ", column " + std::to_string(at.col) + " (0-based)";
}
}  // namespace

template <class Matrix>
void check_nmf_input(const Matrix& X, double beta) {
  if (X.rows() == 0 || X.cols() == 0) {
    throw InvalidArgument("input X is empty (shape (" + std::to_string(X.rows()) + ", " +
                          std::to_string(X.cols()) +
                          ")): NMF needs at least one sample and one feature");
  }
  const MatrixSummary summary = summarize(X);
  if (summary.first_nan) {
    throw InvalidArgument("input X contains NaN: " + std::to_string(summary.nan_count) +
                          " entries, the first at " + where(*summary.first_nan));
  }
  if (summary.first_inf) {
    throw InvalidArgument("input X contains infinity: " + std::to_string(summary.inf_count) +
                          " entries, the first at " + where(*summary.first_inf));
  }
  if (summary.first_negative) {
    throw InvalidArgument("Negative values in data passed to NMF (input X): " +
                          std::to_string(summary.negative_count) + " entries, the first at " +
                          where(*summary.first_negative));
  }
  if (beta <= 0 && summary.has_zero) {
    throw InvalidArgument(
        "When beta_loss <= 0 and X contains zeros, the solver may diverge. Please add small "
        "values to X, or use a positive beta_loss.");
  }
}

template void check_nmf_input(const DenseMatrix<float>&, double);
template void check_nmf_input(const DenseMatrix<double>&, double);
template void check_nmf_input(const SparseMatrix<float>&, double);
template void check_nmf_input(const SparseMatrix<double>&, double);

}  // namespace nmfkit
