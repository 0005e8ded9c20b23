#pragma once
// Documents as the token sequences the vectoriser counts: tokenize() and then stop-word
// removal, in order and with repeats kept — the texts topic coherence is measured on.

#include <string>
#include <vector>

#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::text {

// Multi-threaded over documents; the result does not depend on the thread count.
std::vector<std::vector<std::string>> analyze(const std::vector<std::string>& documents,
                                              bool lowercase, const StopWords& stop_words);

}  // namespace nmfkit::text
