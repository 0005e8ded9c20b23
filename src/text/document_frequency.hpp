#pragma once
// Wording shared by the checks of document-frequency limits.

#include <optional>
#include <string>

#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text::detail {

// The limit as Python prints it: "5" (documents) or "0.5" (a proportion).
std::string describe(const DocumentFrequency& df);

// scikit-learn's error for a max_df that allows fewer documents than min_df, with the
// numbers of documents they stand for when the corpus size is known.
std::string df_order_message(const DocumentFrequency& min_df, const DocumentFrequency& max_df,
                             std::optional<Index> n_documents = std::nullopt);

}  // namespace nmfkit::text::detail
