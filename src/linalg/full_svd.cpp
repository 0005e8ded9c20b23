#include "nmfkit/linalg/full_svd.hpp"

#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"
#include "staircase_qr.hpp"

namespace nmfkit::linalg {

namespace {

using detail::ColMajorMatrix;

// Calls f(row, column, value) for each non-zero entry of the tall side A of X: X itself,
// or Xᵀ when `transpose`.
template <class T, class F>
void for_each_nonzero(const DenseMatrix<T>& X, bool transpose, F&& f) {
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) {
      const T value = X(i, j);
      if (value == T(0)) continue;
      if (transpose) {
        f(j, i, value);
      } else {
        f(i, j, value);
      }
    }
  }
}

template <class T, class F>
void for_each_nonzero(const SparseMatrix<T>& X, bool transpose, F&& f) {
  for (Index i = 0; i < X.outerSize(); ++i) {
    for (typename SparseMatrix<T>::InnerIterator it(X, i); it; ++it) {
      if (it.value() == T(0)) continue;  // stored zeros carry no structure
      if (transpose) {
        f(it.col(), it.row(), it.value());
      } else {
        f(it.row(), it.col(), it.value());
      }
    }
  }
}

template <class Matrix>
void check_input(const Matrix& X) {
  if (X.rows() == 0 || X.cols() == 0) {
    throw InvalidArgument("full_svd: X is empty (" + std::to_string(X.rows()) + " × " +
                          std::to_string(X.cols()) + ")");
  }
  // Row-major visiting order, so the first bad entry is the one NumPy would print first.
  for_each_nonzero(X, false, [&](Index row, Index col, auto value) {
    if (std::isfinite(value)) return;
    std::ostringstream message;
    message << "full_svd: X has a non-finite entry (" << value << ") at row " << row << ", column "
            << col << " (0-based); the SVD needs finite values";
    throw InvalidArgument(message.str());
  });
}

// The tall side A (N×M) of X with its rows and columns rearranged for the staircase QR,
// and what is needed to map A's left singular vectors back. The rearranged matrix is
// P·A·Π, with Π a column permutation and P an N'×N matrix with orthonormal rows that
//  - orders the rows by their first non-zero (in Π's column order),
//  - drops the rows that are entirely zero,
//  - merges all rows with a single non-zero in the same column into one row holding the
//    norm of those values (a Householder-like rotation within that group).
// A = Pᵀ·(P·A) exactly, so A's singular values are those of P·A·Π.
template <class T>
struct StaircaseForm {
  ColMajorMatrix<T> A;                 // P·A·Π, N'×M (N' ≥ M)
  std::vector<Index> active_rows;      // per column j: rows that may be non-zero in 0..j
  std::vector<Index> column_position;  // column c of A → its column in P·A·Π
  std::vector<Index> row_position;     // row t of A → its row in P·A·Π, -1 if dropped
  std::vector<T> row_scale;  // Pᵀ's entry for row t: a_t/‖group‖ when merged, else 1
};

template <class T, class Matrix>
StaircaseForm<T> staircase_form(const Matrix& X, bool transpose) {
  const Index N = transpose ? X.cols() : X.rows();
  const Index M = transpose ? X.rows() : X.cols();
  StaircaseForm<T> form;

  // Short columns first: a row joins the staircase at its first non-zero column, and the
  // later rows join, the less work the early (widest) panels do.
  std::vector<Index> column_count(static_cast<std::size_t>(M), 0);
  for_each_nonzero(X, transpose, [&](Index, Index c, T) { ++column_count[c]; });
  std::vector<Index> order(static_cast<std::size_t>(M));
  std::iota(order.begin(), order.end(), Index(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](Index a, Index b) { return column_count[a] < column_count[b]; });
  form.column_position.assign(static_cast<std::size_t>(M), 0);
  for (Index p = 0; p < M; ++p) form.column_position[order[p]] = p;

  std::vector<Index> row_count(static_cast<std::size_t>(N), 0);
  std::vector<Index> row_first(static_cast<std::size_t>(N), M);
  std::vector<T> single_value(static_cast<std::size_t>(N), T(0));
  for_each_nonzero(X, transpose, [&](Index t, Index c, T value) {
    ++row_count[t];
    row_first[t] = std::min(row_first[t], form.column_position[c]);
    single_value[t] = value;  // meaningful only when the row has one non-zero
  });

  // Norm of the single-entry rows of each column position (hypot: no overflow).
  std::vector<T> merged_norm(static_cast<std::size_t>(M), T(0));
  Index merged_rows = 0;
  Index kept_rows = 0;
  for (Index t = 0; t < N; ++t) {
    if (row_count[t] == 1) {
      T& norm = merged_norm[row_first[t]];
      if (norm == T(0)) ++merged_rows;
      norm = std::hypot(norm, single_value[t]);
    } else if (row_count[t] > 1) {
      ++kept_rows;
    }
  }
  // Merging and dropping must leave at least M rows (A then stays tall); otherwise keep
  // every row as it is, zero rows last.
  const bool merge = kept_rows + merged_rows >= M;

  // Rows of the rearranged matrix: (first column, source), source ≥ 0 a row of A,
  // source < 0 the merged row of column position -source-1.
  struct Row {
    Index first;
    Index source;
  };
  std::vector<Row> rows;
  rows.reserve(static_cast<std::size_t>(merge ? kept_rows + merged_rows : N));
  for (Index t = 0; t < N; ++t) {
    if (!merge || row_count[t] > 1) rows.push_back({row_first[t], t});
  }
  if (merge) {
    for (Index p = 0; p < M; ++p) {
      if (merged_norm[p] != T(0)) rows.push_back({p, -p - 1});
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.first < b.first; });

  const Index n_rows = static_cast<Index>(rows.size());
  std::vector<Index> merged_row_of(static_cast<std::size_t>(M), -1);
  form.row_position.assign(static_cast<std::size_t>(N), -1);
  form.row_scale.assign(static_cast<std::size_t>(N), T(1));
  for (Index r = 0; r < n_rows; ++r) {
    const Index source = rows[r].source;
    if (source >= 0) {
      form.row_position[source] = r;
    } else {
      merged_row_of[-source - 1] = r;
    }
  }
  if (merge) {
    for (Index t = 0; t < N; ++t) {
      if (row_count[t] != 1) continue;
      const Index p = row_first[t];
      form.row_position[t] = merged_row_of[p];
      form.row_scale[t] = single_value[t] / merged_norm[p];
    }
  }

  form.A = ColMajorMatrix<T>::Zero(n_rows, M);
  for_each_nonzero(X, transpose, [&](Index t, Index c, T value) {
    if (!merge || row_count[t] > 1) form.A(form.row_position[t], form.column_position[c]) = value;
  });
  for (Index p = 0; p < M; ++p) {
    if (merged_row_of[p] >= 0) form.A(merged_row_of[p], p) = merged_norm[p];
  }

  form.active_rows.assign(static_cast<std::size_t>(M), 0);
  Index r = 0;
  for (Index j = 0; j < M; ++j) {
    while (r < n_rows && rows[r].first <= j) ++r;
    form.active_rows[j] = r;
  }
  return form;
}

// A's left singular vectors, transposed (M×N, row-major): column t is row t of Pᵀ·Q·U_R.
// Built row by row from QU's columns, which are contiguous.
template <class T>
DenseMatrix<T> left_vectors_transposed(const ColMajorMatrix<T>& QU, const StaircaseForm<T>& form) {
  const Index N = static_cast<Index>(form.row_position.size());
  DenseMatrix<T> out(QU.cols(), N);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < QU.cols(); ++i) {
    const T* column = QU.col(i).data();
    T* row = out.row(i).data();
    for (Index t = 0; t < N; ++t) {
      const Index r = form.row_position[t];
      row[t] = r >= 0 ? form.row_scale[t] * column[r] : T(0);
    }
  }
  return out;
}

// scikit-learn's svd_flip(u_based_decision=True): the largest |entry| of each column of U
// becomes positive (the first one on ties), and the matching row of Vt follows.
template <class T>
void flip_signs(Svd<T>& svd) {
  const Index k = svd.U.cols();
  std::vector<Index> largest(static_cast<std::size_t>(k), 0);
  for (Index i = 1; i < svd.U.rows(); ++i) {  // row by row: U is row-major
    for (Index j = 0; j < k; ++j) {
      if (std::abs(svd.U(i, j)) > std::abs(svd.U(largest[j], j))) largest[j] = i;
    }
  }
  Vector<T> sign(k);
  for (Index j = 0; j < k; ++j) sign(j) = svd.U(largest[j], j) < T(0) ? T(-1) : T(1);
  svd.U = svd.U * sign.asDiagonal();
  svd.Vt = sign.asDiagonal() * svd.Vt;
}

template <class T, class Matrix>
Svd<T> full_svd_of(const Matrix& X, const FullSvdOptions& options, const Progress& progress) {
  check_input(X);
  const bool transpose = X.rows() < X.cols();
  const Index M = transpose ? X.rows() : X.cols();
  // The tall side is factorised dense (at least M × M once its zero rows are dropped) and
  // R is M × M; the vectors take N × M for the left ones and M × M for the right ones.
  const double N = static_cast<double>(std::max(X.rows(), X.cols()));
  const double Md = static_cast<double>(M);
  require_memory(static_cast<double>(sizeof(T)) *
                     (options.compute_vectors ? 2 * N * Md + 2 * Md * Md : 2 * Md * Md),
                 "full_svd of a " + std::to_string(X.rows()) + " × " + std::to_string(X.cols()) +
                     " matrix (dense, with " + (options.compute_vectors ? "" : "no ") +
                     "singular vectors)");

  StaircaseForm<T> form = staircase_form<T>(X, transpose);
  const Index n_rows = form.A.rows();
  const detail::StaircaseQr<T> qr(std::move(form.A), form.active_rows, progress);
  progress.check_cancelled();
  const unsigned int wanted =
      options.compute_vectors ? Eigen::ComputeThinU | Eigen::ComputeThinV : 0;
  const Eigen::BDCSVD<ColMajorMatrix<T>> svd(qr.R(), wanted);
  // Finite input cannot make the divide-and-conquer fail; this guards against a bug there.
  if (svd.info() != Eigen::Success) throw Error("full_svd: Eigen's BDCSVD did not succeed");

  Svd<T> result;
  result.S = svd.singularValues();
  if (!options.compute_vectors) return result;

  // A = Pᵀ·Q·R·Πᵀ and R = U_R·Σ·V_Rᵀ: A's left vectors are Pᵀ·Q·U_R, its right ones Π·V_R.
  ColMajorMatrix<T> QU = ColMajorMatrix<T>::Zero(n_rows, M);
  QU.topRows(M) = svd.matrixU();
  qr.apply_q(QU);
  DenseMatrix<T> right(M, M);
  for (Index c = 0; c < M; ++c) right.row(c) = svd.matrixV().row(form.column_position[c]);
  if (transpose) {
    result.U = std::move(right);
    result.Vt = left_vectors_transposed(QU, form);
  } else {
    result.U = left_vectors_transposed(QU, form).transpose();
    result.Vt = right.transpose();
  }
  if (options.flip_sign) flip_signs(result);
  return result;
}

}  // namespace

template <class T>
Svd<T> full_svd(const DenseMatrix<T>& X, const FullSvdOptions& options, const Progress& progress) {
  return full_svd_of<T>(X, options, progress);
}

template <class T>
Svd<T> full_svd(const SparseMatrix<T>& X, const FullSvdOptions& options, const Progress& progress) {
  return full_svd_of<T>(X, options, progress);
}

template Svd<float> full_svd(const DenseMatrix<float>&, const FullSvdOptions&, const Progress&);
template Svd<double> full_svd(const DenseMatrix<double>&, const FullSvdOptions&, const Progress&);
template Svd<float> full_svd(const SparseMatrix<float>&, const FullSvdOptions&, const Progress&);
template Svd<double> full_svd(const SparseMatrix<double>&, const FullSvdOptions&, const Progress&);

}  // namespace nmfkit::linalg
