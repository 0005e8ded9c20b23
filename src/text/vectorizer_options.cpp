#include <cmath>

#include "document_frequency.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text {

namespace {

void check_document_frequency(const char* name, const DocumentFrequency& df) {
  const bool valid = df.proportion ? (df.value >= 0 && df.value <= 1)
                                   : (df.value >= 0 && df.value == std::floor(df.value));
  if (!valid) {
    throw InvalidArgument(std::string(name) + " = " + detail::describe(df) +
                          " is out of range: a proportion in [0, 1] or a number of documents " +
                          ">= 0");
  }
}

}  // namespace

void VectorizerOptions::validate() const {
  check_document_frequency("min_df", min_df);
  check_document_frequency("max_df", max_df);
  if (max_features && *max_features < 1) {
    throw InvalidArgument("max_features = " + std::to_string(*max_features) +
                          " is out of range: at least 1, or unset for no limit");
  }
  // Limits of the same kind compare without knowing the corpus; mixed ones are checked by
  // fit_transform against the number of documents.
  if (min_df.proportion == max_df.proportion && max_df.value < min_df.value) {
    throw InvalidArgument(detail::df_order_message(min_df, max_df));
  }
}

}  // namespace nmfkit::text
