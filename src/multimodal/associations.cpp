// associate(): checks the input, normalises it as mTopic does, and solves the targets in
// parallel. Targets are independent and each is solved by one thread from start to end
// with streams keyed by its index, so the result does not depend on the thread count.

#include "nmfkit/multimodal/associations.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <sstream>

#include "association_solvers.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/core/thread_count.hpp"

namespace nmfkit::multimodal {

namespace {

std::string shape(Index rows, Index cols) {
  return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

// mTopic's normalisation: unless every row (topic) already sums to 1 within 1e-3, each row
// is divided by its sum. Rows, not columns: a_t is then the share of topic t's mass that
// the feature holds (spec §2, note 7).
DenseMatrix<double> normalized_rows(const DenseMatrix<double>& M, const std::string& name) {
  const Eigen::VectorXd sums = M.rowwise().sum();
  bool all_one = true;
  for (Index t = 0; t < M.rows(); ++t) all_one = all_one && std::abs(sums[t] - 1.0) <= 1e-3;
  if (all_one) return M;
  for (Index t = 0; t < M.rows(); ++t) {
    if (!(sums[t] > 0)) {
      throw InvalidArgument("topic " + std::to_string(t) + " (row " + std::to_string(t) + ") of " +
                            name +
                            " sums to 0 and cannot be normalised; drop the topic or "
                            "turn normalisation off");
    }
  }
  DenseMatrix<double> out = sums.cwiseInverse().asDiagonal() * M;
  return out;
}

// The corrected mode's normalisation: each topic row of A and of B divided by one shared
// factor, the topic's total over both. A joint model's loadings have one scale ambiguity per
// topic shared by every modality (W·D, D⁻¹·H_m); one factor per topic removes it without
// changing the ratio of A's to B's loadings, so a target whose raw loadings are proportional
// to a source's stays proportional to it, and a target's profile does not depend on which
// other targets A holds. (Rows that already sum to 1 in both, as mTopic's E[β], are
// unchanged up to a constant, to which the profiles are blind.)
void normalize_shared_rows(DenseMatrix<double>& A, DenseMatrix<double>& B) {
  const Eigen::VectorXd sums = A.rowwise().sum() + B.rowwise().sum();
  for (Index t = 0; t < A.rows(); ++t) {
    if (!(sums[t] > 0)) {
      throw InvalidArgument("topic " + std::to_string(t) + " (row " + std::to_string(t) +
                            ") sums to 0 in both A and B and cannot be normalised; drop the "
                            "topic or turn normalisation off");
    }
  }
  A = sums.cwiseInverse().asDiagonal() * A;
  B = sums.cwiseInverse().asDiagonal() * B;
}

}  // namespace

Associations associate(const DenseMatrix<double>& A_in, const DenseMatrix<double>& B_in,
                       const SparseMatrix<double>* mask, const AssociationOptions& options,
                       Progress progress) {
  const auto started = std::chrono::steady_clock::now();
  options.validate();
  const Index T = A_in.rows(), G = A_in.cols(), P = B_in.cols();
  if (A_in.rows() != B_in.rows()) {
    throw InvalidArgument("A (targets) has " + std::to_string(A_in.rows()) +
                          " topics (rows) but B (sources) has " + std::to_string(B_in.rows()) +
                          "; both must describe the same topics");
  }
  if (T == 0) throw InvalidArgument("A and B have no topics (rows)");
  if (mask && (mask->rows() != P || mask->cols() != G)) {
    throw InvalidArgument("the mask has shape " + shape(mask->rows(), mask->cols()) +
                          " but must be sources × targets = " + shape(P, G));
  }
  require_finite_nonnegative(A_in, "A (targets)");
  require_finite_nonnegative(B_in, "B (sources)");
  if (mask) {
    for (Index k = 0; k < mask->nonZeros(); ++k) {
      if (!std::isfinite(mask->valuePtr()[k]))
        throw InvalidArgument("the mask has a non-finite value");
    }
  }
  std::vector<char> selected(G, options.targets.empty() ? 1 : 0);
  for (Index g : options.targets) {
    if (g < 0 || g >= G)
      throw InvalidArgument("targets: " + std::to_string(g) + " is not a target column (A has " +
                            std::to_string(G) + ")");
    selected[g] = 1;
  }
  const Index n_selected = std::count(selected.begin(), selected.end(), char{1});
  DenseMatrix<double> A = A_in, B = B_in;
  if (options.normalize && options.mode == AssociationMode::Faithful) {
    A = normalized_rows(A_in, "A (targets)");
    B = normalized_rows(B_in, "B (sources)");
  } else if (options.normalize) {
    normalize_shared_rows(A, B);
  }

  // The allowed sources of each target, ascending: a mask row per target.
  SparseMatrix<double> allowed;
  if (mask) allowed = mask->transpose();

  std::vector<std::vector<Index>> sources(G);
  std::vector<std::vector<double>> weights(G);
  Associations result;
  result.mode = options.mode;
  result.fits.assign(G, TargetFit{});
  std::vector<char> without_source(G, 0), without_signal(G, 0);

  std::atomic<bool> stop{false};
  std::atomic<Index> done{0};
  std::exception_ptr failure;
  {
    ScopedThreadCount threads(options.n_threads);
#pragma omp parallel
    {
      detail::FaithfulSolver faithful(options);
      detail::CorrectedSolver corrected(options);
      std::vector<Index> S;
      std::vector<double> a(T), block, x;
#pragma omp for schedule(dynamic, 1)
      for (Index g = 0; g < G; ++g) {
        if (stop.load(std::memory_order_relaxed) || !selected[g]) continue;
        try {
          S.clear();
          if (mask) {
            for (SparseMatrix<double>::InnerIterator it(allowed, g); it; ++it) {
              if (it.value() != 0) S.push_back(it.index());
            }
          } else {
            S.resize(P);
            for (Index p = 0; p < P; ++p) S[p] = p;
          }
          const Index n = static_cast<Index>(S.size());
          if (n == 0) {
            without_source[g] = 1;
          } else {
            for (Index t = 0; t < T; ++t) a[t] = A(t, g);
            if (static_cast<Index>(block.size()) < T * n) block.resize(T * n);
            if (static_cast<Index>(x.size()) < n) x.resize(n);
            for (Index t = 0; t < T; ++t) {
              for (Index i = 0; i < n; ++i) block[t * n + i] = B(t, S[i]);
            }
            TargetFit fit;
            if (options.mode == AssociationMode::Faithful) {
              fit = faithful.solve(a.data(), block.data(), T, n, x.data());
            } else {
              fit = corrected.solve(a.data(), block.data(), T, n, g, x.data());
              if (fit.n_sources == 0) without_signal[g] = 1;
            }
            result.fits[g] = fit;
            for (Index i = 0; i < n; ++i) {
              if (x[i] != 0) {
                sources[g].push_back(S[i]);
                weights[g].push_back(x[i]);
              }
            }
          }
          const Index finished = ++done;
          if (omp_get_thread_num() == 0) {
            if (progress.cancel_requested && progress.cancel_requested()) stop = true;
            progress.report({.task = "associate",
                             .unit = "targets",
                             .done = finished,
                             .total = static_cast<std::int64_t>(n_selected)});
          }
        } catch (...) {
#pragma omp critical(nmfkit_associate_failure)
          if (!failure) failure = std::current_exception();
          stop = true;
        }
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
  if (stop) throw Cancelled();

  SparseMatrix<double> by_target(G, P);
  Eigen::VectorXi counts(G);
  for (Index g = 0; g < G; ++g) counts[g] = static_cast<int>(sources[g].size());
  by_target.reserve(counts);
  for (Index g = 0; g < G; ++g) {
    for (std::size_t i = 0; i < sources[g].size(); ++i) {
      by_target.insert(g, sources[g][i]) = weights[g][i];
    }
  }
  by_target.makeCompressed();
  result.weights = by_target.transpose();
  for (Index g = 0; g < G; ++g) {
    if (without_source[g]) result.targets_without_source.push_back(g);
    if (without_signal[g]) result.targets_without_signal.push_back(g);
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.report({.task = "associate",
                   .unit = "targets",
                   .done = static_cast<std::int64_t>(n_selected),
                   .total = static_cast<std::int64_t>(n_selected)});
  return result;
}

}  // namespace nmfkit::multimodal
