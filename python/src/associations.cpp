// Cross-modality feature associations (multimodal/associations.hpp) for
// nmfkit.feature_associations.

#include <optional>

#include "bindings.hpp"
#include "nmfkit/multimodal/associations.hpp"

namespace nmfkit::python {

void bind_associations(py::module_& m) {
  m.def(
      "associate",
      [](const py::array& A, const py::array& B, const py::object& mask, const py::dict& d,
         const py::object& log, const py::object& step) {
        multimodal::AssociationOptions o;
        o.mode = multimodal::parse_association_mode(d["mode"].cast<std::string>());
        o.n_epochs = d["n_epochs"].cast<int>();
        o.lambda_reg = d["lambda_reg"].cast<double>();
        o.lambda_entropy = d["lambda_entropy"].cast<double>();
        o.lambda_spread = d["lambda_spread"].cast<double>();
        o.temperature = d["temperature"].cast<double>();
        o.normalize = d["normalize"].cast<bool>();
        o.seed = d["seed"].cast<std::uint64_t>();
        o.n_threads = d["n_threads"].cast<int>();
        o.tolerance = d["tolerance"].cast<double>();
        o.max_iterations = d["max_iterations"].cast<int>();
        o.min_weight = d["min_weight"].cast<double>();
        o.restarts = d["restarts"].cast<int>();
        o.single_slack = d["single_slack"].cast<double>();
        if (!d["targets"].is_none()) o.targets = d["targets"].cast<std::vector<Index>>();
        o.validate();
        const DenseMatrix<double> target = to_dense<double>(A, "A");
        const DenseMatrix<double> source = to_dense<double>(B, "B");
        std::optional<SparseMatrix<double>> allowed;
        if (!mask.is_none()) {
          allowed = is_scipy_sparse(mask)
                        ? to_sparse<double>(mask, "mask")
                        : SparseMatrix<double>(
                              to_dense<double>(mask.cast<py::array>(), "mask").sparseView());
          if (allowed->rows() != source.cols() || allowed->cols() != target.cols()) {
            throw InvalidArgument("mask has shape (" + std::to_string(allowed->rows()) + ", " +
                                  std::to_string(allowed->cols()) +
                                  ") but must be sources × targets = (" +
                                  std::to_string(source.cols()) + ", " +
                                  std::to_string(target.cols()) + ")");
          }
        }
        const Progress progress = make_progress(log, step);
        const multimodal::Associations r = without_gil([&] {
          return multimodal::associate(target, source, allowed ? &*allowed : nullptr, o, progress);
        });
        py::dict out;
        out["weights"] = csr_to_python(SparseMatrix<double>(r.weights));
        out["targets_without_source"] = r.targets_without_source;
        out["targets_without_signal"] = r.targets_without_signal;
        std::vector<int> iterations;
        std::vector<bool> converged, single;
        std::vector<double> loss;
        for (const auto& fit : r.fits) {
          iterations.push_back(fit.iterations);
          converged.push_back(fit.converged);
          loss.push_back(fit.loss);
          single.push_back(fit.single_source);
        }
        out["iterations"] = iterations;
        out["converged"] = converged;
        out["loss"] = loss;
        out["single_source"] = single;
        out["seconds"] = r.seconds;
        return out;
      },
      py::arg("A"), py::arg("B"), py::arg("mask"), py::arg("options"),
      py::arg("log") = py::none(), py::arg("progress") = py::none(),
      "Each target feature (column of A) as a mixture of source features (columns of B).");
}

}  // namespace nmfkit::python
