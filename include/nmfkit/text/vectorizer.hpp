#pragma once
// Documents → a document × term matrix with scikit-learn's CountVectorizer and
// TfidfVectorizer semantics and defaults: token pattern (?u)\b\w\w+\b over lower-cased
// Unicode text, stop words, document-frequency limits, max_features, binary counts,
// tf-idf weighting and row normalisation, and the vocabulary in scikit-learn's order.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"

namespace nmfkit::text {

enum class Weighting { Count, Tfidf };
enum class Norm { None, L1, L2 };

// A document-frequency limit as scikit-learn takes it: an integer is a number of
// documents, a float in [0, 1] a proportion of them.
struct DocumentFrequency {
  double value = 1;
  bool proportion = false;
  static DocumentFrequency count(Index documents) { return {static_cast<double>(documents), false}; }
  static DocumentFrequency fraction(double share) { return {share, true}; }
  // "5" → 5 documents, "0.5" or "1.0" → a proportion (as Python's int/float distinction).
  static DocumentFrequency parse(const std::string& text);
};

struct StopWords {
  std::vector<std::string> words;  // empty: none
  static StopWords none() { return {}; }
  static StopWords english();  // scikit-learn's ENGLISH_STOP_WORDS (318 words)
  static StopWords from_file(const std::string& path);  // one word per line
};

struct VectorizerOptions {
  Weighting weighting = Weighting::Tfidf;                          // counts or tf-idf
  bool lowercase = true;                                           // lower-case before tokenizing
  StopWords stop_words;                                            // removed after tokenizing
  DocumentFrequency min_df = DocumentFrequency::count(1);          // drop rarer terms
  DocumentFrequency max_df = DocumentFrequency::fraction(1.0);     // drop more common terms
  std::optional<Index> max_features;                               // keep the most frequent terms
  bool binary = false;                                             // counts become 0/1
  Norm norm = Norm::L2;                                            // tf-idf row normalisation
  bool use_idf = true;                                             // tf-idf: weight by idf
  bool smooth_idf = true;                                          // idf = ln((1+n)/(1+df)) + 1
  bool sublinear_tf = false;                                       // tf → 1 + ln(tf)
  DType dtype = DType::Float64;                                    // element type of the matrix

  void validate() const;  // throws InvalidArgument (e.g. min_df > max_df)
};

// sklearn's default analyzer without stop-word removal: lower-case (if asked) and every
// match of (?u)\b\w\w+\b, with Python 3.11's Unicode definitions of \w and lower().
// Each invalid UTF-8 sequence reads as one U+FFFD (a separator), as Python's
// errors="replace"; nothing is an error.
std::vector<std::string> tokenize(std::string_view text, bool lowercase = true);

// Python 3.11's str.lower() of UTF-8 text: full case mapping (U+0130 → "i̇") and the
// final-sigma rule; each invalid sequence becomes one U+FFFD.
std::string to_lower(std::string_view text);

namespace detail {
class TermTable;
struct LearnedVocabulary;
}
class VocabularyCounter;

class Vectorizer {
 public:
  explicit Vectorizer(VectorizerOptions options = {});

  // A fitted vectoriser from what it learned (a saved topic model's vocabulary, in column
  // order, and idf: one per term for tf-idf with use_idf, else empty). Throws
  // InvalidArgument for an empty or repeated term, or an idf of the wrong length.
  static Vectorizer fitted(VectorizerOptions options, std::vector<std::string> vocabulary,
                           Vector<double> idf);
  // Learns the vocabulary (and idf) and returns the documents' matrix (documents × terms).
  // Throws InvalidArgument when no term survives ("empty vocabulary"). Reports the
  // documents counted as steps of "vectorize".
  AnyMatrix fit_transform(const std::vector<std::string>& documents,
                          const Progress& progress = {});
  // The matrix of new documents over the learned vocabulary.
  AnyMatrix transform(const std::vector<std::string>& documents) const;

  const std::vector<std::string>& vocabulary() const { return terms_; }  // column order
  std::optional<Index> term_index(const std::string& term) const;
  const Vector<double>& idf() const { return idf_; }              // empty for counts
  const std::vector<std::string>& dropped_terms() const { return dropped_; }  // by df / max_features
  const VectorizerOptions& options() const { return options_; }
  // term → column (null before a fit); for the row builders of text/streamed_vectorizer.hpp
  const detail::TermTable* term_table() const { return index_.get(); }

 private:
  friend class VocabularyCounter;
  void adopt(detail::LearnedVocabulary&& learned);

  VectorizerOptions options_;
  std::vector<std::string> terms_;
  std::shared_ptr<const detail::TermTable> index_;  // term → column; immutable, so shared by copies
  Vector<double> idf_;
  std::vector<std::string> dropped_;
};

}  // namespace nmfkit::text
