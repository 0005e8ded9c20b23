#pragma once
// Topic coherence with gensim's CoherenceModel definitions and numbers (u_mass, c_uci,
// c_npmi, c_v), and topic diversity.

#include <string>
#include <vector>

namespace nmfkit::text {

// gensim's four pipelines (Röder et al. 2015), with ε = 1e-12 and natural logarithms:
//   u_mass  pairs (w_i, w_j), j < i; boolean documents (each text, by its set of words);
//           log((P(w_i, w_j) + ε) / P(w_j))
//   c_uci   all ordered pairs i ≠ j; boolean sliding windows;
//           PMI = log((P(w_i, w_j) + ε) / (P(w_i) P(w_j)))
//   c_npmi  as c_uci with NPMI = PMI / −log(P(w_i, w_j) + ε)
//   c_v     each word against the whole topic; boolean sliding windows; the cosine between
//           the word's and the topic's context vectors of NPMI values (γ = 1)
// A topic's coherence is the mean over its pairs (or words, for c_v).
enum class CoherenceMeasure { UMass, CUci, CNpmi, CV };

std::string to_string(CoherenceMeasure measure);  // "u_mass", "c_uci", "c_npmi", "c_v"
// The inverse of to_string; throws InvalidArgument naming the accepted names.
CoherenceMeasure parse_coherence_measure(const std::string& name);

struct CoherenceOptions {
  CoherenceMeasure measure = CoherenceMeasure::CV;
  int window_size = 0;  // sliding window for c_uci/c_npmi/c_v; 0: gensim's default (10, 10, 110)
  int topn = 20;        // words of each topic used (gensim's default)
};

// The coherence of each topic (its top words, best first) against reference texts (each a
// sequence of tokens), as gensim.models.CoherenceModel(topics=..., texts=...,
// dictionary=Dictionary(texts), coherence=..., topn=..., window_size=...)
// .get_coherence_per_topic() in gensim 4.2, number for number. That includes gensim's
// behaviour where it is surprising:
// - Topic words that occur in no text are dropped first; topics are then cut to `topn`
//   words, but only when the first topic (after dropping) is longer than `topn`: otherwise
//   every topic keeps all its words.
// - A text shorter than the window is one window; a longer text of n tokens gives
//   n − window + 1 windows, one token apart. A window does not always count a word it
//   holds: gensim updates its set of words incrementally, and when the token leaving the
//   window has another occurrence inside it, that word is missed until it enters again.
// - Repeated words in a topic count as separate words (their pairs included).
// - A topic of one word has no pairs: its u_mass, c_uci and c_npmi are NaN.
// u_mass ignores window_size. Multi-threaded over texts; the counts are exact integers, so
// the result does not depend on the number of threads.
// Throws InvalidArgument where gensim would raise: no topics, an empty topic, a topic none
// of whose words occurs in the texts, no texts, or an empty text with a sliding-window
// measure (gensim 4.2 with processes=1 fails with an IndexError; its multi-process counter
// swallows the error and returns partial counts); also for topn < 1 or window_size < 0.
std::vector<double> topic_coherence(const std::vector<std::vector<std::string>>& topics,
                                    const std::vector<std::vector<std::string>>& texts,
                                    const CoherenceOptions& options = {});

// Topic diversity (Dieng, Ruiz & Blei 2020): the number of distinct words among the first
// `topn` words of every topic, divided by the number of words taken (topn per topic, or
// all of a shorter topic's words). 1: no word is shared; 1/K: K identical topics.
// Throws InvalidArgument for no topics, an empty topic or topn < 1.
double topic_diversity(const std::vector<std::vector<std::string>>& topics, int topn = 25);

}  // namespace nmfkit::text
