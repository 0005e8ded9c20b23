#include "document_counts.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>

#include "tokenizer.hpp"

namespace nmfkit::text::detail {

namespace {

// Exceptions may not leave an OpenMP loop body: the first one is kept and rethrown after
// the region, and the remaining iterations do nothing.
class FirstFailure {
 public:
  template <class Body>
  void run(Body&& body) {
    if (failed_.load(std::memory_order_relaxed)) return;
    try {
      body();
    } catch (...) {
      const std::lock_guard<std::mutex> guard(lock_);
      if (!failure_) failure_ = std::current_exception();
      failed_ = true;
    }
  }
  void rethrow() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  std::atomic<bool> failed_{false};
  std::mutex lock_;
  std::exception_ptr failure_;
};

// Documents are handed out in small chunks, so that uneven lengths balance.
constexpr int kChunk = 16;

// lookup(thread's counts, token) gives the token's id for that thread, or
// TermTable::kAbsent to skip it; known_ids sizes the per-id scratch up front.
template <class Lookup>
CorpusCounts count_documents(const std::vector<std::string>& documents, bool lowercase,
                             std::vector<ThreadCounts> threads, Lookup&& lookup,
                             std::uint32_t known_ids, const Progress& progress) {
  CorpusCounts out;
  out.documents.resize(documents.size());
  const auto n_documents = static_cast<std::int64_t>(documents.size());
  const int n_threads = static_cast<int>(threads.size());
  FirstFailure failure;
  std::atomic<std::int64_t> counted{0};
  const auto report = [&](std::int64_t done) {
    progress.report(
        {.task = "vectorize", .unit = "documents", .done = done, .total = n_documents});
  };
#pragma omp parallel num_threads(n_threads)
  {
    const int t = omp_get_thread_num();
    ThreadCounts& mine = threads[t];
    std::string scratch;
    // The document (+1) in which a term was last counted, and its entry there: counting
    // within a document without a per-document map.
    std::vector<std::int64_t> seen_in(known_ids, 0);
    std::vector<std::uint64_t> entry_of(known_ids, 0);
#pragma omp for schedule(dynamic, kChunk)
    for (std::int64_t d = 0; d < n_documents; ++d) {
      failure.run([&] {
        const std::uint64_t begin = mine.entries.size();
        for_each_token(documents[d], lowercase, scratch, [&](std::string_view token) {
          const std::uint32_t id = lookup(mine, token);
          if (id == TermTable::kAbsent) return;
          if (id >= seen_in.size()) {
            seen_in.resize(id + 1, 0);
            entry_of.resize(id + 1, 0);
          }
          if (seen_in[id] != d + 1) {
            seen_in[id] = d + 1;
            entry_of[id] = mine.entries.size();
            mine.entries.emplace_back(id, 1);
          } else {
            ++mine.entries[entry_of[id]].second;
          }
        });
        out.documents[d] = {static_cast<std::uint32_t>(t), begin, mine.entries.size()};
        // One thread reports, every chunk's worth, so the display is not a bottleneck.
        const std::int64_t done = ++counted;
        if (t == 0 && done % kChunk == 0 && progress.step) report(done);
      });
    }
  }
  failure.rethrow();
  if (progress.step) report(n_documents);
  out.threads = std::move(threads);
  return out;
}

}  // namespace

CorpusCounts count_new_terms(const std::vector<std::string>& documents, bool lowercase,
                             const std::vector<std::string>& stop_words,
                             std::uint32_t& stop_count, const Progress& progress) {
  std::vector<ThreadCounts> threads(static_cast<std::size_t>(omp_get_max_threads()));
  for (ThreadCounts& thread : threads) {
    for (const std::string& word : stop_words) thread.terms.insert(word);
  }
  stop_count = threads.front().terms.size();
  const std::uint32_t n_stop = stop_count;
  CorpusCounts counts = count_documents(
      documents, lowercase, std::move(threads),
      [n_stop](ThreadCounts& mine, std::string_view token) {
        const std::uint32_t id = mine.terms.insert(token);
        return id < n_stop ? TermTable::kAbsent : id;
      },
      0, progress);
  // Document frequencies and totals by thread-local id, one pass over the entries.
  for (ThreadCounts& thread : counts.threads) {
    thread.document_frequency.assign(thread.terms.size(), 0);
    thread.total.assign(thread.terms.size(), 0);
    for (const auto& [id, count] : thread.entries) {
      ++thread.document_frequency[id];
      thread.total[id] += count;
    }
  }
  return counts;
}

CorpusCounts count_known_terms(const std::vector<std::string>& documents, bool lowercase,
                               const TermTable& vocabulary) {
  std::vector<ThreadCounts> threads(static_cast<std::size_t>(omp_get_max_threads()));
  return count_documents(
      documents, lowercase, std::move(threads),
      [&vocabulary](ThreadCounts&, std::string_view token) { return vocabulary.find(token); },
      vocabulary.size(), Progress{});
}

template <class T>
SparseMatrix<T> assemble(const CorpusCounts& counts,
                         const std::vector<std::vector<std::int64_t>>& column_of, Index n_columns,
                         bool binary) {
  const auto n_rows = static_cast<Index>(counts.documents.size());
  SparseMatrix<T> X(n_rows, n_columns);
  std::vector<std::int64_t> row_start(static_cast<std::size_t>(n_rows) + 1, 0);
#pragma omp parallel for schedule(static)
  for (Index d = 0; d < n_rows; ++d) {
    const DocumentSlice& slice = counts.documents[d];
    const auto& entries = counts.threads[slice.thread].entries;
    const auto& columns = column_of[slice.thread];
    std::int64_t kept = 0;
    for (std::uint64_t e = slice.begin; e < slice.end; ++e) kept += columns[entries[e].first] >= 0;
    row_start[d + 1] = kept;
  }
  for (Index d = 0; d < n_rows; ++d) row_start[d + 1] += row_start[d];
  X.resizeNonZeros(row_start.back());
  std::copy(row_start.begin(), row_start.end(), X.outerIndexPtr());
  std::int64_t* inner = X.innerIndexPtr();
  T* values = X.valuePtr();
  FirstFailure failure;
#pragma omp parallel
  {
    std::vector<std::pair<std::int64_t, std::uint32_t>> row;
#pragma omp for schedule(static)
    for (Index d = 0; d < n_rows; ++d) {
      failure.run([&] {
        const DocumentSlice& slice = counts.documents[d];
        const auto& entries = counts.threads[slice.thread].entries;
        const auto& columns = column_of[slice.thread];
        row.clear();
        for (std::uint64_t e = slice.begin; e < slice.end; ++e) {
          const std::int64_t column = columns[entries[e].first];
          if (column >= 0) row.emplace_back(column, entries[e].second);
        }
        std::sort(row.begin(), row.end());
        std::int64_t k = row_start[d];
        for (const auto& [column, count] : row) {
          inner[k] = column;
          values[k] = binary ? T(1) : static_cast<T>(count);
          ++k;
        }
      });
    }
  }
  failure.rethrow();
  return X;
}

template SparseMatrix<float> assemble<float>(const CorpusCounts&,
                                             const std::vector<std::vector<std::int64_t>>&, Index,
                                             bool);
template SparseMatrix<double> assemble<double>(const CorpusCounts&,
                                               const std::vector<std::vector<std::int64_t>>&, Index,
                                               bool);

}  // namespace nmfkit::text::detail
