#include "nmfkit/text/topics.hpp"

#include <algorithm>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/numpy_sort.hpp"

namespace nmfkit::text {

namespace {

// The n largest of `values`, largest first: the tail of NumPy's ascending argsort read
// backwards, which fixes the order among ties as the notebook's slicing does.
template <class T>
std::vector<Ranked> largest(const std::vector<T>& values, Index n) {
  const std::vector<Index> order = numpy_argsort<T>(values);
  const Index size = static_cast<Index>(order.size());
  std::vector<Ranked> out;
  for (Index i = size - 1; i >= std::max<Index>(0, size - n); --i) {
    const Index position = order[static_cast<std::size_t>(i)];
    out.push_back({position, static_cast<double>(values[static_cast<std::size_t>(position)])});
  }
  return out;
}

// The n largest entries of each row of M.
template <class T>
std::vector<std::vector<Ranked>> largest_per_row(const DenseMatrix<T>& M, Index n,
                                                 const std::string& what) {
  if (n < 1) throw InvalidArgument(what + " must be at least 1, got " + std::to_string(n));
  std::vector<std::vector<Ranked>> out;
  for (Index k = 0; k < M.rows(); ++k) {
    out.push_back(largest(std::vector<T>(M.row(k).begin(), M.row(k).end()), n));
  }
  return out;
}

}  // namespace

template <class T>
std::vector<std::vector<Ranked>> top_terms(const DenseMatrix<T>& H, Index n) {
  return largest_per_row(H, n, "the number of top terms");
}

template <class T>
std::vector<std::vector<Ranked>> top_documents(const DenseMatrix<T>& W, Index n) {
  return largest_per_row<T>(W.transpose(), n, "the number of top documents");
}

template <class T>
std::vector<int> dominant_topics(const DenseMatrix<T>& W) {
  std::vector<int> out(static_cast<std::size_t>(W.rows()), -1);
  for (Index i = 0; i < W.rows(); ++i) {
    T best = 0;
    for (Index k = 0; k < W.cols(); ++k) {
      if (W(i, k) > best) {
        best = W(i, k);
        out[static_cast<std::size_t>(i)] = static_cast<int>(k);
      }
    }
  }
  return out;
}

std::vector<Index> documents_per_topic(const std::vector<int>& dominant, Index topics) {
  std::vector<Index> counts(static_cast<std::size_t>(topics), 0);
  for (const int topic : dominant) {
    if (topic >= 0 && topic < topics) ++counts[static_cast<std::size_t>(topic)];
  }
  return counts;
}

std::vector<std::vector<std::string>> topic_words(const std::vector<std::vector<Ranked>>& ranked,
                                                  const std::vector<std::string>& vocabulary) {
  std::vector<std::vector<std::string>> out;
  for (const auto& topic : ranked) {
    std::vector<std::string> words;
    for (const Ranked& term : topic) {
      if (term.index < 0 || term.index >= static_cast<Index>(vocabulary.size())) {
        throw InvalidArgument("term " + std::to_string(term.index) +
                              " is outside the vocabulary of " + std::to_string(vocabulary.size()) +
                              " terms");
      }
      words.push_back(vocabulary[static_cast<std::size_t>(term.index)]);
    }
    out.push_back(std::move(words));
  }
  return out;
}

#define NMFKIT_INSTANTIATE_TOPICS(T)                                                     \
  template std::vector<std::vector<Ranked>> top_terms(const DenseMatrix<T>&, Index);     \
  template std::vector<std::vector<Ranked>> top_documents(const DenseMatrix<T>&, Index); \
  template std::vector<int> dominant_topics(const DenseMatrix<T>&);
NMFKIT_INSTANTIATE_TOPICS(float)
NMFKIT_INSTANTIATE_TOPICS(double)
#undef NMFKIT_INSTANTIATE_TOPICS

}  // namespace nmfkit::text
