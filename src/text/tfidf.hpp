#pragma once
// scikit-learn's TfidfTransformer on a count matrix, in the matrix's element type with
// NumPy's and scikit-learn's order of operations (float32 matrices give float32 idf).

#include <cstdint>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text::detail {

// idf = ln(n / df) + 1, where smoothing adds one document containing every term.
template <class T>
Vector<T> inverse_document_frequency(const std::vector<std::int64_t>& document_frequency,
                                     Index n_documents, bool smooth);

// In place: tf → 1 + ln(tf) when sublinear, times idf (unless idf is empty), then each row
// divided by its norm; rows of zeros stay zero.
template <class T>
void weight_tfidf(SparseMatrix<T>& X, const Vector<T>& idf, bool sublinear_tf, Norm norm);

// The same for one row of n entries (columns index idf).
template <class T>
void weight_tfidf_row(const std::int64_t* columns, T* values, std::int64_t n, const Vector<T>& idf,
                      bool sublinear_tf, Norm norm);

}  // namespace nmfkit::text::detail
