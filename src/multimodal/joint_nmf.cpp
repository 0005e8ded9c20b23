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

// Every modality in the element type T, as CSR when `sparse`: converted once, used for the
// joined matrix and again for the per-modality errors.
template <class T>
std::vector<AnyMatrix> converted(const MultiModalData& data, bool sparse) {
  std::vector<AnyMatrix> out;
  for (const auto& m : data.modalities) {
    AnyMatrix X = m.counts;
    X.convert(dtype_of<T>());
    if (sparse && !X.is_sparse())
      X = SparseMatrix<T>(std::get<DenseMatrix<T>>(X.storage()).sparseView());
    out.push_back(std::move(X));
  }
  return out;
}

// The side-by-side matrix [c_1·X_1, c_2·X_2, ...], row by row.
template <class T>
SparseMatrix<T> join_sparse(const std::vector<AnyMatrix>& blocks, Index rows,
                            const std::vector<double>& scale) {
  Index cols = 0, nonzeros = 0;
  for (const auto& X : blocks) cols += X.cols(), nonzeros += X.stored();
  SparseMatrix<T> joined(rows, cols);
  joined.reserve(nonzeros);
  for (Index r = 0; r < rows; ++r) {
    joined.startVec(r);
    Index offset = 0;
    for (std::size_t m = 0; m < blocks.size(); ++m) {
      const auto& X = std::get<SparseMatrix<T>>(blocks[m].storage());
      for (typename SparseMatrix<T>::InnerIterator it(X, r); it; ++it)
        joined.insertBack(r, offset + it.col()) = static_cast<T>(scale[m] * it.value());
      offset += X.cols();
    }
  }
  joined.finalize();
  return joined;
}

template <class T>
DenseMatrix<T> join_dense(const std::vector<AnyMatrix>& blocks, Index rows,
                          const std::vector<double>& scale) {
  Index cols = 0;
  for (const auto& X : blocks) cols += X.cols();
  DenseMatrix<T> joined(rows, cols);
  Index offset = 0;
  for (std::size_t m = 0; m < blocks.size(); ++m) {
    const auto& X = std::get<DenseMatrix<T>>(blocks[m].storage());
    joined.middleCols(offset, X.cols()) = X * static_cast<T>(scale[m]);
    offset += X.cols();
  }
  return joined;
}

template <class T>
double divergence(const AnyMatrix& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                  double beta) {
  if (X.is_sparse())
    return linalg::beta_divergence(std::get<SparseMatrix<T>>(X.storage()), W, H, beta);
  return linalg::beta_divergence(std::get<DenseMatrix<T>>(X.storage()), W, H, beta);
}

// c_m = w_m^(1/β) per modality (1 under Itakura-Saito, where every weight is 1).
std::vector<double> modality_scales(const JointNmfOptions& options, std::size_t n_modalities) {
  const double beta = options.nmf.beta_loss;
  std::vector<double> weight(n_modalities, 1.0);
  if (!options.weights.empty()) weight = options.weights;
  std::vector<double> scale;
  for (double w : weight) scale.push_back(beta == 0.0 ? 1.0 : std::pow(w, 1.0 / beta));
  return scale;
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
  const std::vector<double> scale = modality_scales(options, data.modalities.size());

  bool any_sparse = false;
  for (const auto& m : data.modalities) any_sparse |= m.counts.is_sparse();
  const std::vector<AnyMatrix> blocks = converted<T>(data, any_sparse);
  const Index rows = data.n_samples();
  NmfResult<T> joint;
  try {
    joint = any_sparse ? fit(join_sparse<T>(blocks, rows, scale), options.nmf, nullptr, progress)
                       : fit(join_dense<T>(blocks, rows, scale), options.nmf, nullptr, progress);
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
    const double d = divergence(blocks[m], result.W, H, beta);
    result.modality_errors.push_back(linalg::divergence_to_error(d));
    result.objective += weight[m] * d;
    result.H.push_back(std::move(H));
  }
  result.n_iter = joint.n_iter;
  result.converged = joint.converged;
  result.random_state = joint.random_state;
  result.warnings = std::move(joint.warnings);
  result.objective_history = std::move(joint.objective_history);
  return result;
}

template <class T>
TransformResult<T> transform_joint_nmf(const MultiModalData& data,
                                       const std::vector<DenseMatrix<T>>& H,
                                       const JointNmfOptions& options, const Progress& progress) {
  data.validate_non_negative();
  options.validate(data.modalities.size());
  if (H.size() != data.modalities.size())
    throw InvalidArgument("the data has " + std::to_string(data.modalities.size()) +
                          " modalities, the model " + std::to_string(H.size()));
  Index k = -1;
  for (std::size_t m = 0; m < H.size(); ++m) {
    const Modality& modality = data.modalities[m];
    if (modality.counts.cols() != H[m].cols())
      throw InvalidArgument("modality '" + modality.name + "' has " +
                            std::to_string(modality.counts.cols()) + " features, the model " +
                            std::to_string(H[m].cols()));
    if (k >= 0 && H[m].rows() != k)
      throw InvalidArgument("modality '" + modality.name + "': the components have " +
                            std::to_string(H[m].rows()) + " topics, the first modality's " +
                            std::to_string(k));
    k = H[m].rows();
  }
  const std::vector<double> scale = modality_scales(options, data.modalities.size());
  bool any_sparse = false;
  for (const auto& m : data.modalities) any_sparse |= m.counts.is_sparse();
  const std::vector<AnyMatrix> blocks = converted<T>(data, any_sparse);
  // The fit's joint components: [c_1·H_1, c_2·H_2, ...] (its H_m are the blocks / c_m).
  Index cols = 0;
  for (const auto& Hm : H) cols += Hm.cols();
  DenseMatrix<T> joined_H(k, cols);
  Index offset = 0;
  for (std::size_t m = 0; m < H.size(); ++m) {
    joined_H.middleCols(offset, H[m].cols()) = H[m] * static_cast<T>(scale[m]);
    offset += H[m].cols();
  }
  const Index rows = data.n_samples();
  try {
    return any_sparse ? transform(join_sparse<T>(blocks, rows, scale), joined_H, options.nmf,
                                  progress)
                      : transform(join_dense<T>(blocks, rows, scale), joined_H, options.nmf,
                                  progress);
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(std::string("joint NMF transform of the modalities side by side: ") +
                          e.what());
  }
}

template JointNmfResult<float> fit_joint_nmf(const MultiModalData&, const JointNmfOptions&,
                                             const Progress&);
template JointNmfResult<double> fit_joint_nmf(const MultiModalData&, const JointNmfOptions&,
                                              const Progress&);
template TransformResult<float> transform_joint_nmf(const MultiModalData&,
                                                    const std::vector<DenseMatrix<float>>&,
                                                    const JointNmfOptions&, const Progress&);
template TransformResult<double> transform_joint_nmf(const MultiModalData&,
                                                     const std::vector<DenseMatrix<double>>&,
                                                     const JointNmfOptions&, const Progress&);

}  // namespace nmfkit::multimodal
