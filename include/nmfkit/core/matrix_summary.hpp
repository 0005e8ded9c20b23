#pragma once
// One pass over a matrix that gathers what input validation and `nmfkit info` need:
// shape, value range, and the entries an NMF cannot accept (NaN, Inf, negative).

#include <optional>
#include <string>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// 0-based position of an entry.
struct EntryLocation {
  Index row = 0;
  Index col = 0;
  bool operator==(const EntryLocation&) const = default;
};

struct MatrixSummary {
  Index rows = 0;
  Index cols = 0;
  DType dtype = DType::Float64;
  bool sparse = false;
  Index stored = 0;         // non-zeros of a sparse matrix (explicit zeros too), rows*cols if dense
  Index nonzero_count = 0;  // entries != 0 (NaN counts as non-zero); explicit zeros excluded
  // Over all entries, the implicit zeros of a sparse matrix included. NaN is ignored;
  // +-Inf takes part. NaN when there is no entry other than NaN (or no entry at all).
  double min = 0;
  double max = 0;
  double sum = 0;  // of the entries that are not NaN (+-Inf when there are infinities)
  Index nan_count = 0;
  Index inf_count = 0;       // +Inf and -Inf
  Index negative_count = 0;  // entries < 0, -Inf included, -0.0 not
  bool has_zero = false;     // any entry == 0, the implicit zeros of a sparse matrix included
  // The first such entry in row-major order.
  std::optional<EntryLocation> first_nan;
  std::optional<EntryLocation> first_inf;
  std::optional<EntryLocation> first_negative;
  // Rows and columns whose entries are all zero; 0 for an empty matrix (rows*cols == 0).
  Index zero_rows = 0;
  Index zero_cols = 0;
};

template <class T>
MatrixSummary summarize(const DenseMatrix<T>& matrix);
template <class T>
MatrixSummary summarize(const SparseMatrix<T>& matrix);
MatrixSummary summarize(const AnyMatrix& matrix);

// Throws InvalidArgument "<what> has a negative value (-1) at row 2, column 3; values must
// be finite and >= 0" (or "a non-finite value") for the first such entry in row order.
void require_finite_nonnegative(const AnyMatrix& matrix, const std::string& what);
template <class T>
void require_finite_nonnegative(const DenseMatrix<T>& matrix, const std::string& what);
template <class T>
void require_finite_nonnegative(const SparseMatrix<T>& matrix, const std::string& what);

}  // namespace nmfkit
