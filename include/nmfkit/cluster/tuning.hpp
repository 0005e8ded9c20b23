#pragma once
// Clustering samples by their embedding with every parameter chosen without labels:
//  1. neighbour lists once at the largest neighbour count;
//  2. the neighbour count κ (and diffusion steps t) minimising the noise2self loss of the
//     kernel R(A_κ) (DEWAKSS's grid);
//  3. Leiden on the symmetrised κ-graph for each resolution γ and seed; γ chosen by the
//     partition's two noise2self losses (DeePWAK's two partitioned kernels), averaged over
//     the seeds: the partition-masked kernel R(A_κ ⊙ [c_i = c_j]) (neighbours inside the
//     cluster predict) plus the leave-one-out cluster mean R([c_i = c_j]) (the whole cluster
//     predicts). Alone, the first only rises as the graph is cut (on noisy data such as text
//     it picks one cluster) and the second only falls (it picks the finest partition); their
//     sum asks a partition to be both a good summary and a cut that parts no close
//     neighbours (docs/clustering.md has the measurements);
//  4. at that γ, the seed whose partition has the highest modularity.
// Samples whose embedding row is all zero carry no position: they are left out of the graph
// and get cluster −1 (reported in `dropped`).

#include <cstdint>
#include <vector>

#include "nmfkit/cluster/kernel.hpp"
#include "nmfkit/cluster/knn.hpp"
#include "nmfkit/cluster/self_supervised_loss.hpp"
#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"

namespace nmfkit::cluster {

// The default grids.
std::vector<int> default_neighbor_grid(Index n);  // {5,7,10,15,20,30,50,75,100} below n
std::vector<double> log_grid(double low, double high, int count);
inline std::vector<double> default_resolution_grid() { return log_grid(0.05, 5.0, 20); }

// What chooses γ: both partition losses summed (the default), or one of them alone.
enum class PartitionCriterion { Both, Kernel, Centroid };
std::string to_string(PartitionCriterion criterion);
PartitionCriterion parse_partition_criterion(const std::string& name);  // both|kernel|centroid

struct ClusterOptions {
  Metric metric = Metric::Cosine;         // how rows of W are compared
  std::vector<double> column_scale;       // optional per-topic scale (row sums of H)
  Weighting weighting = Weighting::Exp;   // edge weights from distances
  std::vector<int> neighbors;             // κ grid; empty: default_neighbor_grid(n)
  int max_steps = 1;                      // diffusion steps tried, 1 .. max_steps (≤ 3)
  bool symmetrize_kernel = false;         // score the symmetrised graph instead of A
  std::vector<double> resolutions;        // γ grid; empty: default_resolution_grid()
  PartitionCriterion criterion = PartitionCriterion::Both;  // what γ is chosen by
  int seeds = 3;                          // Leiden runs per γ
  std::uint64_t seed = 0;                 // the runs use seed, seed + 1, ...
  double beta = 0.01;                     // Leiden's refinement randomness
  int max_rounds = 50;                    // Leiden rounds until the partition is stable
  KnnOptions knn;                         // exact or HNSW search
  bool keep_partitions = false;           // keep every Leiden run's membership (for reports)
  // Where each scored neighbour count and each Leiden run is saved as it completes, and
  // found again by a resumed run (core/checkpoint.hpp).
  const CheckpointStore* checkpoint = nullptr;
  // Throws InvalidArgument naming the parameter; n is the number of samples.
  void validate(Index n) const;
};

struct NeighborScore {
  int neighbors = 0;
  int steps = 1;
  LossStats loss;
};

struct ResolutionScore {
  double resolution = 0;
  std::uint64_t seed = 0;
  int clusters = 0;
  double loss = 0;           // noise2self loss of the partition-masked kernel
  double centroid_loss = 0;  // leave-one-out cluster mean loss
  double criterion = 0;      // what γ is chosen by (loss + centroid_loss by default)
  double modularity = 0;
  Index isolated = 0;        // samples with no neighbour left in their own cluster
  int rounds = 0;            // Leiden rounds until stable
  std::vector<int> membership;  // with keep_partitions: the run's partition of the kept rows
};

struct ClusterResult {
  std::vector<int> membership;  // one per input row; −1 for dropped rows; 0 = largest cluster
  std::vector<Index> dropped;   // rows whose embedding is all zero
  int neighbors = 0;            // chosen κ
  int steps = 1;                // chosen diffusion steps
  double resolution = 0;        // chosen γ
  std::uint64_t seed = 0;       // the seed whose partition was kept
  int clusters = 0;
  std::vector<Index> sizes;     // per cluster, largest first
  double modularity = 0;        // of the kept partition, at γ
  double seed_nmi = 1;          // mean pairwise agreement of the seeds' partitions at γ
  double seed_ari = 1;
  LossStats knn_loss;           // the chosen kernel R(A_κ)
  double partition_loss = 0;    // the kept partition's masked-kernel loss
  double mean_partition_loss = 0;  // its mean over the seeds
  double mean_criterion = 0;       // the criterion at γ*, mean over the seeds
  std::vector<NeighborScore> neighbor_grid;
  std::vector<ResolutionScore> resolution_grid;
  double knn_seconds = 0;
  double neighbor_seconds = 0;
  double leiden_seconds = 0;
};

// W: samples × topics (non-negative); Y: the data the loss is measured on, samples ×
// features, already stabilised (see stabilize), with as many rows as W. Throws
// InvalidArgument for mismatched rows, too few samples for the neighbour counts, or bad
// options; Cancelled between two scored units when progress asks. Reports the neighbour
// counts scored, then the Leiden runs, as steps of "cluster".
ClusterResult cluster_samples(const DenseMatrix<double>& W, const SparseMatrix<double>& Y,
                              const ClusterOptions& options, const Progress& progress = {});

}  // namespace nmfkit::cluster
