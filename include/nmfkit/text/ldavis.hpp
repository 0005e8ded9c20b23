#pragma once
// A topic model as the JSON that LDAvis's JavaScript (and pyLDAvis) draws: the object
// createJSON() writes — mdsDat (topic centres from classical scaling of the topics'
// Jensen–Shannon distances, and their share of the tokens), tinfo (for the default view
// the R most salient terms, for each topic the R most relevant terms at every λ on a grid),
// token.table (p(topic | term) for those terms), R, lambda.step, plot.opts and topic.order.
// Topics are ordered by decreasing share, as LDAvis does by default; topic.order gives the
// model's topic (1-based) at each position.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/text/topic_views.hpp"

namespace nmfkit::text {

struct LdavisOptions {
  Index terms = 30;           // R: terms listed per topic
  double lambda_step = 0.01;  // the λ grid for the relevant terms
};

// view: the multinomial view; document_lengths: each document's token count (or weight);
// term_frequency: each term's count in the corpus. Throws InvalidArgument on mismatched
// sizes, no topics, or a λ step outside (0, 1].
std::string ldavis_json(const MultinomialView& view, const std::vector<double>& document_lengths,
                        const std::vector<double>& term_frequency,
                        const std::vector<std::string>& vocabulary,
                        const LdavisOptions& options = {});

}  // namespace nmfkit::text
