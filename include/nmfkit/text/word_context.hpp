#pragma once
// The word–context matrix of semantic NMF (SeNMFk): how much more often two vocabulary
// words occur near each other than chance predicts, as the shifted positive pointwise
// mutual information (SPPMI, Levy & Goldberg 2014) of their co-occurrences in a sliding
// window.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::text {

struct WordContextOptions {
  int window = 5;      // words on each side of a word that count as its context, ≥ 1
  double shift = 1.0;  // SPPMI's k: log k is subtracted from the PMI; 1 gives plain PPMI
  void validate() const;  // InvalidArgument naming the option
};

// Rows are contexts and columns words, both indexed by `vocabulary` (the matrix is
// symmetric). Tokens outside the vocabulary are dropped before the window slides, so
// the window counts vocabulary words. Each pair of positions i < j ≤ i + window in a
// document adds one co-occurrence to (w_i, w_j) and to (w_j, w_i); with #(w,c) those
// counts, #(w) = Σ_c #(w,c) and D = Σ #(w,c):
//   SPPMI(w, c) = max(0, log(#(w,c)·D / (#(w)·#(c))) − log shift).
// Throws InvalidArgument when no document has more vocabulary words than the window
// (the corpus is too small for it) or no pair co-occurs.
SparseMatrix<double> word_context_matrix(const std::vector<std::vector<std::string>>& texts,
                                         const std::vector<std::string>& vocabulary,
                                         const WordContextOptions& options);

}  // namespace nmfkit::text
