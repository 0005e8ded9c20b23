#pragma once
// Clustering samples by their topic proportions, as `nmfkit cluster` and Python's
// nmfkit.cluster do it: the data the noise2self loss is measured on (the samples' own data,
// variance-stabilised, or the embedding itself), the topics scaled by their mass in the data,
// and the criterion that chooses Leiden's resolution when none is asked for; then
// cluster_samples (tuning.hpp).

#include <optional>

#include "nmfkit/cluster/self_supervised_loss.hpp"
#include "nmfkit/cluster/tuning.hpp"
#include "nmfkit/core/matrix.hpp"

namespace nmfkit::cluster {

// The leave-one-out cluster mean is a held-out prediction only when the partition does not
// follow the very values it predicts. When the data are the embedding, Leiden groups the
// samples by those values, every cut lowers the within-cluster scatter by construction, and
// the centroid loss falls to the finest partition: only the masked kernel scores there.
PartitionCriterion default_criterion(bool data_is_embedding);

// The row sums of H (topics × features): each topic's scale in the samples' units, so that
// the embedding W·diag(scale) compares samples by how much of their data each topic explains.
std::vector<double> topic_scale(const DenseMatrix<double>& H);

// W: samples × topics. data: samples × features (raw, non-negative), or null when the data
// are the embedding itself. H: topics × features, or null to use W as it is (any
// options.column_scale is then kept). criterion: null for default_criterion. progress: as
// cluster_samples reports it. Throws
// InvalidArgument for shapes that do not match and for bad options.
ClusterResult cluster_topics(const DenseMatrix<double>& W, const SparseMatrix<double>* data,
                             const DenseMatrix<double>* H, ClusterOptions options,
                             const StabilizeOptions& stabilizing,
                             std::optional<PartitionCriterion> criterion = {},
                             const Progress& progress = {});

}  // namespace nmfkit::cluster
