#pragma once
// Leiden community detection through igraph 0.10, with the modularity objective: node
// weights = strengths and igraph's resolution parameter = γ/(2m), which makes the reported
// quality igraph's modularity at resolution γ. igraph's own iteration count does not run to
// convergence, so rounds are repeated from the last partition until it stops changing.
// The Debian igraph is not thread-safe: every call into it here is serialised.

#include <cstdint>
#include <memory>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::cluster {

// An undirected weighted graph from a symmetric affinity matrix (the upper triangle is read;
// the diagonal is ignored).
class Graph {
 public:
  explicit Graph(const SparseMatrix<double>& symmetric);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  Index vertices() const;
  Index edges() const;
  double total_weight() const;  // m, the sum of the edge weights

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct LeidenOptions {
  double resolution = 1.0;  // γ > 0: larger gives more, smaller clusters
  double beta = 0.01;       // randomness of the refinement step
  int max_rounds = 50;      // rounds of igraph's Leiden, each started from the last partition
  std::uint64_t seed = 0;   // igraph's RNG seed: the same seed gives the same partition
  void validate() const;    // throws InvalidArgument naming the parameter
};

struct LeidenResult {
  std::vector<int> membership;  // cluster per vertex, 0 .. clusters − 1
  int clusters = 0;
  double quality = 0;  // modularity at γ, as igraph reports it
  int rounds = 0;
  bool converged = false;  // the last round left the partition unchanged
};

LeidenResult leiden(const Graph& graph, const LeidenOptions& options);

// igraph_modularity of a partition at resolution γ (NaN for a graph without edges).
double modularity(const Graph& graph, const std::vector<int>& membership, double resolution);

}  // namespace nmfkit::cluster
