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
void weight_tfidf_row(const std::int64_t* columns, T* values, std::int64_t n, const Vector<T>& idf,
                      bool sublinear_tf, Norm norm) {
  const bool use_idf = idf.size() > 0;
  for (std::int64_t k = 0; k < n; ++k) {
    T v = values[k];
    if (sublinear_tf) v = std::log(v) + T(1);
    if (use_idf) v *= idf[columns[k]];
    values[k] = v;
  }
  if (norm == Norm::None) return;
  // scikit-learn's normalize() sums in double whatever the element type; a float32
  // square is rounded to float before it is added.
  double sum = 0;
  for (std::int64_t k = 0; k < n; ++k) {
    sum += norm == Norm::L2 ? static_cast<double>(values[k] * values[k])
                            : std::fabs(static_cast<double>(values[k]));
  }
  if (sum == 0) return;
  if (norm == Norm::L2) sum = std::sqrt(sum);
  for (std::int64_t k = 0; k < n; ++k) {
    values[k] = static_cast<T>(static_cast<double>(values[k]) / sum);
  }
}

template <class T>
void weight_tfidf(SparseMatrix<T>& X, const Vector<T>& idf, bool sublinear_tf, Norm norm) {
  const std::int64_t* outer = X.outerIndexPtr();
  const std::int64_t* inner = X.innerIndexPtr();
  T* values = X.valuePtr();
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < X.rows(); ++i) {
    weight_tfidf_row(inner + outer[i], values + outer[i], outer[i + 1] - outer[i], idf,
                     sublinear_tf, norm);
  }
}

template Vector<float> inverse_document_frequency<float>(const std::vector<std::int64_t>&,
                                                         Index, bool);
template Vector<double> inverse_document_frequency<double>(const std::vector<std::int64_t>&,
                                                           Index, bool);
template void weight_tfidf_row<float>(const std::int64_t*, float*, std::int64_t,
                                      const Vector<float>&, bool, Norm);
template void weight_tfidf_row<double>(const std::int64_t*, double*, std::int64_t,
                                       const Vector<double>&, bool, Norm);
template void weight_tfidf<float>(SparseMatrix<float>&, const Vector<float>&, bool, Norm);
template void weight_tfidf<double>(SparseMatrix<double>&, const Vector<double>&, bool, Norm);

}  // namespace nmfkit::text::detail
