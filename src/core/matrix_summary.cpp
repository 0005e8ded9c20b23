#include "nmfkit/core/matrix_summary.hpp"

#include "nmfkit/core/error.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <vector>

namespace nmfkit {

namespace {

// Not char: a store through a char type may alias anything, which would force the
// running values out of registers on every entry.
enum class Seen : std::uint8_t { No, Yes };

// State carried across rows.
struct Totals {
  // Empty range until the first non-NaN entry.
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  std::vector<Seen> col_nonzero;
};

// Scans the entries of row `row`: count values at positions col(0..count-1). The running
// values live in locals so they stay in registers; finite positive values take the short
// path, everything else (zero, negative, NaN, Inf) is rarer and handled inline below.
template <class T, class ColumnOf>
void scan_row(MatrixSummary& s, Totals& t, Index row, const T* values, Index count, ColumnOf col_of,
              bool implicit_zeros) {
  double lo = t.lo;
  double hi = t.hi;
  double sum = 0.0;  // per-row partial sums lose less precision than one long sum
  Index nonzero = 0;
  bool has_zero = implicit_zeros;
  Seen* col_nonzero = t.col_nonzero.data();
  for (Index k = 0; k < count; ++k) {
    const T value = values[k];
    const Index col = col_of(k);
    if (value > T(0) && value < std::numeric_limits<T>::infinity()) [[likely]] {
      const double v = value;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
      sum += v;
      ++nonzero;
      col_nonzero[col] = Seen::Yes;
      continue;
    }
    if (value == T(0)) {
      has_zero = true;
      continue;
    }
    ++nonzero;
    col_nonzero[col] = Seen::Yes;
    if (std::isnan(value)) {
      if (s.nan_count++ == 0) s.first_nan = EntryLocation{row, col};
      continue;
    }
    if (std::isinf(value) && s.inf_count++ == 0) s.first_inf = EntryLocation{row, col};
    if (value < T(0) && s.negative_count++ == 0) s.first_negative = EntryLocation{row, col};
    const double v = value;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    sum += v;
  }
  if (has_zero) {
    s.has_zero = true;
    lo = lo > 0.0 ? 0.0 : lo;
    hi = hi < 0.0 ? 0.0 : hi;
  }
  t.lo = lo;
  t.hi = hi;
  s.sum += sum;
  s.nonzero_count += nonzero;
  if (nonzero == 0) ++s.zero_rows;
}

template <class T>
MatrixSummary start(Index rows, Index cols, bool sparse, Index stored) {
  MatrixSummary s;
  s.rows = rows;
  s.cols = cols;
  s.dtype = dtype_of<T>();
  s.sparse = sparse;
  s.stored = stored;
  s.min = s.max = std::numeric_limits<double>::quiet_NaN();
  return s;
}

Totals start_totals(Index cols) {
  Totals t;
  t.col_nonzero.assign(static_cast<std::size_t>(cols), Seen::No);
  return t;
}

void finish(MatrixSummary& s, const Totals& t) {
  for (const Seen seen : t.col_nonzero) {
    if (seen == Seen::No) ++s.zero_cols;
  }
  if (t.lo <= t.hi) {  // some entry was not NaN
    s.min = t.lo;
    s.max = t.hi;
  }
}

}  // namespace

template <class T>
MatrixSummary summarize(const DenseMatrix<T>& matrix) {
  MatrixSummary s = start<T>(matrix.rows(), matrix.cols(), false, matrix.size());
  if (matrix.size() == 0) return s;
  Totals t = start_totals(matrix.cols());
  for (Index i = 0; i < matrix.rows(); ++i) {
    scan_row(
        s, t, i, matrix.data() + i * matrix.outerStride(), matrix.cols(), [](Index k) { return k; },
        false);
  }
  finish(s, t);
  return s;
}

template <class T>
MatrixSummary summarize(const SparseMatrix<T>& matrix) {
  MatrixSummary s = start<T>(matrix.rows(), matrix.cols(), true, matrix.nonZeros());
  if (matrix.rows() == 0 || matrix.cols() == 0) return s;
  Totals t = start_totals(matrix.cols());
  const T* values = matrix.valuePtr();
  const auto* inner = matrix.innerIndexPtr();
  const auto* outer = matrix.outerIndexPtr();
  const auto* counts = matrix.innerNonZeroPtr();  // set only when not compressed
  for (Index i = 0; i < matrix.outerSize(); ++i) {
    const Index begin = outer[i];
    const Index count = counts != nullptr ? Index{counts[i]} : outer[i + 1] - begin;
    // Inner indices are sorted, so the first problem found is the first in row-major order.
    scan_row(
        s, t, i, values + begin, count, [&](Index k) { return Index{inner[begin + k]}; },
        count < matrix.cols());
  }
  finish(s, t);
  return s;
}

MatrixSummary summarize(const AnyMatrix& matrix) {
  return matrix.visit([](const auto& m) { return summarize(m); });
}

template MatrixSummary summarize(const DenseMatrix<float>&);
template MatrixSummary summarize(const DenseMatrix<double>&);
template MatrixSummary summarize(const SparseMatrix<float>&);
template MatrixSummary summarize(const SparseMatrix<double>&);

namespace {

[[noreturn]] void bad_value(double value, Index row, Index col, const std::string& what) {
  std::ostringstream message;
  message << what << " has " << (std::isfinite(value) ? "a negative" : "a non-finite") << " value ("
          << value << ") at row " << row << ", column " << col
          << "; values must be finite and >= 0";
  throw InvalidArgument(message.str());
}

}  // namespace

// `!(v >= 0)` is true for NaN as well as for negatives; infinity is caught apart.
template <class T>
void require_finite_nonnegative(const DenseMatrix<T>& matrix, const std::string& what) {
  for (Index i = 0; i < matrix.rows(); ++i)
    for (Index j = 0; j < matrix.cols(); ++j) {
      const double v = static_cast<double>(matrix(i, j));
      if (!(v >= 0) || std::isinf(v)) bad_value(v, i, j, what);
    }
}

template <class T>
void require_finite_nonnegative(const SparseMatrix<T>& matrix, const std::string& what) {
  for (Index i = 0; i < matrix.outerSize(); ++i)
    for (typename SparseMatrix<T>::InnerIterator it(matrix, i); it; ++it) {
      const double v = static_cast<double>(it.value());
      if (!(v >= 0) || std::isinf(v)) bad_value(v, it.row(), it.col(), what);
    }
}

void require_finite_nonnegative(const AnyMatrix& matrix, const std::string& what) {
  matrix.visit([&](const auto& m) { require_finite_nonnegative(m, what); });
}

template void require_finite_nonnegative(const DenseMatrix<float>&, const std::string&);
template void require_finite_nonnegative(const DenseMatrix<double>&, const std::string&);
template void require_finite_nonnegative(const SparseMatrix<float>&, const std::string&);
template void require_finite_nonnegative(const SparseMatrix<double>&, const std::string&);

}  // namespace nmfkit
