#include <cstring>
#include <limits>

#include "bindings.hpp"

namespace nmfkit::python {

DType dtype_of_array(const py::array& a, const char* what) {
  // Equivalence, not identity: an unpickled array's dtype is another object.
  if (py::array_t<float>::check_(a)) return DType::Float32;
  if (py::array_t<double>::check_(a)) return DType::Float64;
  throw InvalidArgument(std::string(what) + " must be float32 or float64, got " +
                        py::str(a.dtype()).cast<std::string>());
}

bool is_scipy_sparse(const py::object& X) {
  return py::hasattr(X, "format") && py::hasattr(X, "indptr") && py::hasattr(X, "indices") &&
         py::hasattr(X, "data") && py::hasattr(X, "shape");
}

DType dtype_of_input(const py::object& X, const char* what) {
  if (is_scipy_sparse(X)) return dtype_of_array(X.attr("data").cast<py::array>(), what);
  return dtype_of_array(X.cast<py::array>(), what);
}

template <class T>
DenseMatrix<T> to_dense(const py::array& given, const char* what) {
  if (given.ndim() != 2) {
    throw InvalidArgument(std::string(what) + " must be 2-D, got " +
                          std::to_string(given.ndim()) + " dimension(s)");
  }
  py::array_t<T> a = py::array_t<T>::ensure(given);  // no copy: the dtype was checked
  if (!a) throw py::error_already_set();
  const auto itemsize = static_cast<py::ssize_t>(sizeof(T));
  // Eigen maps need whole-element strides; NumPy allows any (e.g. views of records).
  if (a.strides(0) % itemsize != 0 || a.strides(1) % itemsize != 0) {
    a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a);
  }
  const Index rows = a.shape(0);
  const Index cols = a.shape(1);
  const Index row_stride = a.strides(0) / itemsize;
  const Index col_stride = a.strides(1) / itemsize;
  const T* data = a.data();
  DenseMatrix<T> out(rows, cols);
  {
    py::gil_scoped_release release;
    if (a.flags() & py::array::c_style) {
      if (out.size() > 0) std::memcpy(out.data(), data, sizeof(T) * static_cast<std::size_t>(out.size()));
    } else {
      using Strided = Eigen::Map<const DenseMatrix<T>, Eigen::Unaligned,
                                 Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
      // A row-major map: the outer stride steps between rows, the inner one along a row.
      out = Strided(data, rows, cols, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(row_stride, col_stride));
    }
  }
  return out;
}

namespace {

template <class T, int Order, class I>
SparseMatrix<T> from_compressed(const py::array& data, const py::array& indices,
                                const py::array& indptr, Index rows, Index cols) {
  auto values = py::array_t<T, py::array::c_style>::ensure(data);
  auto inner = py::array_t<I, py::array::c_style>::ensure(indices);
  auto outer = py::array_t<I, py::array::c_style>::ensure(indptr);
  if (!values || !inner || !outer) throw py::error_already_set();
  const Index n_outer = Order == Eigen::RowMajor ? rows : cols;
  if (outer.size() != n_outer + 1) throw InvalidArgument("sparse matrix: indptr has the wrong length");
  const Index nnz = static_cast<Index>(outer.at(n_outer));
  if (inner.size() < nnz || values.size() < nnz) {
    throw InvalidArgument("sparse matrix: indices or data shorter than indptr says");
  }
  py::gil_scoped_release release;
  Eigen::Map<const Eigen::SparseMatrix<T, Order, I>> map(rows, cols, nnz, outer.data(),
                                                         inner.data(), values.data());
  return SparseMatrix<T>(map);
}

template <class T, int Order>
SparseMatrix<T> from_compressed_any_index(const py::object& X, Index rows, Index cols) {
  py::array indices = X.attr("indices").cast<py::array>();
  py::array indptr = X.attr("indptr").cast<py::array>();
  py::array data = X.attr("data").cast<py::array>();
  const bool wide = indices.dtype().itemsize() == 8 || indptr.dtype().itemsize() == 8;
  if (wide) return from_compressed<T, Order, std::int64_t>(data, indices, indptr, rows, cols);
  return from_compressed<T, Order, std::int32_t>(data, indices, indptr, rows, cols);
}

}  // namespace

template <class T>
SparseMatrix<T> to_sparse(const py::object& X, const char* what) {
  const auto format = X.attr("format").cast<std::string>();
  const auto shape = X.attr("shape").cast<std::pair<Index, Index>>();
  if (format == "csr") return from_compressed_any_index<T, Eigen::RowMajor>(X, shape.first, shape.second);
  if (format == "csc") return from_compressed_any_index<T, Eigen::ColMajor>(X, shape.first, shape.second);
  throw InvalidArgument(std::string(what) + ": sparse format '" + format +
                        "' is not supported here (convert it to CSR)");
}

template <class T>
py::tuple csr_to_python(const SparseMatrix<T>& X) {
  const Index nnz = X.nonZeros();
  const bool narrow = nnz <= std::numeric_limits<std::int32_t>::max() &&
                      X.cols() <= std::numeric_limits<std::int32_t>::max();
  py::array_t<T> data(nnz);
  std::copy(X.valuePtr(), X.valuePtr() + nnz, data.mutable_data());
  auto copy_index = [](const std::int64_t* from, Index n, bool to_narrow) -> py::array {
    if (to_narrow) {
      py::array_t<std::int32_t> out(n);
      std::int32_t* to = out.mutable_data();
      for (Index i = 0; i < n; ++i) to[i] = static_cast<std::int32_t>(from[i]);
      return out;
    }
    py::array_t<std::int64_t> out(n);
    std::copy(from, from + n, out.mutable_data());
    return out;
  };
  SparseMatrix<T> compressed;
  const SparseMatrix<T>* source = &X;
  if (!X.isCompressed()) {
    compressed = X;
    compressed.makeCompressed();
    source = &compressed;
  }
  return py::make_tuple(data, copy_index(source->innerIndexPtr(), nnz, narrow),
                        copy_index(source->outerIndexPtr(), X.rows() + 1, narrow),
                        py::make_tuple(X.rows(), X.cols()));
}

Progress make_progress(const py::handle& log, const py::handle& step) {
  Progress progress;
  if (step && !step.is_none()) {
    progress.step = [step](const ProgressStep& s) {
      py::gil_scoped_acquire acquire;
      step(s.task, s.unit, s.done, s.total, s.bound, s.measure, s.last);
    };
  }
  if (log && !log.is_none()) {
    progress.log = [log](const std::string& line) {
      py::gil_scoped_acquire acquire;
      log(line);
    };
  }
  progress.cancel_requested = [] {
    py::gil_scoped_acquire acquire;
    return PyErr_CheckSignals() != 0;
  };
  return progress;
}

template DenseMatrix<float> to_dense<float>(const py::array&, const char*);
template DenseMatrix<double> to_dense<double>(const py::array&, const char*);
template SparseMatrix<float> to_sparse<float>(const py::object&, const char*);
template SparseMatrix<double> to_sparse<double>(const py::object&, const char*);
template py::tuple csr_to_python<float>(const SparseMatrix<float>&);
template py::tuple csr_to_python<double>(const SparseMatrix<double>&);

}  // namespace nmfkit::python
