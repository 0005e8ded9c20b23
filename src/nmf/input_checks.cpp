#include "input_checks.hpp"
#include "summary_checks.hpp"

#include <algorithm>
#include <string>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/core/memory.hpp"

namespace nmfkit {

namespace {
std::string where(const EntryLocation& at) {
  return "row " + std::to_string(at.row) + ", column " + std::to_string(at.col) + " (0-based)";
}
}  // namespace

namespace {
void check_shape(Index rows, Index cols) {
  if (rows == 0 || cols == 0) {
    throw InvalidArgument("input X is empty (shape (" + std::to_string(rows) + ", " +
                          std::to_string(cols) +
                          ")): NMF needs at least one sample and one feature");
  }
}

void check_finite_summary(const MatrixSummary& summary) {
  if (summary.first_nan) {
    throw InvalidArgument("input X contains NaN: " + std::to_string(summary.nan_count) +
                          " entries, the first at " + where(*summary.first_nan));
  }
  if (summary.first_inf) {
    throw InvalidArgument("input X contains infinity: " + std::to_string(summary.inf_count) +
                          " entries, the first at " + where(*summary.first_inf));
  }
}
}  // namespace

template <class Matrix>
MatrixSummary check_finite_input(const Matrix& X) {
  check_shape(X.rows(), X.cols());
  const MatrixSummary summary = summarize(X);
  check_finite_summary(summary);
  return summary;
}

void check_nmf_summary(const MatrixSummary& summary, double beta) {
  check_shape(summary.rows, summary.cols);
  check_finite_summary(summary);
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

template <class Matrix>
void check_nmf_input(const Matrix& X, double beta) {
  check_nmf_summary(check_finite_input(X), beta);
}

void check_components(Index m, Index n, Index k, std::size_t scalar_size) {
  const std::string components = "n_components = " + std::to_string(k);
  // Any X has an exact non-negative factorisation with min(m, n) components (W = X and
  // H = I, or the other way round), so more can lower no error. scikit-learn still
  // accepts more (with a random init), and so does nmfkit, up to the number of entries
  // of X: one component per entry is exact even term by term, and past it only the k²
  // cost of the Gram matrices grows (k = 20000 on an 8 × 6 matrix took 3 GB and minutes).
  const double entries = static_cast<double>(m) * static_cast<double>(n);
  if (static_cast<double>(k) > entries) {
    throw InvalidArgument(components + " is more than the " +
                          std::to_string(static_cast<long long>(entries)) + " entries of X (" +
                          std::to_string(m) + " × " + std::to_string(n) + "); " +
                          std::to_string(std::min(m, n)) +
                          " components already reproduce X exactly");
  }
  const double kd = static_cast<double>(k);
  const double numbers = 2 * (static_cast<double>(m) + static_cast<double>(n)) * kd + 2 * kd * kd;
  require_memory(numbers * static_cast<double>(scalar_size),
                 components + " (W " + std::to_string(m) + " × " + std::to_string(k) + ", H " +
                     std::to_string(k) + " × " + std::to_string(n) + ", and the solver's " +
                     std::to_string(k) + " × " + std::to_string(k) + " Gram matrices)");
}

template MatrixSummary check_finite_input(const DenseMatrix<float>&);
template MatrixSummary check_finite_input(const DenseMatrix<double>&);
template MatrixSummary check_finite_input(const SparseMatrix<float>&);
template MatrixSummary check_finite_input(const SparseMatrix<double>&);
template void check_nmf_input(const DenseMatrix<float>&, double);
template void check_nmf_input(const DenseMatrix<double>&, double);
template void check_nmf_input(const SparseMatrix<float>&, double);
template void check_nmf_input(const SparseMatrix<double>&, double);

}  // namespace nmfkit
