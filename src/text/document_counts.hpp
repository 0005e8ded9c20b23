#pragma once
// Counting the terms of many documents on several threads. Each thread tokenises the
// documents it is handed and keeps its own term ids and entries; a document's entries are
// one slice of one thread's list. What a document contains does not depend on the thread
// that read it, so everything built from these counts is the same for any thread count.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "term_table.hpp"

namespace nmfkit::text::detail {

struct ThreadCounts {
  TermTable terms;  // the thread's own terms (fit only)
  // (term id, count) for each of the thread's documents in turn, each document's terms in
  // order of first appearance.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
  std::vector<std::int64_t> document_frequency;  // by term id (fit only)
  std::vector<std::int64_t> total;               // by term id (fit only)
};

struct DocumentSlice {
  std::uint32_t thread = 0;
  std::uint64_t begin = 0, end = 0;  // in that thread's entries
};

struct CorpusCounts {
  std::vector<ThreadCounts> threads;
  std::vector<DocumentSlice> documents;
};

// For fit: every thread collects the terms it meets. Each thread's table starts with the
// stop words, so the ids below stop_words.size() (after removing duplicates) are never
// counted; `stop_count` receives that number.
CorpusCounts count_new_terms(const std::vector<std::string>& documents, bool lowercase,
                             const std::vector<std::string>& stop_words,
                             std::uint32_t& stop_count, const Progress& progress = {});

// For transform: ids are those of the fixed vocabulary; other tokens are ignored.
CorpusCounts count_known_terms(const std::vector<std::string>& documents, bool lowercase,
                               const TermTable& vocabulary);

// The documents × n_columns matrix of the counts, a thread's term id t going to column
// column_of[thread][t] (or nowhere when negative); column indices sorted within each row.
// With binary, every stored count is 1.
template <class T>
SparseMatrix<T> assemble(const CorpusCounts& counts,
                         const std::vector<std::vector<std::int64_t>>& column_of,
                         Index n_columns, bool binary);

}  // namespace nmfkit::text::detail
