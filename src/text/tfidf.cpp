#include "tfidf.hpp"

#include <cmath>

namespace nmfkit::text::detail {

template <class T>
Vector<T> inverse_document_frequency(const std::vector<std::int64_t>& document_frequency,
                                     Index n_documents, bool smooth) {
  // NumPy evaluates n / df with n a Python int and df an array of T: in T.
  const T n = static_cast<T>(n_documents + (smooth ? 1 : 0));
  Vector<T> idf(static_cast<Index>(document_frequency.size()));
  for (Index j = 0; j < idf.size(); ++j) {
    T df = static_cast<T>(document_frequency[static_cast<std::size_t>(j)]);
    if (smooth) df += T(1);
    idf[j] = std::log(n / df) + T(1);
  }
  return idf;
}

template <class T>
void weight_tfidf(SparseMatrix<T>& X, const Vector<T>& idf, bool sublinear_tf, Norm norm) {
  const std::int64_t* outer = X.outerIndexPtr();
  const std::int64_t* inner = X.innerIndexPtr();
  T* values = X.valuePtr();
  const bool use_idf = idf.size() > 0;
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < X.rows(); ++i) {
    const std::int64_t begin = outer[i];
    const std::int64_t end = outer[i + 1];
    for (std::int64_t k = begin; k < end; ++k) {
      T v = values[k];
      if (sublinear_tf) v = std::log(v) + T(1);
      if (use_idf) v *= idf[inner[k]];
      values[k] = v;
    }
    if (norm == Norm::None) continue;
    // scikit-learn's normalize() sums in double whatever the element type; a float32
    // square is rounded to float before it is added.
    double sum = 0;
    for (std::int64_t k = begin; k < end; ++k) {
      sum += norm == Norm::L2 ? static_cast<double>(values[k] * values[k])
                              : std::fabs(static_cast<double>(values[k]));
    }
    if (sum == 0) continue;
    if (norm == Norm::L2) sum = std::sqrt(sum);
    for (std::int64_t k = begin; k < end; ++k) {
      values[k] = static_cast<T>(static_cast<double>(values[k]) / sum);
    }
  }
}

template Vector<float> inverse_document_frequency<float>(const std::vector<std::int64_t>&,
                                                         Index, bool);
template Vector<double> inverse_document_frequency<double>(const std::vector<std::int64_t>&,
                                                           Index, bool);
template void weight_tfidf<float>(SparseMatrix<float>&, const Vector<float>&, bool, Norm);
template void weight_tfidf<double>(SparseMatrix<double>&, const Vector<double>&, bool, Norm);

}  // namespace nmfkit::text::detail
