// nmfkit::check_ssc, near_anchors and identifiability for NumPy arrays.

#include "nmfkit/nmf/identifiability.hpp"

#include "bindings.hpp"

namespace nmfkit::python {

namespace {

SscOptions ssc_options(double tolerance, std::size_t max_rays) {
  SscOptions o;
  o.tolerance = tolerance;
  o.max_rays = max_rays;
  return o;
}

py::dict ssc_dict(const SscReport& r) {
  py::dict out;
  out["verdict"] = to_string(r.verdict);
  out["max_norm"] = r.max_norm;
  out["certificate"] = r.certificate;
  out["reason"] = r.reason;
  out["nonzero_points"] = r.points;
  out["vertices"] = r.vertices;
  return out;
}

py::dict anchor_dict(const AnchorReport& r) {
  py::dict out;
  out["separable"] = r.separable;
  out["tolerance"] = r.tolerance;
  out["anchor"] = r.anchor;
  out["distance"] = r.distance;
  return out;
}

}  // namespace

void bind_identifiability(py::module_& m) {
  m.def(
      "check_ssc",
      [](const py::array& F, double tolerance, std::size_t max_rays) {
        const DenseMatrix<double> points = to_dense<double>(F, "F");
        SscReport r;
        {
          py::gil_scoped_release release;
          r = check_ssc(points, ssc_options(tolerance, max_rays));
        }
        return ssc_dict(r);
      },
      py::arg("F"), py::arg("tolerance"), py::arg("max_rays"));
  m.def(
      "near_anchors",
      [](const py::array& F, double tolerance) {
        return anchor_dict(near_anchors(to_dense<double>(F, "F"), tolerance));
      },
      py::arg("F"), py::arg("tolerance"));
  m.def(
      "identifiability",
      [](const py::array& W, const py::array& H, double tolerance, std::size_t max_rays,
         double anchor_tolerance) {
        const DenseMatrix<double> w = to_dense<double>(W, "W");
        const DenseMatrix<double> h = to_dense<double>(H, "H");
        IdentifiabilityReport r;
        {
          py::gil_scoped_release release;
          r = identifiability(w, h, ssc_options(tolerance, max_rays), anchor_tolerance);
        }
        py::dict out;
        for (const FactorIdentifiability* f : {&r.W, &r.H}) {
          py::dict d;
          d["ssc"] = ssc_dict(f->ssc);
          d["separability"] = anchor_dict(f->anchors);
          out[f->factor.c_str()] = d;
        }
        out["unique"] = r.unique;
        return out;
      },
      py::arg("W"), py::arg("H"), py::arg("tolerance"), py::arg("max_rays"),
      py::arg("anchor_tolerance"));
}

}  // namespace nmfkit::python
