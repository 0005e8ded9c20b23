// MiniBatchNMF for the Python package: one model object that keeps its state between
// partial_fit calls, in the dtype of the first data it saw.

#include <variant>

#include "bindings.hpp"
#include "nmfkit/nmf/minibatch.hpp"

namespace nmfkit::python {

namespace {

// MiniBatchNMF's own parameters, read into `b` (GCC 12 fails on returning them by value
// here, an internal compiler error under LTO).
void read_batch_options(const py::dict& d, MiniBatchOptions& b) {
  auto get = [&](const char* key) -> py::object {
    return d.contains(key) ? py::object(d[key]) : py::object(py::none());
  };
  if (auto v = get("batch_size"); !v.is_none()) b.batch_size = v.cast<Index>();
  b.max_no_improvement.reset();
  if (auto v = get("max_no_improvement"); !v.is_none()) b.max_no_improvement = v.cast<int>();
  if (auto v = get("forget_factor"); !v.is_none()) b.forget_factor = v.cast<double>();
  if (auto v = get("fresh_restarts"); !v.is_none()) b.fresh_restarts = v.cast<bool>();
  if (auto v = get("fresh_restarts_max_iter"); !v.is_none()) {
    b.fresh_restarts_max_iter = v.cast<int>();
  }
  if (auto v = get("transform_max_iter"); !v.is_none()) b.transform_max_iter = v.cast<int>();
}

// f(X) with X as nmfkit's dense or CSR matrix of T, without the GIL.
template <class R, class T, class F>
R with_matrix(const py::object& X, const F& f) {
  if (is_scipy_sparse(X)) {
    const SparseMatrix<T> matrix = to_sparse<T>(X, "X");
    return without_gil([&]() -> R { return f(matrix); });
  }
  const DenseMatrix<T> matrix = to_dense<T>(X.cast<py::array>(), "X");
  return without_gil([&]() -> R { return f(matrix); });
}

class MiniBatchModel {
 public:
  MiniBatchModel(const py::dict& options, const py::dict& batch)
      : options_(options_from(options)) {
    read_batch_options(batch, batch_);
    batch_.validate();
  }

  py::dict fit_transform(const py::object& X, const py::object& W, const py::object& H) {
    if (dtype_of_input(X, "X") == DType::Float32) return fit_typed<float>(X, W, H);
    return fit_typed<double>(X, W, H);
  }
  void partial_fit(const py::object& X, const py::object& W, const py::object& H) {
    if (std::holds_alternative<std::monostate>(model_)) {
      if (dtype_of_input(X, "X") == DType::Float32) {
        model_.emplace<MiniBatchNmf<float>>(options_, batch_);
      } else {
        model_.emplace<MiniBatchNmf<double>>(options_, batch_);
      }
    }
    visit([&](auto& model) {
      using T = typename std::decay_t<decltype(model.components())>::Scalar;
      const Factors<T> factors = factors_of<T>(W, H);
      const bool custom = !W.is_none() || !H.is_none();
      with_matrix<int, T>(X, [&](const auto& matrix) {
        model.partial_fit(matrix, custom ? &factors : nullptr);
        return 0;
      });
    });
  }
  py::object transform(const py::object& X) {
    py::object out;
    visit([&](auto& model) {
      using T = typename std::decay_t<decltype(model.components())>::Scalar;
      out = py::cast(with_matrix<DenseMatrix<T>, T>(
          X, [&](const auto& matrix) { return model.transform(matrix); }));
    });
    return out;
  }
  py::object components() {
    py::object out;
    visit([&](auto& model) { out = py::cast(model.components()); });
    return out;
  }
  int n_steps() {
    int out = 0;
    visit([&](auto& model) { out = model.n_steps(); });
    return out;
  }
  py::tuple get_state() {
    py::tuple out;
    visit([&](auto& model) {
      auto s = model.state();
      out = py::make_tuple(py::cast(s.H), py::cast(s.numerator), py::cast(s.denominator),
                           s.batch_size, s.rho, s.n_steps);
    });
    return out;
  }
  void set_state(const py::tuple& t) {
    if (t.size() != 6) throw InvalidArgument("MiniBatchNMF: the saved state is inconsistent");
    const py::array H = t[0].cast<py::array>();
    if (dtype_of_array(H, "H") == DType::Float32) {
      restore<float>(t);
    } else {
      restore<double>(t);
    }
  }
  std::uint32_t seed() {
    std::uint32_t out = 0;
    visit([&](auto& model) { out = model.random_state(); });
    return out;
  }

 private:
  template <class T>
  void restore(const py::tuple& t) {
    MiniBatchState<T> s;
    s.H = to_dense<T>(t[0].cast<py::array>(), "H");
    s.numerator = to_dense<T>(t[1].cast<py::array>(), "numerator");
    s.denominator = to_dense<T>(t[2].cast<py::array>(), "denominator");
    s.batch_size = t[3].cast<Index>();
    s.rho = t[4].cast<double>();
    s.n_steps = t[5].cast<int>();
    model_.emplace<MiniBatchNmf<T>>(options_, batch_).restore(std::move(s));
  }
  template <class T>
  static Factors<T> factors_of(const py::object& W, const py::object& H) {
    Factors<T> factors;
    if (!W.is_none()) factors.W = to_dense<T>(W.cast<py::array>(), "W");
    if (!H.is_none()) factors.H = to_dense<T>(H.cast<py::array>(), "H");
    return factors;
  }
  template <class T>
  py::dict fit_typed(const py::object& X, const py::object& W, const py::object& H) {
    auto& model = model_.emplace<MiniBatchNmf<T>>(options_, batch_);
    const Factors<T> factors = factors_of<T>(W, H);
    const bool custom = !W.is_none() || !H.is_none();
    MiniBatchResult<T> r = with_matrix<MiniBatchResult<T>, T>(X, [&](const auto& matrix) {
      return model.fit_transform(matrix, custom ? &factors : nullptr);
    });
    py::dict out;
    out["W"] = py::cast(std::move(r.W));
    out["H"] = py::cast(std::move(r.H));
    out["reconstruction_error"] = r.reconstruction_error;
    out["n_iter"] = r.n_iter;
    out["n_steps"] = r.n_steps;
    out["converged"] = r.converged;
    out["init"] = to_string(r.init);
    out["random_state"] = r.random_state;
    out["warnings"] = r.warnings;
    out["batch_costs"] = r.batch_costs;
    return out;
  }
  template <class F>
  void visit(F&& f) {
    if (auto* model = std::get_if<MiniBatchNmf<float>>(&model_)) return f(*model);
    if (auto* model = std::get_if<MiniBatchNmf<double>>(&model_)) return f(*model);
    throw InvalidArgument("this MiniBatchNMF is not fitted yet");
  }

  NmfOptions options_;
  MiniBatchOptions batch_;
  std::variant<std::monostate, MiniBatchNmf<float>, MiniBatchNmf<double>> model_;
};

}  // namespace

void bind_minibatch(py::module_& m) {
  py::class_<MiniBatchModel>(m, "MiniBatchModel",
                             "scikit-learn's MiniBatchNMF state (use nmfkit.MiniBatchNMF)")
      .def(py::init<const py::dict&, const py::dict&>(), py::arg("options"), py::arg("batch"))
      .def("fit_transform", &MiniBatchModel::fit_transform, py::arg("X"),
           py::arg("W") = py::none(), py::arg("H") = py::none())
      .def("partial_fit", &MiniBatchModel::partial_fit, py::arg("X"), py::arg("W") = py::none(),
           py::arg("H") = py::none())
      .def("transform", &MiniBatchModel::transform, py::arg("X"))
      .def("components", &MiniBatchModel::components)
      .def("n_steps", &MiniBatchModel::n_steps)
      .def("seed", &MiniBatchModel::seed)
      .def("get_state", &MiniBatchModel::get_state)
      .def("set_state", &MiniBatchModel::set_state, py::arg("state"));
}

}  // namespace nmfkit::python
