#pragma once
// cNMF's consensus programs for one k together with cNMF's k-selection table around it: the
// pipeline behind `nmfkit consensus` and Python's nmfkit.consensus, so that both only
// translate arguments and present the result.

#include <string>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/select/cnmf_run.hpp"
#include "nmfkit/select/select_k.hpp"

namespace nmfkit::select {

template <class T>
struct ConsensusRun {
  CnmfResult<T> programs;          // the consensus programs at options.k
  Eigen::MatrixXd usage_fractions;  // samples × k: usages, each non-zero row scaled to sum 1
  Selection selection;             // cNMF's scores over the k-selection range
  std::string range;               // that range, as a k spec ("2:5")
};

// k_selection: the k of the selection table as a k spec (parse_k_spec); empty: k − 2 .. k + 2
// (from 2), cut at min(rows, columns). The replicates of both are the same fits (same seeds).
// The programs come first, so that a density threshold that drops too much fails before the
// k-selection runs. Throws InvalidArgument for a k or a given range above min(rows, columns)
// and for bad options.
template <class T>
ConsensusRun<T> consensus(const DenseMatrix<T>& X, const CnmfOptions& options,
                          const std::string& k_selection, const Progress& progress = {},
                          const ScoreCallback& on_score = {});
template <class T>
ConsensusRun<T> consensus(const SparseMatrix<T>& X, const CnmfOptions& options,
                          const std::string& k_selection, const Progress& progress = {},
                          const ScoreCallback& on_score = {});

}  // namespace nmfkit::select
