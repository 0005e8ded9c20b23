#include "nmfkit/select/consensus_run.hpp"

#include <algorithm>

#include "nmfkit/core/error.hpp"

namespace nmfkit::select {

namespace {

template <class T, class Matrix>
ConsensusRun<T> run(const Matrix& X, const CnmfOptions& options, const std::string& k_selection,
                    const Progress& progress, const ScoreCallback& on_score) {
  options.validate();
  SelectOptions selecting;
  selecting.method = Method::Cnmf;
  ConsensusRun<T> out;
  out.range = k_selection.empty() ? std::to_string(std::max<Index>(2, options.k - 2)) + ":" +
                                        std::to_string(options.k + 2)
                                  : k_selection;
  selecting.k = parse_k_spec(out.range);
  selecting.consensus.restarts = options.replicates;
  selecting.nmf = options.nmf;
  selecting.seed = options.seed;
  selecting.checkpoint = options.checkpoint;
  selecting.validate();

  const Index limit = std::min(X.rows(), X.cols());
  if (options.k > limit) {
    throw InvalidArgument("consensus k = " + std::to_string(options.k) +
                          " is above min(rows, columns) = " + std::to_string(limit));
  }
  if (!selecting.k.search && selecting.k.ks.back() > limit) {
    // The default range stops at what the data allow; a given range is the caller's to fix.
    if (!k_selection.empty()) {
      throw InvalidArgument("k selection range " + k_selection + ": k = " +
                            std::to_string(selecting.k.ks.back()) +
                            " is above min(rows, columns) = " + std::to_string(limit));
    }
    while (!selecting.k.ks.empty() && selecting.k.ks.back() > limit) selecting.k.ks.pop_back();
  }

  out.programs = cnmf(X, options, progress);
  out.selection = select_k(X, EntryWeights<T>(), selecting, progress, on_score);
  out.usage_fractions = out.programs.usages;
  for (Index r = 0; r < out.usage_fractions.rows(); ++r) {
    const double total = out.usage_fractions.row(r).sum();
    if (total > 0) out.usage_fractions.row(r) /= total;
  }
  return out;
}

}  // namespace

template <class T>
ConsensusRun<T> consensus(const DenseMatrix<T>& X, const CnmfOptions& options,
                          const std::string& k_selection, const Progress& progress,
                          const ScoreCallback& on_score) {
  return run<T>(X, options, k_selection, progress, on_score);
}
template <class T>
ConsensusRun<T> consensus(const SparseMatrix<T>& X, const CnmfOptions& options,
                          const std::string& k_selection, const Progress& progress,
                          const ScoreCallback& on_score) {
  return run<T>(X, options, k_selection, progress, on_score);
}

template ConsensusRun<float> consensus(const DenseMatrix<float>&, const CnmfOptions&,
                                       const std::string&, const Progress&, const ScoreCallback&);
template ConsensusRun<double> consensus(const DenseMatrix<double>&, const CnmfOptions&,
                                        const std::string&, const Progress&, const ScoreCallback&);
template ConsensusRun<float> consensus(const SparseMatrix<float>&, const CnmfOptions&,
                                       const std::string&, const Progress&, const ScoreCallback&);
template ConsensusRun<double> consensus(const SparseMatrix<double>&, const CnmfOptions&,
                                        const std::string&, const Progress&, const ScoreCallback&);

}  // namespace nmfkit::select
