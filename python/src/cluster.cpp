// Clustering samples by their topics (cluster/cluster_topics.hpp) and the label agreement
// scores (cluster/agreement.hpp) for nmfkit.clustering.

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/cluster/cluster_topics.hpp"

namespace nmfkit::python {

namespace {

cluster::ClusterOptions cluster_options_from(const py::dict& d) {
  cluster::ClusterOptions o;
  o.metric = cluster::parse_metric(d["metric"].cast<std::string>());
  o.weighting = cluster::parse_weighting(d["weighting"].cast<std::string>());
  if (!d["neighbors"].is_none()) o.neighbors = d["neighbors"].cast<std::vector<int>>();
  o.max_steps = d["steps"].cast<int>();
  o.symmetrize_kernel = d["symmetrize_kernel"].cast<bool>();
  if (!d["resolutions"].is_none()) o.resolutions = d["resolutions"].cast<std::vector<double>>();
  o.seeds = d["seeds"].cast<int>();
  o.seed = d["seed"].cast<std::uint64_t>();
  o.beta = d["beta"].cast<double>();
  o.knn.method = cluster::parse_knn_method(d["knn"].cast<std::string>());
  o.validate(std::numeric_limits<Index>::max());
  return o;
}

py::dict result_to_python(const cluster::ClusterResult& r) {
  py::dict out;
  out["labels"] = r.membership;
  out["dropped"] = r.dropped;
  out["neighbors"] = r.neighbors;
  out["steps"] = r.steps;
  out["resolution"] = r.resolution;
  out["seed"] = r.seed;
  out["n_clusters"] = r.clusters;
  out["sizes"] = r.sizes;
  out["modularity"] = r.modularity;
  out["seed_nmi"] = r.seed_nmi;
  out["seed_ari"] = r.seed_ari;
  out["knn_loss"] = r.knn_loss.loss;
  out["partition_loss"] = r.partition_loss;
  out["criterion_loss"] = r.mean_criterion;
  py::dict neighbors, resolutions;
  std::vector<int> n_neighbors, n_steps;
  std::vector<double> loss, baseline, r2;
  for (const auto& s : r.neighbor_grid) {
    n_neighbors.push_back(s.neighbors);
    n_steps.push_back(s.steps);
    loss.push_back(s.loss.loss);
    baseline.push_back(s.loss.baseline);
    r2.push_back(s.loss.r2);
  }
  neighbors["neighbors"] = n_neighbors;
  neighbors["steps"] = n_steps;
  neighbors["loss"] = loss;
  neighbors["predict_zero"] = baseline;
  neighbors["r2"] = r2;
  std::vector<double> gamma, masked, centroid, criterion, modularity;
  std::vector<std::uint64_t> seeds;
  std::vector<int> clusters;
  for (const auto& s : r.resolution_grid) {
    gamma.push_back(s.resolution);
    seeds.push_back(s.seed);
    clusters.push_back(s.clusters);
    masked.push_back(s.loss);
    centroid.push_back(s.centroid_loss);
    criterion.push_back(s.criterion);
    modularity.push_back(s.modularity);
  }
  resolutions["resolution"] = gamma;
  resolutions["seed"] = seeds;
  resolutions["clusters"] = clusters;
  resolutions["loss"] = masked;
  resolutions["centroid_loss"] = centroid;
  resolutions["criterion"] = criterion;
  resolutions["modularity"] = modularity;
  out["neighbor_grid"] = neighbors;
  out["resolution_grid"] = resolutions;
  return out;
}

}  // namespace

void bind_cluster(py::module_& m) {
  m.def(
      "cluster_topics",
      [](const py::array& W, const py::object& data, const py::object& H, const py::dict& options,
         const std::string& partition_loss, const std::string& data_transform, bool scale_rows,
         const py::object& progress) {
        const cluster::ClusterOptions o = cluster_options_from(options);
        cluster::StabilizeOptions stabilizing;
        stabilizing.transform = cluster::parse_stabilizer(data_transform);
        stabilizing.scale_rows = scale_rows;
        std::optional<cluster::PartitionCriterion> criterion;
        if (partition_loss != "auto") criterion = cluster::parse_partition_criterion(partition_loss);
        const DenseMatrix<double> embedding = to_dense<double>(W, "W");
        std::optional<SparseMatrix<double>> X;
        if (!data.is_none()) {
          X = is_scipy_sparse(data) ? to_sparse<double>(data, "X")
                                    : SparseMatrix<double>(
                                          to_dense<double>(data.cast<py::array>(), "X").sparseView());
        }
        std::optional<DenseMatrix<double>> topics;
        if (!H.is_none()) topics = to_dense<double>(H.cast<py::array>(), "H");
        const Progress steps = make_progress(py::none(), progress);
        return result_to_python(without_gil([&] {
          return cluster::cluster_topics(embedding, X ? &*X : nullptr, topics ? &*topics : nullptr,
                                         o, stabilizing, criterion, steps);
        }));
      },
      py::arg("W"), py::arg("X"), py::arg("H"), py::arg("options"), py::arg("partition_loss"),
      py::arg("data_transform"), py::arg("scale_rows"), py::arg("progress") = py::none(),
      "Clusters the rows of W by their topics (cluster/cluster_topics.hpp).");
  m.def("label_scores", [](const std::vector<int>& truth, const std::vector<int>& predicted) {
    if (truth.size() != predicted.size()) {
      throw InvalidArgument("there are " + std::to_string(truth.size()) + " labels for " +
                            std::to_string(predicted.size()) + " samples");
    }
    py::dict out;
    out["nmi"] = cluster::normalized_mutual_information(truth, predicted);
    out["ari"] = cluster::adjusted_rand_index(truth, predicted);
    out["purity"] = cluster::purity(truth, predicted);
    return out;
  });
}

}  // namespace nmfkit::python
