#pragma once
// A structure plot, as fastTopics draws one: each document (or sample) is a thin vertical
// bar stacked from its topic proportions, documents side by side grouped by a label or
// cluster, and sorted within their group (by dominant topic, then by its share) so that
// the groups' topic make-up shows as blocks of colour.

#include <cstddef>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::report {

struct StructurePlotOptions {
  std::string title;
  int width = 960;                    // pixels, at least 300
  int plot_height = 220;              // pixels of the bars, at least 60
  std::size_t max_documents = 2000;   // more are thinned evenly (sampling.hpp); 0: all
};

// The documents of a structure plot from left to right: grouped, groups in order (by
// number when every group name is an integer, else by name), sorted within each group,
// then thinned to max_documents. Exposed for tests.
std::vector<std::size_t> structure_order(const DenseMatrix<double>& proportions,
                                         const std::vector<std::string>& groups,
                                         std::size_t max_documents);

// `proportions`: documents × topics, non-negative (rows are scaled to sum to 1; a row of
// zeros draws no bar). `groups`: one name per document, or empty to group by dominant
// topic. `topic_names`: the legend, one per topic (empty: "topic i"). Throws
// InvalidArgument when the sizes disagree.
std::string structure_plot_svg(const DenseMatrix<double>& proportions,
                               const std::vector<std::string>& groups,
                               const std::vector<std::string>& topic_names,
                               const StructurePlotOptions& options);

}  // namespace nmfkit::report
