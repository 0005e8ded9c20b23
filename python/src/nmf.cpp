// nmfkit::fit, transform and inverse_transform for NumPy arrays and SciPy sparse matrices.

#include "nmfkit/nmf/nmf.hpp"

#include <optional>

#include "bindings.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit::python {

NmfOptions options_from(const py::dict& d) {
  NmfOptions o;
  auto get = [&](const char* key) -> py::object {
    return d.contains(key) ? py::object(d[key]) : py::object(py::none());
  };
  if (auto v = get("n_components"); !v.is_none()) o.n_components = v.cast<Index>();
  if (auto v = get("init"); !v.is_none()) o.init = parse_init(v.cast<std::string>());
  if (auto v = get("solver"); !v.is_none()) o.solver = v.cast<std::string>();
  if (auto v = get("beta_loss"); !v.is_none()) {
    o.beta_loss =
        py::isinstance<py::str>(v) ? parse_beta_loss(v.cast<std::string>()) : v.cast<double>();
  }
  if (auto v = get("tol"); !v.is_none()) o.tol = v.cast<double>();
  if (auto v = get("max_iter"); !v.is_none()) o.max_iter = v.cast<int>();
  if (auto v = get("random_state"); !v.is_none()) o.random_state = v.cast<std::uint32_t>();
  if (auto v = get("alpha_W"); !v.is_none()) o.alpha_W = v.cast<double>();
  if (auto v = get("alpha_H"); !v.is_none()) o.alpha_H = v.cast<double>();
  if (auto v = get("l1_ratio"); !v.is_none()) o.l1_ratio = v.cast<double>();
  if (auto v = get("verbose"); !v.is_none()) o.verbose = v.cast<int>();
  if (auto v = get("shuffle"); !v.is_none()) o.shuffle = v.cast<bool>();
  if (auto v = get("n_threads"); !v.is_none()) o.n_threads = v.cast<int>();
  if (auto v = get("patience"); !v.is_none()) o.patience = v.cast<int>();
  if (auto v = get("extrapolate"); !v.is_none()) o.extrapolate = v.cast<bool>();
  if (auto v = get("model"); !v.is_none()) o.model = v.cast<std::string>();
  if (auto v = get("layer_ranks"); !v.is_none()) o.layer_ranks = v.cast<std::vector<Index>>();
  if (auto v = get("graph_weight"); !v.is_none()) o.graph_weight = v.cast<double>();
  if (auto v = get("learning_rate"); !v.is_none()) o.learning_rate = v.cast<double>();
  if (auto v = get("penalty"); !v.is_none()) o.penalty = v.cast<double>();
  return o;
}

namespace {

template <class T>
py::dict fit_result(NmfResult<T>&& r) {
  py::dict out;
  // Moved into NumPy arrays that own them: no copy of W and H.
  out["W"] = py::cast(std::move(r.W));
  out["H"] = py::cast(std::move(r.H));
  out["reconstruction_error"] = r.reconstruction_error;
  out["n_iter"] = r.n_iter;
  out["converged"] = r.converged;
  out["init"] = to_string(r.init);
  out["random_state"] = r.random_state;
  out["warnings"] = r.warnings;
  out["objective_history"] = r.objective_history;
  out["kkt_history"] = r.kkt_history;
  out["solver"] = r.solver;
  py::list layer_W, layer_H;
  for (auto& F : r.layer_W) layer_W.append(py::cast(std::move(F)));
  for (auto& F : r.layer_H) layer_H.append(py::cast(std::move(F)));
  out["layer_W"] = layer_W;
  out["layer_H"] = layer_H;
  return out;
}

template <class T>
py::dict transform_result(TransformResult<T>&& r) {
  py::dict out;
  out["W"] = py::cast(std::move(r.W));
  out["n_iter"] = r.n_iter;
  out["converged"] = r.converged;
  out["warnings"] = r.warnings;
  return out;
}

template <class T>
py::dict fit_typed(const py::object& X, const NmfOptions& options, const py::object& W,
                   const py::object& H, const py::handle& log, const py::handle& step) {
  const bool custom = !W.is_none() || !H.is_none();
  Factors<T> factors;
  if (!W.is_none()) factors.W = to_dense<T>(W.cast<py::array>(), "W");
  if (!H.is_none()) factors.H = to_dense<T>(H.cast<py::array>(), "H");
  const Progress progress = make_progress(log, step);
  const Factors<T>* given = custom ? &factors : nullptr;
  if (is_scipy_sparse(X)) {
    const SparseMatrix<T> matrix = to_sparse<T>(X, "X");
    return fit_result(without_gil([&] {
      const ScopedThreadCount threads(options.n_threads);
      return fit(matrix, options, given, progress);
    }));
  }
  const DenseMatrix<T> matrix = to_dense<T>(X.cast<py::array>(), "X");
  return fit_result(without_gil([&] {
    const ScopedThreadCount threads(options.n_threads);
    return fit(matrix, options, given, progress);
  }));
}

template <class T>
py::dict transform_typed(const py::object& X, const py::array& H, const NmfOptions& options,
                         const py::handle& log, const py::handle& step) {
  const DenseMatrix<T> components = to_dense<T>(H, "H");
  const Progress progress = make_progress(log, step);
  if (is_scipy_sparse(X)) {
    const SparseMatrix<T> matrix = to_sparse<T>(X, "X");
    return transform_result(without_gil([&] {
      const ScopedThreadCount threads(options.n_threads);
      return transform(matrix, components, options, progress);
    }));
  }
  const DenseMatrix<T> matrix = to_dense<T>(X.cast<py::array>(), "X");
  return transform_result(without_gil([&] {
    const ScopedThreadCount threads(options.n_threads);
    return transform(matrix, components, options, progress);
  }));
}

template <class T>
py::object inverse_typed(const py::array& W, const py::array& H, int n_threads) {
  const DenseMatrix<T> w = to_dense<T>(W, "W");
  const DenseMatrix<T> h = to_dense<T>(H, "H");
  return py::cast(without_gil([&] {
    const ScopedThreadCount threads(n_threads);
    return inverse_transform(w, h);
  }));
}


// A factor of a saved model (always dense) as a NumPy array of its own dtype.
py::object factor_to_python(AnyMatrix& factor) {
  return std::visit(
      [](auto& matrix) -> py::object {
        using M = std::decay_t<decltype(matrix)>;
        if constexpr (std::is_same_v<M, DenseMatrix<float>> || std::is_same_v<M, DenseMatrix<double>>) {
          return py::cast(std::move(matrix));
        } else {
          throw InvalidArgument("a saved model's factor is sparse; nmfkit writes dense factors");
        }
      },
      factor.storage());
}

// A model folder as the NMF estimator's parameters (in Python's names) and fitted state.
py::dict model_to_python(io::NmfModel&& model) {
  const NmfOptions& o = model.options;
  py::dict params;
  params["n_components"] = o.layer_ranks.empty() ? py::cast(o.n_components) : py::cast(o.layer_ranks);
  params["init"] = o.init == Init::Auto ? py::object(py::none()) : py::cast(to_string(o.init));
  params["solver"] = o.solver;
  params["beta_loss"] = o.beta_loss;
  params["tol"] = o.tol;
  params["max_iter"] = o.max_iter;
  params["random_state"] = o.random_state;
  params["alpha_W"] = o.alpha_W;
  params["alpha_H"] = o.alpha_H ? py::cast(*o.alpha_H) : py::cast("same");
  params["l1_ratio"] = o.l1_ratio;
  params["shuffle"] = o.shuffle;
  params["patience"] = o.patience;
  params["model"] = o.model;
  params["graph_weight"] = o.graph_weight;
  params["learning_rate"] = o.learning_rate;
  params["penalty"] = o.penalty;
  py::dict out;
  out["params"] = params;
  out["H"] = factor_to_python(model.H);
  out["reconstruction_error"] = model.reconstruction_error;
  out["n_iter"] = model.n_iter;
  out["converged"] = model.converged;
  out["solver"] = model.solver_used.empty() ? resolve_solver(o.solver, o.beta_loss) : model.solver_used;
  out["random_state"] = o.random_state;
  out["objective_history"] = model.objective_history;
  py::list layer_W, layer_H;
  for (auto& F : model.layer_W) layer_W.append(factor_to_python(F));
  for (auto& F : model.layer_H) layer_H.append(factor_to_python(F));
  out["layer_W"] = layer_W;
  out["layer_H"] = layer_H;
  return out;
}

}  // namespace

void bind_nmf(py::module_& m) {
  m.def(
      "fit",
      [](const py::object& X, const py::dict& options, const py::object& W, const py::object& H,
         const py::object& log, const py::object& progress) {
        NmfOptions o = options_from(options);
        // GNMF's sample graph (a SciPy sparse matrix or an array), alive for the call.
        std::optional<SparseMatrix<double>> graph;
        if (options.contains("graph") && !options["graph"].is_none()) {
          const py::object g = options["graph"];
          graph = is_scipy_sparse(g)
                      ? to_sparse<double>(g, "graph")
                      : SparseMatrix<double>(to_dense<double>(g.cast<py::array>(), "graph").sparseView());
          o.graph = &*graph;
        }
        // An mpi4py communicator, by the address of its MPI_Comm (MPI._addressof).
        std::unique_ptr<dist::Comm> comm;
        if (options.contains("comm_address") && !options["comm_address"].is_none()) {
          const auto address = options["comm_address"].cast<std::uintptr_t>();
          comm = dist::mpi_communicator(reinterpret_cast<const void*>(address));
          o.comm = comm.get();
        }
        if (dtype_of_input(X, "X") == DType::Float32) {
          return fit_typed<float>(X, o, W, H, log, progress);
        }
        return fit_typed<double>(X, o, W, H, log, progress);
      },
      py::arg("X"), py::arg("options"), py::arg("W") = py::none(), py::arg("H") = py::none(),
      py::arg("log") = py::none(), py::arg("progress") = py::none(),
      "Factorises X (a 2-D float32/float64 NumPy array, or SciPy CSR/CSC) as W @ H.\n\n"
      "options is a dict of NMF parameters; W and H are the custom initial factors (same\n"
      "dtype as X). progress, if given, receives the step reports: progress(task, unit,\n"
      "done, total, bound, measure, last). Returns a dict: W, H, reconstruction_error,\n"
      "n_iter, converged, init, random_state, warnings.");
  m.def(
      "transform",
      [](const py::object& X, const py::array& H, const py::dict& options, const py::object& log,
         const py::object& progress) {
        const NmfOptions o = options_from(options);
        if (dtype_of_input(X, "X") == DType::Float32) {
          return transform_typed<float>(X, H, o, log, progress);
        }
        return transform_typed<double>(X, H, o, log, progress);
      },
      py::arg("X"), py::arg("H"), py::arg("options"), py::arg("log") = py::none(),
      py::arg("progress") = py::none(),
      "W for X with the components H fixed. Returns a dict: W, n_iter, converged, warnings.");
  m.def(
      "inverse_transform",
      [](const py::array& W, const py::array& H, int n_threads) {
        if (dtype_of_array(W, "W") == DType::Float32) return inverse_typed<float>(W, H, n_threads);
        return inverse_typed<double>(W, H, n_threads);
      },
      py::arg("W"), py::arg("H"), py::arg("n_threads") = 0, "W @ H.");
  m.def(
      "validate_options", [](const py::dict& options) { options_from(options).validate(); },
      py::arg("options"),
      "Raises ValueError (with nmfkit's message) when the options are not valid.");
  m.def(
      "load_nmf_model", [](const std::string& directory) { return model_to_python(io::load_nmf_model(directory)); },
      py::arg("directory"),
      "A model folder written by `nmfkit fit` (W.npy, H.npy, model.json): the estimator's\n"
      "parameters and fitted state. Raises ValueError/OSError with nmfkit's message.");
  m.def(
      "read_result_manifest",
      [](const std::string& directory) -> py::object {
        const auto manifest = io::read_result_manifest(directory);
        if (!manifest) return py::none();
        py::dict out;
        out["kind"] = manifest->kind;
        out["format_version"] = manifest->format_version;
        out["nmfkit_version"] = manifest->nmfkit_version;
        out["files"] = manifest->files;
        return out;
      },
      py::arg("directory"),
      "The result.json of an nmfkit result folder as a dict (kind, format_version,\n"
      "nmfkit_version, files), or None for a folder written before manifests.");
  m.def("parse_beta_loss", &parse_beta_loss, py::arg("name"),
        "'frobenius' → 2, 'kullback-leibler' → 1, 'itakura-saito' → 0, or a number.");
  m.def(
      "solvers",
      [] {
        py::list out;
        for (const auto& info : solver_catalog()) {
          py::dict d;
          d["name"] = info.name;
          d["description"] = info.description;
          d["frobenius_only"] = info.frobenius_only;
          d["needs_positive_start"] = info.needs_positive_start;
          d["kl_only"] = info.kl_only;
          out.append(d);
        }
        return out;
      },
      "The solvers nmfkit knows: a list of dicts (name, description, frobenius_only, "
      "needs_positive_start, kl_only).");
}

}  // namespace nmfkit::python
