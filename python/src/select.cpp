// Rank selection (select/select_k.hpp) and cNMF's consensus (select/consensus_run.hpp) for
// nmfkit.selection: options from dicts, results as dicts of plain values and arrays.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "nmfkit/nmf/options.hpp"
#include "nmfkit/select/consensus_run.hpp"
#include "nmfkit/select/select_k.hpp"

namespace nmfkit::python {

namespace {

py::object optional_k(const std::optional<Index>& k) {
  return k ? py::object(py::int_(*k)) : py::object(py::none());
}

// One column per score, one row per k, for a pandas DataFrame.
py::dict scores_to_python(const std::vector<select::KScore>& scores) {
  std::vector<Index> k;
  std::vector<double> test_error, test_error_se, train_error, min_silhouette, mean_silhouette,
      reconstruction_error, cophenetic, dispersion, cnmf_silhouette, cnmf_error, seconds;
  for (const auto& s : scores) {
    k.push_back(s.k);
    test_error.push_back(s.test_error);
    test_error_se.push_back(s.test_error_se);
    train_error.push_back(s.train_error);
    min_silhouette.push_back(s.min_silhouette);
    mean_silhouette.push_back(s.mean_silhouette);
    reconstruction_error.push_back(s.reconstruction_error);
    cophenetic.push_back(s.cophenetic);
    dispersion.push_back(s.dispersion);
    cnmf_silhouette.push_back(s.cnmf_silhouette);
    cnmf_error.push_back(s.cnmf_error);
    seconds.push_back(s.seconds);
  }
  py::dict out;
  out["k"] = k;
  out["test_error"] = test_error;
  out["test_error_se"] = test_error_se;
  out["train_error"] = train_error;
  out["min_silhouette"] = min_silhouette;
  out["mean_silhouette"] = mean_silhouette;
  out["reconstruction_error"] = reconstruction_error;
  out["cophenetic"] = cophenetic;
  out["dispersion"] = dispersion;
  out["cnmf_silhouette"] = cnmf_silhouette;
  out["cnmf_error"] = cnmf_error;
  out["seconds"] = seconds;
  return out;
}

// mask: non-zero entries of a matrix of X's shape are missing; missing: "none", "nan"
// (NaN entries of X are missing) or "zeros" (only the non-zero entries count).
template <class T, class Matrix>
EntryWeights<T> weights_of(Matrix& X, const py::object& mask, const std::string& missing) {
  if (missing != "none" && missing != "nan" && missing != "zeros") {
    throw InvalidArgument("missing must be 'none', 'nan' or 'zeros', got '" + missing + "'");
  }
  if (missing == "nan") {
    if (!mask.is_none()) throw InvalidArgument("missing='nan' cannot be combined with a mask");
    return EntryWeights<T>::missing_nan(X);
  }
  EntryWeights<T> weights;
  if (!mask.is_none()) {
    auto checked = [&](const auto& M) {
      if (M.rows() != X.rows() || M.cols() != X.cols()) {
        throw InvalidArgument("mask has shape (" + std::to_string(M.rows()) + ", " +
                              std::to_string(M.cols()) + ") but X has shape (" +
                              std::to_string(X.rows()) + ", " + std::to_string(X.cols()) + ")");
      }
      return EntryWeights<T>::missing(M);
    };
    weights = is_scipy_sparse(mask) ? checked(to_sparse<T>(mask, "mask"))
                                    : checked(to_dense<T>(mask.cast<py::array>(), "mask"));
  }
  if (missing == "zeros") weights = weights.with_zeros_missing();
  return weights;
}

template <class T>
py::dict select_typed(const py::object& X, const py::object& mask, const std::string& missing,
                      const select::SelectOptions& options, const py::object& log,
                      const py::object& step) {
  const Progress progress = make_progress(log, step);
  auto run = [&](auto& matrix) {
    const EntryWeights<T> weights = weights_of<T>(matrix, mask, missing);
    return without_gil([&] { return select::select_k(matrix, weights, options, progress); });
  };
  if (is_scipy_sparse(X)) {
    SparseMatrix<T> matrix = to_sparse<T>(X, "X");
    return selection_to_python(run(matrix));
  }
  DenseMatrix<T> matrix = to_dense<T>(X.cast<py::array>(), "X");
  return selection_to_python(run(matrix));
}

template <class T>
py::dict consensus_typed(const py::object& X, const select::CnmfOptions& options,
                         const std::string& k_selection, const py::object& log,
                         const py::object& step) {
  const Progress progress = make_progress(log, step);
  auto run = [&](const auto& matrix) {
    return without_gil([&] { return select::consensus(matrix, options, k_selection, progress); });
  };
  const select::ConsensusRun<T> r = is_scipy_sparse(X)
                                        ? run(to_sparse<T>(X, "X"))
                                        : run(to_dense<T>(X.cast<py::array>(), "X"));
  py::dict out;
  out["usages"] = r.usage_fractions;
  out["usages_raw"] = r.programs.usages;
  out["spectra"] = r.programs.spectra;
  out["spectra_refit"] = r.programs.spectra_refit;
  out["top_features"] = r.programs.top_features;
  out["local_density"] = r.programs.consensus.local_density;
  out["spectrum_programs"] = r.programs.consensus.labels;
  out["spectra_kept"] = r.programs.consensus.kept;
  out["silhouette"] = r.programs.silhouette;
  out["relative_error"] = r.programs.relative_error;
  out["selection"] = selection_to_python(r.selection);
  out["range"] = r.range;
  return out;
}

}  // namespace

select::SelectOptions select_options_from(const std::string& k, const py::dict& d,
                                          const py::dict& nmf) {
  select::SelectOptions o;
  o.k = select::parse_k_spec(k);
  o.method = select::parse_method(d["method"].cast<std::string>());
  o.cv.holdout_fraction = d["holdout"].cast<double>();
  o.cv.replicates = d["replicates"].cast<int>();
  o.cv.tolerance = d["cv_tolerance"].cast<double>();
  o.stability.perturbations = d["perturbations"].cast<int>();
  o.stability.noise = d["noise"].cast<double>();
  o.stability.threshold = d["threshold"].cast<double>();
  o.consensus.restarts = d["restarts"].cast<int>();
  o.consensus.tolerance = d["cophenetic_tolerance"].cast<double>();
  o.consensus.silhouette_tolerance = d["cnmf_tolerance"].cast<double>();
  o.consensus.density_threshold = d["density_threshold"].cast<double>();
  o.parallel_fits = d["parallel_fits"].cast<int>();
  o.nmf = options_from(nmf);
  o.nmf.n_components.reset();
  o.seed = o.nmf.random_state.value_or(0);
  return o;
}

py::dict selection_to_python(const select::Selection& s) {
  py::dict out;
  out["scores"] = scores_to_python(s.scores);
  py::dict chosen, rules;
  const std::pair<const char*, std::pair<const std::optional<Index>*, const std::string*>>
      methods[] = {{"cv", {&s.cv_k, &s.cv_rule}},
                   {"stability", {&s.stability_k, &s.stability_rule}},
                   {"consensus", {&s.consensus_k, &s.consensus_rule}},
                   {"cnmf", {&s.cnmf_k, &s.cnmf_rule}}};
  for (const auto& [name, choice] : methods) {
    if (!*choice.first) continue;
    chosen[name] = optional_k(*choice.first);
    rules[name] = *choice.second;
  }
  out["chosen_k"] = s.chosen_k;
  out["by_method"] = chosen;
  out["rules"] = rules;
  out["rule"] = s.rule;
  out["agreement"] = s.agreement;
  out["seconds"] = s.seconds;
  return out;
}


void bind_select(py::module_& m) {
  m.def(
      "select_k",
      [](const py::object& X, const std::string& k, const py::dict& select, const py::dict& nmf,
         const py::object& mask, const std::string& missing, const py::object& log,
         const py::object& progress) {
        select::SelectOptions options = select_options_from(k, select, nmf);
        options.validate();
        if (dtype_of_input(X, "X") == DType::Float32) {
          return select_typed<float>(X, mask, missing, options, log, progress);
        }
        return select_typed<double>(X, mask, missing, options, log, progress);
      },
      py::arg("X"), py::arg("k"), py::arg("select"), py::arg("nmf"), py::arg("mask") = py::none(),
      py::arg("missing") = "none", py::arg("log") = py::none(), py::arg("progress") = py::none(),
      "select_k's scores per k and its choices (select/select_k.hpp). progress, if given,\n"
      "receives the step reports: progress(task, unit, done, total, bound, measure, last).");
  m.def(
      "consensus",
      [](const py::object& X, Index k, int replicates, double density_threshold,
         Index top_features, const std::string& k_selection, const py::dict& nmf,
         const py::object& log, const py::object& progress) {
        select::CnmfOptions options;
        options.k = k;
        options.replicates = replicates;
        options.density_threshold = density_threshold;
        options.top_features = top_features;
        options.nmf = options_from(nmf);
        options.nmf.n_components.reset();
        options.seed = options.nmf.random_state.value_or(0);
        options.validate();
        if (dtype_of_input(X, "X") == DType::Float32) {
          return consensus_typed<float>(X, options, k_selection, log, progress);
        }
        return consensus_typed<double>(X, options, k_selection, log, progress);
      },
      py::arg("X"), py::arg("k"), py::arg("replicates"), py::arg("density_threshold"),
      py::arg("top_features"), py::arg("k_selection"), py::arg("nmf"),
      py::arg("log") = py::none(), py::arg("progress") = py::none(),
      "cNMF's consensus programs at k with the k-selection table (select/consensus_run.hpp).");
}

}  // namespace nmfkit::python
