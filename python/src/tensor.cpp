// Non-negative CP (nmfkit/tensor/ntf.hpp) and the factor match score for nmfkit.tensor.

#include "bindings.hpp"
#include "nmfkit/tensor/factor_match.hpp"
#include "nmfkit/tensor/ntf.hpp"

namespace nmfkit::python {

namespace {

NtfOptions ntf_options_from(const py::dict& d) {
  NtfOptions o;
  o.n_components = d["n_components"].cast<Index>();
  o.tol = d["tol"].cast<double>();
  o.max_iter = d["max_iter"].cast<int>();
  o.patience = d["patience"].cast<int>();
  if (!d["random_state"].is_none()) o.random_state = d["random_state"].cast<std::uint32_t>();
  o.n_threads = d["n_threads"].cast<int>();
  o.verbose = d["verbose"].cast<int>();
  return o;
}

template <class T>
py::dict result_to_python(NtfResult<T>&& r) {
  py::list factors;
  for (auto& A : r.factors) factors.append(py::cast(std::move(A)));
  py::dict out;
  out["factors"] = factors;
  out["weights"] = py::cast(Vector<T>(std::move(r.weights)));
  out["relative_error_history"] = r.relative_error_history;
  out["relative_error"] = r.relative_error;
  out["n_iter"] = r.n_iter;
  out["converged"] = r.converged;
  out["random_state"] = r.random_state;
  out["n_missing"] = r.n_missing;
  return out;
}

std::vector<Index> shape_of(const py::array& a) {
  return std::vector<Index>(a.shape(), a.shape() + a.ndim());
}

template <class T>
py::dict fit_dense(const py::array& X, const py::dict& options, const py::object& log) {
  const auto data = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(X);
  DenseTensor<T> tensor;
  tensor.shape = shape_of(data);
  tensor.values.assign(data.data(), data.data() + data.size());
  const NtfOptions o = ntf_options_from(options);
  const Progress progress = make_progress(log);
  return result_to_python(without_gil([&] { return fit_ntf(tensor, o, progress); }));
}

template <class T>
py::dict fit_sparse(const py::array& coords, const py::array& values,
                    const std::vector<Index>& shape, const py::dict& options,
                    const py::object& log) {
  const auto c = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(coords);
  const auto v = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(values);
  SparseTensor<T> tensor;
  tensor.shape = shape;
  tensor.coords.assign(c.data(), c.data() + c.size());
  tensor.values.assign(v.data(), v.data() + v.size());
  const NtfOptions o = ntf_options_from(options);
  const Progress progress = make_progress(log);
  return result_to_python(without_gil([&] { return fit_ntf(tensor, o, progress); }));
}

}  // namespace

void bind_tensor(py::module_& m) {
  m.def(
      "fit_ntf_dense",
      [](const py::array& X, const py::dict& options, const py::object& log) {
        return dtype_of_array(X, "X") == DType::Float32 ? fit_dense<float>(X, options, log)
                                                        : fit_dense<double>(X, options, log);
      },
      py::arg("X"), py::arg("options"), py::arg("log") = py::none());
  m.def(
      "fit_ntf_sparse",
      [](const py::array& coords, const py::array& values, const std::vector<Index>& shape,
         const py::dict& options, const py::object& log) {
        return dtype_of_array(values, "values") == DType::Float32
                   ? fit_sparse<float>(coords, values, shape, options, log)
                   : fit_sparse<double>(coords, values, shape, options, log);
      },
      py::arg("coords"), py::arg("values"), py::arg("shape"), py::arg("options"),
      py::arg("log") = py::none());
  m.def("factor_match_score", &factor_match_score, py::arg("factors_a"), py::arg("weights_a"),
        py::arg("factors_b"), py::arg("weights_b"));
}

}  // namespace nmfkit::python
