#include "nmfkit/cluster/cluster_topics.hpp"

#include <string>

#include "nmfkit/core/error.hpp"

namespace nmfkit::cluster {

PartitionCriterion default_criterion(bool data_is_embedding) {
  return data_is_embedding ? PartitionCriterion::Kernel : PartitionCriterion::Both;
}

std::vector<double> topic_scale(const DenseMatrix<double>& H) {
  std::vector<double> scale;
  for (Index t = 0; t < H.rows(); ++t) scale.push_back(H.row(t).sum());
  return scale;
}

ClusterResult cluster_topics(const DenseMatrix<double>& W, const SparseMatrix<double>* data,
                             const DenseMatrix<double>* H, ClusterOptions options,
                             const StabilizeOptions& stabilizing,
                             std::optional<PartitionCriterion> criterion,
                             const Progress& progress) {
  if (data && data->rows() != W.rows()) {
    throw InvalidArgument("the data have " + std::to_string(data->rows()) +
                          " rows (samples) but the embedding has " + std::to_string(W.rows()));
  }
  if (H) {
    if (H->rows() != W.cols()) {
      throw InvalidArgument("H has " + std::to_string(H->rows()) + " rows (topics) but W has " +
                            std::to_string(W.cols()) + " columns");
    }
    options.column_scale = topic_scale(*H);
  }
  options.criterion = criterion.value_or(default_criterion(data == nullptr));
  const SparseMatrix<double> Y =
      stabilize(data ? *data : SparseMatrix<double>(W.sparseView()), stabilizing);
  return cluster_samples(W, Y, options, progress);
}

}  // namespace nmfkit::cluster
