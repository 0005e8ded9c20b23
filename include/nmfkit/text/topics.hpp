#pragma once
// Reading a topic model: the top terms of each topic (rows of H), the dominant topic of
// each document (rows of W) and the documents that weigh most in each topic.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::text {

struct Ranked {
  Index index = 0;  // a term's column in H, or a document's row in W
  double weight = 0;
};

// The n largest entries of each row of H (topics × terms), largest first, in the order
// of the classic notebook's np.argsort(row)[:-n-1:-1], ties included (NumPy's quicksort
// order). n is capped at the number of terms.
template <class T>
std::vector<std::vector<Ranked>> top_terms(const DenseMatrix<T>& H, Index n);

// The n documents (rows of W) with the largest weight in each topic, largest first, with
// the same tie order as top_terms.
template <class T>
std::vector<std::vector<Ranked>> top_documents(const DenseMatrix<T>& W, Index n);

// The topic with the largest weight in each row of W (the first on ties, as np.argmax);
// -1 for a document with no weight in any topic (an empty document), which would
// otherwise be counted in topic 0.
template <class T>
std::vector<int> dominant_topics(const DenseMatrix<T>& W);

// How many documents each topic dominates (documents with no topic are not counted).
std::vector<Index> documents_per_topic(const std::vector<int>& dominant, Index topics);

// The words of each topic's ranked terms.
std::vector<std::vector<std::string>> topic_words(const std::vector<std::vector<Ranked>>& ranked,
                                                  const std::vector<std::string>& vocabulary);

}  // namespace nmfkit::text
