#pragma once
// `fit`'s choice of factorisation beyond the standard model (nmfkit/nmf/models.hpp):
// --model, --graph and --graph-weight.

#include <string>

#include <CLI/CLI.hpp>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit::cli {

struct ModelFlags {
  std::string model = "standard";
  std::string graph;  // FILE or knn:K; empty: none
  double graph_weight = 1.0;

  void add_to(CLI::App& command);
  // The options with the model and graph weight set (the graph itself comes from
  // sample_graph and is set by the caller, who owns it).
  void apply(NmfOptions& options) const;
};

// The graph over the samples of X that --graph describes: a matrix file (any format
// read_input reads; dense ones become sparse), or knn:K, the K nearest neighbours of each
// sample by cosine distance (cluster/knn.hpp), 0/1 weights, made undirected. Checks of
// size and sign are the library's (fit).
template <class Matrix>
SparseMatrix<double> sample_graph(const std::string& spec, const Matrix& X);

}  // namespace nmfkit::cli
