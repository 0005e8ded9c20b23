#pragma once
// A matrix X read a block of rows at a time, for out-of-core fitting: the solver asks for
// the rows it works on next, so memory holds one batch of X rather than all of it. Files
// (io/npy_rows.hpp, io/h5ad_rows.hpp) and corpora implement it; InMemoryRows adapts a
// matrix that is already loaded, so the same solver code runs on either.

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::linalg {

// Matrix is DenseMatrix<T> or SparseMatrix<T> (CSR): what read_rows returns.
template <class Matrix>
class RowBatchSource {
 public:
  using Scalar = typename Matrix::Scalar;
  virtual ~RowBatchSource() = default;
  virtual Index rows() const = 0;
  virtual Index cols() const = 0;
  // Rows [first, first + count) of X, 0 ≤ first, count ≥ 1, first + count ≤ rows().
  // Throws IoError or FormatError when the file cannot give them.
  virtual Matrix read_rows(Index first, Index count) = 0;
};

// A loaded matrix seen through the interface (it must outlive the view).
template <class Matrix>
class InMemoryRows final : public RowBatchSource<Matrix> {
 public:
  explicit InMemoryRows(const Matrix& X) : X_(X) {}
  Index rows() const override { return X_.rows(); }
  Index cols() const override { return X_.cols(); }
  Matrix read_rows(Index first, Index count) override { return X_.middleRows(first, count); }

 private:
  const Matrix& X_;
};

}  // namespace nmfkit::linalg
