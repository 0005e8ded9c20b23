#pragma once
// Clustering samples by their topics, shared by `nmfkit cluster` and `nmfkit topics
// --cluster`: the flags, the run (with its printed report and summary.json section) and the
// files it writes (clusters.tsv, tuning.tsv, loss.svg).

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "nmfkit/cluster/tuning.hpp"
#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/io/atomic_file.hpp"

namespace nmfkit::cli {

struct ClusterFlags {
  std::string metric = "cosine";
  std::string weighting = "exp";
  std::vector<int> neighbors;      // empty: the default grid below n
  int steps = 1;
  bool symmetrize_kernel = false;
  std::vector<double> resolutions; // empty: 20 log-spaced in [0.05, 5]
  std::string criterion = "auto";  // both, or kernel when the data are the embedding itself
  int seeds = 3;
  std::uint64_t seed = 0;
  double beta = 0.01;
  std::string knn = "auto";
  std::string transform = "sqrt";
  bool no_scale_rows = false;

  void add_to(CLI::App& command);
  cluster::ClusterOptions options() const;
  cluster::StabilizeOptions stabilize_options() const;
};

struct ClusterRun {
  cluster::ClusterResult result;
  nlohmann::json summary;
  std::string report;  // printed once everything is written
  // With labels: each Leiden run's NMI with them (tuning.tsv's label_nmi), for reading the
  // curves only; empty without labels.
  std::vector<double> run_label_nmi;
  // samples × 2: the first two principal components of the samples' topic proportions
  // (coordinates.tsv, the report's 2-D view).
  DenseMatrix<double> coordinates;
};

// W: samples × topics; Y: the stabilised data (W's rows again when there are no data);
// labels: one per sample or empty; what_data / what_embedding name the sources; progress:
// where a cancellation is asked for.
ClusterRun run_clustering(const DenseMatrix<double>& W, const SparseMatrix<double>& Y,
                          const cluster::ClusterOptions& options, const std::vector<int>& labels,
                          const nlohmann::json& sources, const Progress& progress = {});

// clusters.tsv (sample, cluster), coordinates.tsv (sample, pc1, pc2), tuning.tsv and loss.svg
// into the staged directory.
void write_clustering(const io::StagedDirectory& staged, const ClusterRun& run,
                      const std::vector<std::string>& names);

}  // namespace nmfkit::cli
