// A fitted vectoriser saved as a topic model saves it (vectorizer.json + vocabulary) and
// read back transforms new documents exactly as the original does.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/text/vectorizer.hpp"
#include "nmfkit/text/vectorizer_file.hpp"

namespace nmfkit {
namespace {

const std::vector<std::string> kDocuments = {
    "the shuttle launch to orbit", "orbit of the lunar probe", "god and the bible",
    "faith and the church, god's word", "Launch pads and the SHUTTLE"};
const std::vector<std::string> kNew = {"a shuttle launch and the moon", "church bible zebra",
                                       "nothing known"};

// The same rows, columns, stored entries and values, bit for bit.
template <class T>
bool same_csr(const AnyMatrix& a, const AnyMatrix& b) {
  const auto& x = std::get<SparseMatrix<T>>(a.storage());
  const auto& y = std::get<SparseMatrix<T>>(b.storage());
  if (x.rows() != y.rows() || x.cols() != y.cols() || x.nonZeros() != y.nonZeros()) return false;
  for (Index i = 0; i <= x.rows(); ++i) {
    if (x.outerIndexPtr()[i] != y.outerIndexPtr()[i]) return false;
  }
  for (Index p = 0; p < x.nonZeros(); ++p) {
    if (x.innerIndexPtr()[p] != y.innerIndexPtr()[p] || x.valuePtr()[p] != y.valuePtr()[p]) {
      return false;
    }
  }
  return true;
}

TEST(VectorizerFile, RoundTripTransformsNewDocumentsBitwise) {
  for (const bool tfidf : {true, false}) {
    text::VectorizerOptions options;
    options.weighting = tfidf ? text::Weighting::Tfidf : text::Weighting::Count;
    options.sublinear_tf = tfidf;
    text::Vectorizer original(options);
    original.fit_transform(kDocuments);
    const text::Vectorizer restored = text::vectorizer_from_json(
        text::vectorizer_json(original), original.vocabulary(), "vectorizer.json");
    EXPECT_EQ(restored.vocabulary(), original.vocabulary());
    EXPECT_TRUE(same_csr<double>(restored.transform(kNew), original.transform(kNew)));
  }
}

TEST(VectorizerFile, BadFilesAreFormatErrorsNamingTheFile) {
  text::Vectorizer original;
  original.fit_transform(kDocuments);
  const std::string json = text::vectorizer_json(original);
  std::vector<std::string> short_vocabulary = original.vocabulary();
  short_vocabulary.pop_back();
  for (const auto& [text, vocabulary] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"{not json", original.vocabulary()},
           {json, short_vocabulary},
           {"{\"format_version\": 9}", original.vocabulary()}}) {
    try {
      text::vectorizer_from_json(text, vocabulary, "dir/vectorizer.json");
      ADD_FAILURE() << "accepted " << text.substr(0, 30);
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("dir/vectorizer.json"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(text::Vectorizer::fitted({}, {"a", "a"}, Vector<double>::Ones(2)),
               InvalidArgument);
}

}  // namespace
}  // namespace nmfkit
