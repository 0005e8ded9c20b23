#pragma once
// What the binding files share: conversions between NumPy/SciPy objects and nmfkit's
// matrices, and running library code with the GIL released.

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <utility>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"

namespace nmfkit {
struct NmfOptions;
}
namespace nmfkit::text {
struct VectorizerOptions;
}
namespace nmfkit::select {
struct SelectOptions;
struct Selection;
}

namespace nmfkit::python {

namespace py = pybind11;

void bind_nmf(py::module_& m);
void bind_minibatch(py::module_& m);
void bind_text(py::module_& m);
void bind_tensor(py::module_& m);
void bind_semantic(py::module_& m);
void bind_identifiability(py::module_& m);
void bind_select(py::module_& m);
void bind_cluster(py::module_& m);
void bind_associations(py::module_& m);
void bind_multimodal(py::module_& m);
void bind_topic_model(py::module_& m);

// The NMF options as the Python layer passes them: a dict with scikit-learn's parameter
// names, values already in C++ terms (beta_loss a number, alpha_H None for 'same').
NmfOptions options_from(const py::dict& d);
// select_k's options from Python's select dict (nmfkit.selection) and its NMF options;
// its result as a dict. The k candidates as a k spec ("auto", "2:20", ...).
select::SelectOptions select_options_from(const std::string& k, const py::dict& select,
                                          const py::dict& nmf);
py::dict selection_to_python(const select::Selection& selection);

// The vectoriser options as nmfkit.text's vectorisers pass them: a dict with scikit-learn's
// names (weighting, lowercase, stop_words, min_df, max_df, max_features, binary, norm,
// use_idf, smooth_idf, sublinear_tf, dtype); missing or None keys keep the defaults.
text::VectorizerOptions vectorizer_options(const py::dict& d);

// The element type of a NumPy array: Float32 or Float64; anything else is a ValueError
// (the Python layer converts other types before it calls in).
DType dtype_of_array(const py::array& a, const char* what);

// A 2-D NumPy array of T, any strides, copied once into a row-major matrix. Copying runs
// without the GIL (the caller keeps the array alive).
template <class T>
DenseMatrix<T> to_dense(const py::array& a, const char* what);

// A SciPy CSR or CSC matrix (anything with .format 'csr'/'csc', .shape, .data, .indices,
// .indptr) with sorted indices and no duplicates, copied once into nmfkit's CSR.
template <class T>
SparseMatrix<T> to_sparse(const py::object& X, const char* what);

bool is_scipy_sparse(const py::object& X);
DType dtype_of_input(const py::object& X, const char* what);

// A CSR matrix as the tuple (data, indices, indptr, shape) that scipy.sparse.csr_matrix
// takes; indices are int32 when they fit, as SciPy's own constructors make them.
template <class T>
py::tuple csr_to_python(const SparseMatrix<T>& X);

// Verbose lines go to `log` (a Python callable taking one str; None: C++ stdout), and
// every poll of cancel_requested runs Python's signal handlers, so that Ctrl-C stops a
// long computation with KeyboardInterrupt. `log` must outlive the Progress: it is held as
// a borrowed handle because the Progress is copied where the GIL is not held. Step reports
// go to `step` (None: nowhere), called as step(task, unit, done, total, bound, measure,
// last) with the fields of nmfkit::ProgressStep; the same lifetime rule holds.
Progress make_progress(const py::handle& log, const py::handle& step = py::handle());

// Runs f() with the GIL released. A computation cancelled by a Python exception (Ctrl-C
// in the cancel poll, or an exception raised by the log callback) re-raises that exception.
template <class F>
auto without_gil(F&& f) -> decltype(f()) {
  try {
    py::gil_scoped_release release;
    return f();
  } catch (const Cancelled&) {
    if (PyErr_Occurred()) throw py::error_already_set();
    throw;
  }
}

}  // namespace nmfkit::python
