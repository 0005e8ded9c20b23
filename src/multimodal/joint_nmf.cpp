#include "nmfkit/multimodal/joint_nmf.hpp"

#include <cmath>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::multimodal {

void JointNmfOptions::validate(std::size_t n_modalities) const {
  nmf.validate();
  if (weights.empty()) return;
  if (weights.size() != n_modalities)
    throw InvalidArgument("weights: " + std::to_string(weights.size()) + " given for " +
                          std::to_string(n_modalities) + " modalities");
  for (double w : weights) {
    if (!(w > 0) || !std::isfinite(w))
      throw InvalidArgument("weights: " + std::to_string(w) + " is not a finite number > 0");
    if (w != 1.0 && nmf.beta_loss == 0.0)
      throw InvalidArgument(
          "weights: the Itakura-Saito loss (beta_loss = 0) is scale invariant, so modality "
          "weights other than 1 cannot be used with it");
  }
}

namespace {

template <class T>
SparseMatrix<T> as_sparse(const AnyMatrix& matrix) {
  AnyMatrix converted = matrix;
  converted.convert(dtype_of<T>());
  return converted.visit([](const auto& m) -> SparseMatrix<T> {
    using M = std::decay_t<decltype(m)>;
    if constexpr (std::is_same_v<M, SparseMatrix<T>>)
      return m;
    else if constexpr (std::is_same_v<M, DenseMatrix<T>>)
      return m.sparseView();
    else
      throw std::logic_error("convert() left another element type");
  });
}

template <class T>
DenseMatrix<T> as_dense(const AnyMatrix& matrix) {
  AnyMatrix converted = matrix;
  converted.convert(dtype_of<T>());
  return std::get<DenseMatrix<T>>(converted.storage());
}

// The side-by-side matrix [c_1·X_1, c_2·X_2, ...].
template <class T>
SparseMatrix<T> join_sparse(const MultiModalData& data, const std::vector<double>& scale) {
  std::vector<Eigen::Triplet<T, std::int64_t>> entries;
  Index offset = 0;
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const SparseMatrix<T> X = as_sparse<T>(data.modalities[m].counts);
    for (Index r = 0; r < X.outerSize(); ++r)
      for (typename SparseMatrix<T>::InnerIterator it(X, r); it; ++it)
        entries.emplace_back(r, offset + it.col(), static_cast<T>(scale[m] * it.value()));
    offset += X.cols();
  }
  SparseMatrix<T> joined(data.n_samples(), offset);
  joined.setFromTriplets(entries.begin(), entries.end());
  return joined;
}

template <class T>
DenseMatrix<T> join_dense(const MultiModalData& data, const std::vector<double>& scale) {
  Index total = 0;
  for (const auto& m : data.modalities) total += m.counts.cols();
  DenseMatrix<T> joined(data.n_samples(), total);
  Index offset = 0;
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const DenseMatrix<T> X = as_dense<T>(data.modalities[m].counts);
    joined.middleCols(offset, X.cols()) = X * static_cast<T>(scale[m]);
    offset += X.cols();
  }
  return joined;
}

template <class T>
double modality_divergence(const AnyMatrix& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                           double beta) {
  if (X.is_sparse()) return linalg::beta_divergence(as_sparse<T>(X), W, H, beta);
  return linalg::beta_divergence(as_dense<T>(X), W, H, beta);
}

}  // namespace

template <class T>
JointNmfResult<T> fit_joint_nmf(const MultiModalData& data, const JointNmfOptions& options,
                                const Progress& progress) {
  data.validate_non_negative();
  options.validate(data.modalities.size());
  const double beta = options.nmf.beta_loss;
  std::vector<double> weight(data.modalities.size(), 1.0);
  if (!options.weights.empty()) weight = options.weights;
  std::vector<double> scale;
  for (double w : weight) scale.push_back(beta == 0.0 ? 1.0 : std::pow(w, 1.0 / beta));

  bool any_sparse = false;
  for (const auto& m : data.modalities) any_sparse |= m.counts.is_sparse();
  NmfResult<T> joint;
  try {
    joint = any_sparse ? fit(join_sparse<T>(data, scale), options.nmf, nullptr, progress)
                       : fit(join_dense<T>(data, scale), options.nmf, nullptr, progress);
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(std::string("joint NMF of the modalities side by side: ") + e.what());
  }

  JointNmfResult<T> result;
  result.W = std::move(joint.W);
  Index offset = 0;
  for (std::size_t m = 0; m < data.modalities.size(); ++m) {
    const Index cols = data.modalities[m].counts.cols();
    DenseMatrix<T> H = joint.H.middleCols(offset, cols) / static_cast<T>(scale[m]);
    offset += cols;
    const double divergence = modality_divergence(data.modalities[m].counts, result.W, H, beta);
    result.modality_errors.push_back(linalg::divergence_to_error(divergence));
    result.objective += weight[m] * divergence;
    result.H.push_back(std::move(H));
  }
  result.n_iter = joint.n_iter;
  result.converged = joint.converged;
  result.random_state = joint.random_state;
  result.warnings = std::move(joint.warnings);
  result.objective_history = std::move(joint.objective_history);
  return result;
}

template JointNmfResult<float> fit_joint_nmf(const MultiModalData&, const JointNmfOptions&,
                                             const Progress&);
template JointNmfResult<double> fit_joint_nmf(const MultiModalData&, const JointNmfOptions&,
                                              const Progress&);

}  // namespace nmfkit::multimodal
