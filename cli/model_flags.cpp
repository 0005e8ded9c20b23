#include "model_flags.hpp"

#include "common.hpp"
#include "nmfkit/cluster/kernel.hpp"
#include "nmfkit/cluster/knn.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::cli {

void ModelFlags::add_to(CLI::App& command) {
  command
      .add_option("--model", model,
                  "standard: W, H >= 0; semi: semi-NMF, X of any sign, H >= 0 and W free (Ding, "
                  "Li & Jordan); symmetric: X square and symmetric, X ~ W Wt with W >= 0 "
                  "(Kuang, Ding & Park), communities.tsv from W; deep: deep NMF X ~ W_L H_L ... "
                  "H_1 (Trigeorgis et al.) with --k K1,K2,... (one rank per layer, strictly "
                  "decreasing), every layer written as W_i.npy, H_i.npy")
      ->check(CLI::IsMember({"standard", "semi", "symmetric", "deep"}))
      ->capture_default_str();
  command.add_option("--graph", graph,
                     "graph-regularised NMF (GNMF, Cai et al.): a samples x samples adjacency "
                     "matrix file, or knn:K for the K nearest neighbours of each sample");
  command
      .add_option("--graph-weight", graph_weight,
                  "--graph: weight lambda of the graph term lambda/2 tr(Wt L W)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

void ModelFlags::apply(NmfOptions& options) const {
  options.model = model;
  options.graph_weight = graph_weight;
  // --model deep --k K: a single layer.
  if (model == "deep" && options.layer_ranks.empty() && options.n_components) {
    options.layer_ranks = {*options.n_components};
  }
}

namespace {
int parse_neighbours(const std::string& text) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1 || value > 1000000) {
    throw InvalidArgument("--graph knn:K needs a whole number K >= 1, got '" + text + "'");
  }
  return static_cast<int>(value);
}
}  // namespace

template <class Matrix>
SparseMatrix<double> sample_graph(const std::string& spec, const Matrix& X) {
  if (spec.rfind("knn:", 0) == 0) {
    const int k = parse_neighbours(spec.substr(4));
    if (k >= X.rows()) {
      throw InvalidArgument("--graph " + spec + ": X has only " + std::to_string(X.rows()) +
                            " samples, so K must be below " + std::to_string(X.rows()));
    }
    const DenseMatrix<double> rows = DenseMatrix<double>(X.template cast<double>());
    const auto knn = cluster::nearest_neighbors(cluster::embed(rows, cluster::Metric::Cosine), k);
    return cluster::symmetrize(cluster::affinity(knn, k, cluster::Weighting::Binary));
  }
  AnyMatrix graph = read_input(spec, "float64");
  if (graph.is_sparse()) return std::get<SparseMatrix<double>>(graph.storage());
  return std::get<DenseMatrix<double>>(graph.storage()).sparseView();
}

template SparseMatrix<double> sample_graph(const std::string&, const DenseMatrix<float>&);
template SparseMatrix<double> sample_graph(const std::string&, const DenseMatrix<double>&);
template SparseMatrix<double> sample_graph(const std::string&, const SparseMatrix<float>&);
template SparseMatrix<double> sample_graph(const std::string&, const SparseMatrix<double>&);

}  // namespace nmfkit::cli
