#include "nmfkit/text/semantic_nmf.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"

namespace nmfkit::text {

template <class T>
SparseMatrix<T> semantic_stack(const SparseMatrix<T>& X, const SparseMatrix<double>& M,
                               double context_weight, double* scale) {
  if (M.cols() != X.cols()) {
    throw InvalidArgument("the word-context matrix has " + std::to_string(M.cols()) +
                          " columns but the document-term matrix has " +
                          std::to_string(X.cols()) + " words");
  }
  if (!(context_weight > 0) || !std::isfinite(context_weight)) {
    throw InvalidArgument("the context weight must be a finite number > 0, got " +
                          std::to_string(context_weight));
  }
  const double x_norm = static_cast<double>(X.template cast<double>().norm());
  const double m_norm = M.norm();
  if (x_norm == 0) throw InvalidArgument("the document-term matrix is all zero");
  if (m_norm == 0) throw InvalidArgument("the word-context matrix is all zero");
  const double s = std::sqrt(context_weight) * x_norm / m_norm;
  if (scale) *scale = s;

  // Row-major: the stacked matrix's arrays are X's followed by M's (scaled).
  SparseMatrix<T> top = X;
  SparseMatrix<double> bottom = M;
  top.makeCompressed();
  bottom.makeCompressed();
  SparseMatrix<T> stacked(X.rows() + M.rows(), X.cols());
  stacked.resizeNonZeros(top.nonZeros() + bottom.nonZeros());
  auto* outer = stacked.outerIndexPtr();
  auto* inner = stacked.innerIndexPtr();
  T* values = stacked.valuePtr();
  std::copy_n(top.outerIndexPtr(), X.rows() + 1, outer);
  std::copy_n(top.innerIndexPtr(), top.nonZeros(), inner);
  std::copy_n(top.valuePtr(), top.nonZeros(), values);
  for (Index i = 1; i <= M.rows(); ++i) {
    outer[X.rows() + i] = top.nonZeros() + bottom.outerIndexPtr()[i];
  }
  std::copy_n(bottom.innerIndexPtr(), bottom.nonZeros(), inner + top.nonZeros());
  for (Index e = 0; e < bottom.nonZeros(); ++e) {
    values[top.nonZeros() + e] = static_cast<T>(s * bottom.valuePtr()[e]);
  }
  return stacked;
}

namespace {

template <class T>
double relative_error(const SparseMatrix<T>& X, const DenseMatrix<T>& W, const DenseMatrix<T>& H) {
  const double norm = static_cast<double>(X.template cast<double>().norm());
  return linalg::divergence_to_error(linalg::beta_divergence(X, W, H, 2.0)) / norm;
}

}  // namespace

template <class T>
SemanticNmfResult<T> fit_semantic(const SparseMatrix<T>& X, const SparseMatrix<double>& M,
                                  double context_weight, const NmfOptions& options,
                                  const Progress& progress) {
  if (options.beta_loss != 2.0) {
    throw InvalidArgument("semantic NMF needs the Frobenius loss (beta_loss 2), got " +
                          beta_loss_name(options.beta_loss));
  }
  if (options.model != "standard") {
    throw InvalidArgument("semantic NMF factorises with the standard model, not '" +
                          options.model + "'");
  }
  SemanticNmfResult<T> out;
  const SparseMatrix<T> stacked = semantic_stack(X, M, context_weight, &out.context_scale);
  out.nmf = fit(stacked, options, nullptr, progress);

  const Index documents = X.rows();
  DenseMatrix<T> W = out.nmf.W.topRows(documents);
  out.contexts = out.nmf.W.bottomRows(M.rows()) / static_cast<T>(out.context_scale);
  out.nmf.W = std::move(W);
  out.document_error = relative_error(X, out.nmf.W, out.nmf.H);
  const SparseMatrix<T> context_matrix = M.cast<T>();
  out.context_error = relative_error(context_matrix, out.contexts, out.nmf.H);
  return out;
}

template SparseMatrix<float> semantic_stack(const SparseMatrix<float>&,
                                            const SparseMatrix<double>&, double, double*);
template SparseMatrix<double> semantic_stack(const SparseMatrix<double>&,
                                             const SparseMatrix<double>&, double, double*);
template SemanticNmfResult<float> fit_semantic(const SparseMatrix<float>&,
                                               const SparseMatrix<double>&, double,
                                               const NmfOptions&, const Progress&);
template SemanticNmfResult<double> fit_semantic(const SparseMatrix<double>&,
                                                const SparseMatrix<double>&, double,
                                                const NmfOptions&, const Progress&);

}  // namespace nmfkit::text
