#pragma once
// A fitted vectoriser as a topic model saves it (vectorizer.json beside vocabulary.txt), so
// that new documents can later be vectorised exactly as the model's were: the options that
// shape a document's row (lower-casing, binary counts, tf-idf weighting and norm) and the
// idf. The vocabulary itself stays in vocabulary.txt, one term a line in column order.

#include <string>
#include <vector>

#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text {

// vectorizer.json's text (format version 1).
std::string vectorizer_json(const Vectorizer& vectorizer);

// The vectoriser saved as `json_text` with `vocabulary`; `source` names the file in
// errors. Throws FormatError for a malformed file or one of another format version.
Vectorizer vectorizer_from_json(const std::string& json_text, std::vector<std::string> vocabulary,
                                const std::string& source);

}  // namespace nmfkit::text
