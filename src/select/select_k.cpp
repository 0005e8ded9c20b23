#include "nmfkit/select/select_k.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/partition.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/nmf/solver.hpp"
#include "nmfkit/select/cnmf.hpp"
#include "nmfkit/select/cnmf_run.hpp"
#include "nmfkit/select/consensus_clustering.hpp"

namespace nmfkit::select {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double unit_uniform(std::uint64_t h) {
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

Index parse_whole(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) {
    throw InvalidArgument("--k: " + what + " must be a whole number, got '" + text + "'");
  }
  if (value < 1) throw InvalidArgument("--k: k must be >= 1, got " + text);
  return static_cast<Index>(value);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

std::string format(double value) {
  std::ostringstream out;
  out.precision(4);
  out << value;
  return out.str();
}

// X ⊙ (1 − ε + 2ε·U) with U uniform on [0, 1), keyed by (seed, entry): any thread count
// gives the same copy.
template <class T>
DenseMatrix<T> perturbed(const DenseMatrix<T>& X, double noise, std::uint64_t key) {
  DenseMatrix<T> out = X;
  for (Index i = 0; i < X.rows(); ++i) {
    const std::uint64_t row = splitmix64(key ^ static_cast<std::uint64_t>(i));
    for (Index j = 0; j < X.cols(); ++j) {
      const double u = unit_uniform(splitmix64(row ^ static_cast<std::uint64_t>(j)));
      out(i, j) = static_cast<T>(static_cast<double>(X(i, j)) * (1 - noise + 2 * noise * u));
    }
  }
  return out;
}
template <class T>
SparseMatrix<T> perturbed(const SparseMatrix<T>& X, double noise, std::uint64_t key) {
  SparseMatrix<T> out = X;
  for (Index i = 0; i < out.rows(); ++i) {
    const std::uint64_t row = splitmix64(key ^ static_cast<std::uint64_t>(i));
    for (typename SparseMatrix<T>::InnerIterator it(out, i); it; ++it) {
      const double u = unit_uniform(splitmix64(row ^ static_cast<std::uint64_t>(it.col())));
      it.valueRef() = static_cast<T>(static_cast<double>(it.value()) * (1 - noise + 2 * noise * u));
    }
  }
  return out;
}

template <class Matrix>
double stored_entries(const Matrix& X) {
  if constexpr (requires { X.nonZeros(); }) {
    return static_cast<double>(X.nonZeros());
  } else {
    return static_cast<double>(X.size());
  }
}

// Runs jobs [first, last), `parallel` at once (each fit on one thread) or one after the
// other (each fit on all threads). The first exception is rethrown.
template <class Job>
void run_jobs(int first, int last, int parallel, Job&& job) {
  if (parallel <= 1) {
    for (int j = first; j < last; ++j) job(j);
    return;
  }
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(parallel)
  for (int j = first; j < last; ++j) {
    bool skip = false;
#pragma omp critical(nmfkit_select_failure)
    skip = static_cast<bool>(failure);
    if (skip) continue;
    try {
      job(j);
    } catch (...) {
#pragma omp critical(nmfkit_select_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

KScore empty_score(Index k) {
  KScore s;
  s.k = k;
  s.test_error = s.test_error_se = s.train_error = kNaN;
  s.min_silhouette = s.mean_silhouette = s.reconstruction_error = kNaN;
  s.cophenetic = s.dispersion = s.cnmf_silhouette = s.cnmf_error = kNaN;
  return s;
}

template <class T, class Matrix>
class Scorer {
 public:
  Scorer(const Matrix& X, const EntryWeights<T>& weights, const SelectOptions& options,
         const Progress& progress, const ScoreCallback& on_score)
      : X_(X),
        weights_(weights),
        o_(options),
        progress_(progress),
        inner_(progress.without_steps()),
        on_score_(on_score) {
    comm_ = options.nmf.comm;
    parallel_ = options.parallel_fits;
    if (parallel_ <= 0) {
      // Small problems: fits side by side beat threads inside each fit.
      parallel_ = stored_entries(X) * 20 < 4e7 ? omp_get_max_threads() : 1;
    }
    DenseMatrix<T> W0 = DenseMatrix<T>::Zero(X.rows(), 1);
    DenseMatrix<T> H0 = DenseMatrix<T>::Zero(1, X.cols());
    observed_norm_ = std::sqrt(weighted_squared_error(X, weights, W0, H0));
  }

  const KScore& cross_validate(Index k) {
    KScore& score = entry(k);
    if (!std::isnan(score.test_error)) return score;
    const auto start = std::chrono::steady_clock::now();
    const int replicates = o_.cv.replicates;
    std::vector<double> test(static_cast<std::size_t>(replicates));
    std::vector<double> train(static_cast<std::size_t>(replicates));
    const std::vector<Index> shares = job_shares(replicates);
    run_jobs(my_first(shares), my_last(shares), parallel_, [&](int r) {
      SpeckledHoldout holdout;
      holdout.fraction = o_.cv.holdout_fraction;
      holdout.seed = (static_cast<std::uint64_t>(o_.seed) << 16) + static_cast<std::uint64_t>(r);
      const CheckpointRecord done = unit("cv-k" + std::to_string(k) + "-r" + std::to_string(r), [&] {
        const EntryWeights<T> training = weights_.with_holdout(holdout);
        const NmfResult<T> result = fit(X_, training, fit_options(k, o_.seed), nullptr, inner_);
        const MissingSummary missing = summarize_missing(X_, training);
        const double observed = static_cast<double>(X_.rows()) * static_cast<double>(X_.cols()) -
                                static_cast<double>(missing.missing);
        CheckpointRecord out;
        out.numbers["test"] =
            holdout_error(X_, weights_, holdout, result.W, result.H).mean_squared_error;
        out.numbers["train"] =
            result.reconstruction_error * result.reconstruction_error / std::max(observed, 1.0);
        return out;
      });
      test[static_cast<std::size_t>(r)] = done.number("test");
      train[static_cast<std::size_t>(r)] = done.number("train");
    });
    if (comm_) {  // each process filled its own replicates, the rest are 0
      comm_->sum(test.data(), replicates);
      comm_->sum(train.data(), replicates);
    }
    score.replicate_errors = test;
    const double mean = std::accumulate(test.begin(), test.end(), 0.0) / replicates;
    double variance = 0;
    for (const double e : test) variance += (e - mean) * (e - mean);
    score.test_error = mean;
    score.test_error_se =
        replicates > 1 ? std::sqrt(variance / (replicates - 1)) / std::sqrt(replicates) : 0.0;
    score.train_error = std::accumulate(train.begin(), train.end(), 0.0) / replicates;
    add_reconstruction_error(score);
    score.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_score_) on_score_(score);
    return score;
  }

  const KScore& stability(Index k) {
    KScore& score = entry(k);
    if (!std::isnan(score.min_silhouette)) return score;
    const auto start = std::chrono::steady_clock::now();
    const int P = o_.stability.perturbations;
    std::vector<DenseMatrix<double>> components(static_cast<std::size_t>(P));
    const std::vector<Index> shares = job_shares(P);
    run_jobs(my_first(shares), my_last(shares), parallel_, [&](int p) {
      const CheckpointRecord done = unit("stability-k" + std::to_string(k) + "-p" + std::to_string(p), [&] {
        const std::uint64_t key = splitmix64((static_cast<std::uint64_t>(o_.seed) << 20) ^
                                             static_cast<std::uint64_t>(p + 1));
        const Matrix Xp = perturbed(X_, o_.stability.noise, key);
        NmfOptions options = fit_options(k, o_.seed + 1 + static_cast<std::uint32_t>(p));
        options.init = Init::Random;
        const NmfResult<T> result = fit(Xp, weights_, options, nullptr, inner_);
        DenseMatrix<double> H = result.H.template cast<double>();
        for (Index r = 0; r < H.rows(); ++r) {
          const double norm = H.row(r).norm();
          if (norm > 0) H.row(r) /= norm;
        }
        CheckpointRecord out;
        out.matrices["H"] = H;
        return out;
      });
      components[static_cast<std::size_t>(p)] = done.matrix("H");
    });
    if (comm_) share_components(components, shares, k);
    const auto [min_s, mean_s] = silhouettes(components, k);
    score.min_silhouette = min_s;
    score.mean_silhouette = mean_s;
    add_reconstruction_error(score);
    score.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_score_) on_score_(score);
    return score;
  }

  // The restarts both consensus methods use: fits of X itself from random starts. The
  // samples' labels (argmax of their rows of W, on the consensus subset of rows) and the
  // unit-length components feed consensus clustering and cNMF's consensus of spectra.
  const KScore& restarts(Index k) {
    KScore& score = entry(k);
    if (!std::isnan(score.cophenetic)) return score;
    const auto start = std::chrono::steady_clock::now();
    const int R = o_.consensus.restarts;
    const std::vector<Index> rows =
        consensus_sample(X_.rows(), o_.consensus.max_samples, o_.seed);
    std::vector<DenseMatrix<double>> components(static_cast<std::size_t>(R));
    std::vector<DenseMatrix<double>> sample_weights(static_cast<std::size_t>(R));
    const std::vector<Index> shares = job_shares(R);
    run_jobs(my_first(shares), my_last(shares), parallel_, [&](int p) {
      const CheckpointRecord done = unit("restart-k" + std::to_string(k) + "-p" + std::to_string(p), [&] {
        NmfOptions options = fit_options(k, restart_seed(o_.seed, p));
        options.init = Init::Random;
        const NmfResult<T> result = fit(X_, weights_, options, nullptr, inner_);
        DenseMatrix<double> W(static_cast<Index>(rows.size()), k);
        for (std::size_t i = 0; i < rows.size(); ++i) {
          W.row(static_cast<Index>(i)) = result.W.row(rows[i]).template cast<double>();
        }
        CheckpointRecord out;
        out.matrices["W"] = W;
        out.matrices["H"] = result.H.template cast<double>();
        return out;
      });
      sample_weights[static_cast<std::size_t>(p)] = done.matrix("W");
      components[static_cast<std::size_t>(p)] = done.matrix("H");
    });
    if (comm_) {
      share_components(components, shares, k);
      share_rows(sample_weights, shares, static_cast<Index>(rows.size()), k);
    }
    std::vector<std::vector<Index>> labelings;
    for (const auto& W : sample_weights) labelings.push_back(argmax_per_row(W));
    const Eigen::MatrixXd C = consensus_matrix(labelings);
    score.cophenetic = cophenetic_correlation(C);
    score.dispersion = dispersion(C);

    Eigen::MatrixXd spectra(R * k, X_.cols());
    for (int p = 0; p < R; ++p) spectra.middleRows(p * k, k) = components[static_cast<std::size_t>(p)];
    SpectraConsensusOptions combine;
    combine.density_threshold = o_.consensus.density_threshold;
    combine.neighborhood = o_.consensus.neighborhood;
    combine.seed = o_.seed + 1;
    const SpectraConsensus consensus = combine_spectra(spectra, k, combine);
    score.cnmf_silhouette = consensus.silhouette;
    const DenseMatrix<T> S = consensus.spectra.template cast<T>();
    const TransformResult<T> usages = transform(X_, weights_, S, fit_options(k, o_.seed), inner_);
    score.cnmf_error = observed_norm_ > 0
                           ? std::sqrt(weighted_squared_error(X_, weights_, usages.W, S)) /
                                 observed_norm_
                           : 0.0;
    add_reconstruction_error(score);
    score.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_score_) on_score_(score);
    return score;
  }

  // How many fits the step reports count towards: `total` where known, else at most `bound`.
  void expect_fits(std::int64_t total, std::int64_t bound) {
    expected_ = total;
    at_most_ = bound;
  }
  void report_last() const {
    progress_.report({.task = "select-k", .unit = "fits", .done = fits_done_, .last = true});
  }

  bool has_cross_validation(Index k) const {
    const auto found = cache_.find(k);
    return found != cache_.end() && !std::isnan(found->second.test_error);
  }

  std::vector<KScore> scores() const {
    std::vector<KScore> out;
    for (const auto& [k, score] : cache_) out.push_back(score);
    return out;
  }

 private:
  KScore& entry(Index k) {
    auto found = cache_.find(k);
    if (found == cache_.end()) found = cache_.emplace(k, empty_score(k)).first;
    return found->second;
  }

  // Under MPI the fits are spread over the processes, a contiguous share of each batch
  // per process (dist::balanced_offsets); every fit runs whole in one process, with the
  // same seed as alone, so the selection is the single-process one.
  std::vector<Index> job_shares(int jobs) const {
    return dist::balanced_offsets(jobs, comm_ ? comm_->size() : 1);
  }
  int my_first(const std::vector<Index>& shares) const {
    return static_cast<int>(shares[comm_ ? comm_->rank() : 0]);
  }
  int my_last(const std::vector<Index>& shares) const {
    return static_cast<int>(shares[comm_ ? comm_->rank() + 1 : 1]);
  }
  // Every process gets every process's normalised components (k rows each).
  void share_components(std::vector<DenseMatrix<double>>& components,
                        const std::vector<Index>& shares, Index k) const {
    const Index n = X_.cols();
    const auto P = static_cast<Index>(components.size());
    DenseMatrix<double> all = DenseMatrix<double>::Zero(P * k, n);
    for (Index p = my_first(shares); p < my_last(shares); ++p) {
      all.middleRows(p * k, k) = components[static_cast<std::size_t>(p)];
    }
    std::vector<Index> row_offsets;
    for (const Index share : shares) row_offsets.push_back(share * k);
    comm_->gather_rows(all.data(), row_offsets, n);
    for (Index p = 0; p < P; ++p)
      components[static_cast<std::size_t>(p)] = all.middleRows(p * k, k);
  }

  // Every process gets every process's rows × cols blocks (one per job).
  void share_rows(std::vector<DenseMatrix<double>>& blocks, const std::vector<Index>& shares,
                  Index rows, Index cols) const {
    const auto P = static_cast<Index>(blocks.size());
    DenseMatrix<double> all = DenseMatrix<double>::Zero(P * rows, cols);
    for (Index p = my_first(shares); p < my_last(shares); ++p) {
      all.middleRows(p * rows, rows) = blocks[static_cast<std::size_t>(p)];
    }
    std::vector<Index> row_offsets;
    for (const Index share : shares) row_offsets.push_back(share * rows);
    comm_->gather_rows(all.data(), row_offsets, cols);
    for (Index p = 0; p < P; ++p) blocks[static_cast<std::size_t>(p)] = all.middleRows(p * rows, rows);
  }

  // A completed fit's outcome: from the checkpoint when it holds the unit, else computed
  // now and saved there. The outcome is what the scores read (numbers, doubles), so a
  // resumed selection computes the same bits as an uninterrupted one.
  template <class Compute>
  CheckpointRecord unit(const std::string& name, Compute&& compute) const {
    std::optional<CheckpointRecord> saved;
    if (o_.checkpoint) saved = o_.checkpoint->load(name);
    if (!saved) {
      saved = compute();
      if (o_.checkpoint) o_.checkpoint->save(name, *saved);
    }
    // Each unit is one fit; its name ("cv-k4-r2") says which k it scored.
    const std::size_t k_at = name.find("-k");
    progress_.report({.task = "select-k",
                      .unit = "fits",
                      .done = ++fits_done_,
                      .total = expected_,
                      .bound = at_most_,
                      .measure = k_at == std::string::npos
                                     ? std::string()
                                     : "k " + name.substr(k_at + 2, name.find('-', k_at + 1) -
                                                                         k_at - 2)});
    return *saved;
  }

  NmfOptions fit_options(Index k, std::uint32_t seed) const {
    NmfOptions options = o_.nmf;
    options.checkpoint = nullptr;  // the units are whole fits
    options.comm = nullptr;  // each fit in one process
    options.n_components = k;
    options.random_state = seed;
    options.verbose = 0;
    if (parallel_ > 1) options.n_threads = 1;
    return options;
  }

  void add_reconstruction_error(KScore& score) {
    if (!std::isnan(score.reconstruction_error)) return;
    const CheckpointRecord done = unit("error-k" + std::to_string(score.k), [&] {
      CheckpointRecord out;
      out.numbers["error"] =
          fit(X_, weights_, fit_options(score.k, o_.seed), nullptr, inner_).reconstruction_error;
      return out;
    });
    score.reconstruction_error =
        observed_norm_ > 0 ? done.number("error") / observed_norm_ : 0.0;
  }

  // Matches the ensemble's components to centroids and returns the smallest cluster
  // silhouette and the mean silhouette. Works from the cosines of all pairs (one product).
  std::pair<double, double> silhouettes(const std::vector<DenseMatrix<double>>& components,
                                        Index k) const {
    const auto P = static_cast<Index>(components.size());
    const Index n = components[0].cols();
    Eigen::MatrixXd all(P * k, n);
    for (Index p = 0; p < P; ++p)
      all.middleRows(p * k, k) = components[static_cast<std::size_t>(p)];
    const Eigen::MatrixXd S = all * all.transpose();
    // perm[p][j]: the component of run p in cluster j
    std::vector<std::vector<Index>> perm(static_cast<std::size_t>(P), std::vector<Index>(k));
    for (auto& p : perm) std::iota(p.begin(), p.end(), Index{0});
    for (int round = 0; round < 50; ++round) {
      // centroid_j · u_(p,i) = (1/P) Σ_q S[(q, perm_q(j)), (p, i)], divided by |centroid_j|
      Eigen::VectorXd norm(k);
      for (Index j = 0; j < k; ++j) {
        double sum = 0;
        for (Index q = 0; q < P; ++q) {
          for (Index r = 0; r < P; ++r) {
            sum += S(q * k + perm[q][j], r * k + perm[r][j]);
          }
        }
        norm[j] = std::sqrt(std::max(sum, 1e-300));
      }
      bool changed = false;
      for (Index p = 0; p < P; ++p) {
        Eigen::MatrixXd similarity(k, k);
        for (Index j = 0; j < k; ++j) {
          for (Index i = 0; i < k; ++i) {
            double sum = 0;
            for (Index q = 0; q < P; ++q) sum += S(q * k + perm[q][j], p * k + i);
            similarity(j, i) = sum / norm[j];
          }
        }
        const std::vector<Index> matched = best_matching(similarity);
        if (matched != perm[static_cast<std::size_t>(p)]) {
          perm[static_cast<std::size_t>(p)] = matched;
          changed = true;
        }
      }
      if (!changed) break;
    }
    std::vector<Index> labels(static_cast<std::size_t>(P * k));
    for (Index p = 0; p < P; ++p) {
      for (Index j = 0; j < k; ++j) labels[static_cast<std::size_t>(p * k + perm[p][j])] = j;
    }
    if (k == 1) return {1.0, 1.0};
    const std::vector<double> per_cluster = cluster_silhouettes_from_cosines(S, labels, k);
    const double lowest = *std::min_element(per_cluster.begin(), per_cluster.end());
    const double mean =
        std::accumulate(per_cluster.begin(), per_cluster.end(), 0.0) / static_cast<double>(k);
    return {lowest, mean};
  }

 public:
  static std::vector<double> cluster_silhouettes_from_cosines(const Eigen::MatrixXd& S,
                                                              const std::vector<Index>& labels,
                                                              Index clusters) {
    const Index count = S.rows();
    std::vector<Index> sizes(static_cast<std::size_t>(clusters));
    for (const Index label : labels) ++sizes[static_cast<std::size_t>(label)];
    std::vector<double> total(static_cast<std::size_t>(clusters));
    std::vector<double> sum(static_cast<std::size_t>(clusters));
    for (Index a = 0; a < count; ++a) {
      std::fill(sum.begin(), sum.end(), 0.0);
      for (Index b = 0; b < count; ++b) {
        if (a == b) continue;
        sum[static_cast<std::size_t>(labels[b])] += std::acos(std::clamp(S(a, b), -1.0, 1.0));
      }
      const auto own = static_cast<std::size_t>(labels[a]);
      const double within = sizes[own] > 1 ? sum[own] / static_cast<double>(sizes[own] - 1) : 0.0;
      double nearest = std::numeric_limits<double>::infinity();
      for (Index c = 0; c < clusters; ++c) {
        if (static_cast<std::size_t>(c) == own || sizes[static_cast<std::size_t>(c)] == 0) continue;
        nearest = std::min(nearest, sum[static_cast<std::size_t>(c)] /
                                        static_cast<double>(sizes[static_cast<std::size_t>(c)]));
      }
      const double largest = std::max(within, nearest);
      const double s = (std::isfinite(nearest) && largest > 0) ? (nearest - within) / largest : 0.0;
      total[own] += s;
    }
    std::vector<double> out(static_cast<std::size_t>(clusters));
    for (Index c = 0; c < clusters; ++c) {
      const auto size = sizes[static_cast<std::size_t>(c)];
      out[static_cast<std::size_t>(c)] =
          size > 0 ? total[static_cast<std::size_t>(c)] / static_cast<double>(size) : 0.0;
    }
    return out;
  }

 private:
  const Matrix& X_;
  const dist::Comm* comm_ = nullptr;
  const EntryWeights<T>& weights_;
  const SelectOptions& o_;
  const Progress& progress_;
  const Progress inner_;  // the fits': the selection reports its own steps, one per fit
  const ScoreCallback& on_score_;
  std::int64_t expected_ = 0;  // fits in all, where known
  std::int64_t at_most_ = 0;   // else at most this many
  mutable std::atomic<std::int64_t> fits_done_{0};
  int parallel_ = 1;
  double observed_norm_ = 0;
  std::map<Index, KScore> cache_;
};

// Coarse points: low, 2·low, 4·low, … below high, then high.
std::vector<Index> coarse_grid(Index low, Index high) {
  std::vector<Index> grid;
  for (Index k = low; k < high; k *= 2) grid.push_back(k);
  grid.push_back(high);
  return grid;
}

// Cross-validation: the coarse grid, then the step halved around the best mean error.
template <class S>
void search_cv(S& scorer, Index low, Index high) {
  std::vector<Index> visited;
  for (const Index k : coarse_grid(low, high)) {
    scorer.cross_validate(k);
    visited.push_back(k);
  }
  while (true) {
    std::sort(visited.begin(), visited.end());
    std::size_t best = 0;
    for (std::size_t i = 0; i < visited.size(); ++i) {
      if (scorer.cross_validate(visited[i]).test_error <
          scorer.cross_validate(visited[best]).test_error) {
        best = i;
      }
    }
    std::vector<Index> next;
    if (best > 0 && visited[best] - visited[best - 1] > 1) {
      next.push_back((visited[best] + visited[best - 1]) / 2);
    }
    if (best + 1 < visited.size() && visited[best + 1] - visited[best] > 1) {
      next.push_back((visited[best] + visited[best + 1]) / 2);
    }
    if (next.empty()) break;
    for (const Index k : next) {
      scorer.cross_validate(k);
      visited.push_back(k);
    }
  }
}

// Stability: the coarse grid, then bisection between the largest stable k and the next
// (unstable) grid point above it.
template <class S>
void search_stability(S& scorer, Index low, Index high, double threshold) {
  const std::vector<Index> grid = coarse_grid(low, high);
  Index stable = 0;
  Index unstable = 0;
  for (const Index k : grid) {
    if (scorer.stability(k).min_silhouette >= threshold) stable = k;
  }
  for (const Index k : grid) {
    if (k > stable) {
      unstable = k;
      break;
    }
  }
  if (stable == 0 || unstable == 0) return;
  while (unstable - stable > 1) {
    const Index middle = (stable + unstable) / 2;
    if (scorer.stability(middle).min_silhouette >= threshold) {
      stable = middle;
    } else {
      unstable = middle;
    }
  }
}

// Any rule: the coarse grid, then the step halved on both sides of the rule's choice
// until its neighbours are one apart.
template <class Score, class Rule>
void search_rule(Index low, Index high, Score&& score, Rule&& rule) {
  std::vector<Index> visited;
  for (const Index k : coarse_grid(low, high)) {
    score(k);
    visited.push_back(k);
  }
  while (true) {
    std::sort(visited.begin(), visited.end());
    const std::optional<Index> picked = rule();
    if (!picked) break;
    const auto at = std::find(visited.begin(), visited.end(), *picked);
    if (at == visited.end()) break;
    const auto i = static_cast<std::size_t>(at - visited.begin());
    std::vector<Index> next;
    if (i > 0 && visited[i] - visited[i - 1] > 1) next.push_back((visited[i] + visited[i - 1]) / 2);
    if (i + 1 < visited.size() && visited[i + 1] - visited[i] > 1) {
      next.push_back((visited[i] + visited[i + 1]) / 2);
    }
    if (next.empty()) break;
    for (const Index k : next) {
      score(k);
      visited.push_back(k);
    }
  }
}

struct Methods {
  bool cv = false, stability = false, consensus = false, cnmf = false;
  explicit Methods(Method m)
      : cv(m == Method::CrossValidation || m == Method::Both || m == Method::All),
        stability(m == Method::Stability || m == Method::Both || m == Method::All),
        consensus(m == Method::Consensus || m == Method::All),
        cnmf(m == Method::Cnmf || m == Method::All) {}
};

// Which methods chose which k: "cv, stability and cnmf chose 7; consensus chose 6".
std::string describe_agreement(const std::vector<std::pair<std::string, Index>>& choices) {
  std::map<Index, std::vector<std::string>> by_k;
  for (const auto& [name, k] : choices) by_k[k].push_back(name);
  if (by_k.size() == 1 && choices.size() > 1) {
    return "all " + std::to_string(choices.size()) + " methods chose k = " +
           std::to_string(choices.front().second);
  }
  std::string out;
  for (const auto& [k, names] : by_k) {
    if (!out.empty()) out += "; ";
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
      out += names[i];
    }
    out += " chose k = " + std::to_string(k);
  }
  return out;
}

// What the largest k holds at once, before any fit starts: the fits side by side (W, H
// and the solver's Gram matrices each), the stability ensemble's components and the
// cosines of all their pairs, the restarts' components, spectra and sample weights, the
// spectra's pairwise distances and the consensus matrix.
void check_select_memory(Index m, Index n, Index k, const SelectOptions& o, const Methods& run,
                         std::size_t scalar_size) {
  const double md = static_cast<double>(m), nd = static_cast<double>(n);
  const double kd = static_cast<double>(k);
  const double fits_at_once = std::max(1, o.parallel_fits > 0 ? o.parallel_fits : omp_get_max_threads());
  double bytes = fits_at_once * static_cast<double>(scalar_size) * (2 * (md + nd) * kd + 2 * kd * kd);
  std::string what = "--k up to " + std::to_string(k);
  if (run.stability) {
    const double P = o.stability.perturbations;
    bytes += 8 * (P * kd * nd + P * kd * P * kd);
    what += ", " + std::to_string(o.stability.perturbations) + " perturbations";
  }
  if (run.consensus || run.cnmf) {
    const double R = o.consensus.restarts;
    const double samples = std::min(md, static_cast<double>(o.consensus.max_samples));
    bytes += 8 * (2 * R * kd * nd + R * samples * kd + R * kd * R * kd + samples * samples);
    what += ", " + std::to_string(o.consensus.restarts) + " restarts";
  }
  require_memory(bytes, what + " on a " + std::to_string(m) + " × " + std::to_string(n) +
                            " matrix (the ensemble's factors and their pairwise comparisons)");
}

template <class T, class Matrix>
Selection select_impl(const Matrix& X, const EntryWeights<T>& weights, const SelectOptions& given,
                      const Progress& progress, const ScoreCallback& on_score) {
  given.validate();
  weights.check_shape(X.rows(), X.cols());
  if (given.checkpoint && given.nmf.comm) {
    throw InvalidArgument("checkpoints work in one process; under mpirun give --no-checkpoint");
  }
  SelectOptions options = given;
  const Index limit = std::min(X.rows(), X.cols());
  if (options.k.search) {
    if (options.k.high == 0) options.k.high = std::min<Index>(limit, 40);
    if (options.k.low > options.k.high) {
      throw InvalidArgument("--k: the search range " + std::to_string(options.k.low) + ":" +
                            std::to_string(options.k.high) + " is empty");
    }
  }
  const Index largest = options.k.search ? options.k.high : options.k.ks.back();
  if (largest > limit) {
    throw InvalidArgument("--k: k = " + std::to_string(largest) +
                          " is above min(rows, columns) = " + std::to_string(limit));
  }
  const Methods run(options.method);
  check_select_memory(X.rows(), X.cols(), largest, options, run, sizeof(T));
  const auto start = std::chrono::steady_clock::now();
  Scorer<T, Matrix> scorer(X, weights, options, progress, on_score);
  const ConsensusOptions& co = options.consensus;
  // Per k: each method's fits and one more for the reconstruction error.
  const std::int64_t per_k = 1 + (run.cv ? options.cv.replicates : 0) +
                             (run.stability ? options.stability.perturbations : 0) +
                             (run.consensus || run.cnmf ? co.restarts : 0);
  if (options.k.search) {
    scorer.expect_fits(0, per_k * (options.k.high - options.k.low + 1));
  } else {
    scorer.expect_fits(per_k * static_cast<std::int64_t>(options.k.ks.size()), 0);
  }
  if (options.k.search) {
    const Index low = options.k.low, high = options.k.high;
    if (run.cv) search_cv(scorer, low, high);
    if (run.stability) search_stability(scorer, low, high, options.stability.threshold);
    if (run.consensus) {
      search_rule(low, high, [&](Index k) { scorer.restarts(k); },
                  [&] { return consensus_k(scorer.scores(), co.tolerance); });
    }
    if (run.cnmf) {
      search_rule(low, high, [&](Index k) { scorer.restarts(k); },
                  [&] { return cnmf_k(scorer.scores(), co.silhouette_tolerance); });
    }
  } else {
    for (const Index k : options.k.ks) {
      if (run.cv) scorer.cross_validate(k);
      if (run.stability) scorer.stability(k);
      if (run.consensus || run.cnmf) scorer.restarts(k);
    }
  }
  if (run.cv && options.k.search) {
    // The search finds the minimum; the elbow may lie below it, at ks the search skipped.
    while (true) {
      const std::optional<Index> picked = elbow_k(scorer.scores(), options.cv.tolerance);
      if (!picked || *picked - 1 < options.k.low || scorer.has_cross_validation(*picked - 1)) break;
      scorer.cross_validate(*picked - 1);
    }
  }

  scorer.report_last();
  Selection selection;
  selection.scores = scorer.scores();
  std::vector<std::pair<std::string, Index>> choices;
  if (run.cv) {
    selection.cv_k = elbow_k(selection.scores, options.cv.tolerance);
    selection.cv_rule = "the smallest k whose mean held-out error (over " +
                        std::to_string(options.cv.replicates) + " speckled holdouts of " +
                        format(options.cv.holdout_fraction) +
                        " of the entries) has come within " +
                        format(100 * options.cv.tolerance) +
                        " % of the way down the curve's descent, on a log scale (from the "
                        "highest error before the lowest, to the lowest): the elbow";
    choices.emplace_back("cv", *selection.cv_k);
  }
  if (run.stability) {
    selection.stability_k = largest_stable_k(selection.scores, options.stability.threshold);
    selection.stability_rule = "the largest k whose smallest cluster silhouette (" +
                               std::to_string(options.stability.perturbations) +
                               " fits on copies with ±" + format(options.stability.noise) +
                               " multiplicative noise, components matched by the "
                               "Hungarian method) is at least " +
                               format(options.stability.threshold) +
                               "; when none is, the k with the highest smallest silhouette";
    if (!selection.stability_k) {
      double best = -2;
      for (const auto& s : selection.scores) {
        if (!std::isnan(s.min_silhouette) && s.min_silhouette > best) {
          best = s.min_silhouette;
          selection.stability_k = s.k;
        }
      }
    }
    choices.emplace_back("stability", *selection.stability_k);
  }
  if (run.consensus) {
    selection.consensus_k = consensus_k(selection.scores, co.tolerance);
    selection.consensus_rule =
        "the largest k whose cophenetic correlation (consensus matrix of the samples' "
        "largest components over " + std::to_string(co.restarts) +
        " random starts, average linkage) is within " + format(co.tolerance) +
        " of the highest";
    choices.emplace_back("consensus", *selection.consensus_k);
  }
  if (run.cnmf) {
    selection.cnmf_k = cnmf_k(selection.scores, co.silhouette_tolerance);
    selection.cnmf_rule = "the largest k whose silhouette of the k-means clusters of the " +
                          std::to_string(co.restarts) +
                          " random starts' unit-length components is within " +
                          format(co.silhouette_tolerance) + " of the highest";
    choices.emplace_back("cnmf", *selection.cnmf_k);
  }
  selection.agreement = describe_agreement(choices);
  if (options.method == Method::Both) {
    selection.chosen_k = std::min(*selection.cv_k, *selection.stability_k);
    selection.rule = "both: the smaller of the cross-validation and the stability choice";
  } else if (options.method == Method::All) {
    std::map<Index, int> votes;
    for (const auto& choice : choices) ++votes[choice.second];
    int most = 0;
    for (const auto& [k, count] : votes) {
      if (count > most) {  // increasing k: the smaller wins a tie
        most = count;
        selection.chosen_k = k;
      }
    }
    selection.rule = "all: the k most methods chose (the smaller on a tie)";
  } else {
    const auto& [name, k] = choices.front();
    selection.chosen_k = k;
    selection.rule = name + ": " +
                     (run.cv          ? selection.cv_rule
                      : run.stability ? selection.stability_rule
                      : run.consensus ? selection.consensus_rule
                                      : selection.cnmf_rule);
  }
  selection.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return selection;
}

}  // namespace

std::string to_string(Method method) {
  switch (method) {
    case Method::CrossValidation:
      return "cv";
    case Method::Stability:
      return "stability";
    case Method::Both:
      return "both";
    case Method::Consensus:
      return "consensus";
    case Method::Cnmf:
      return "cnmf";
    case Method::All:
      return "all";
  }
  return "cv";
}

Method parse_method(const std::string& name) {
  if (name == "cv") return Method::CrossValidation;
  if (name == "stability") return Method::Stability;
  if (name == "both") return Method::Both;
  if (name == "consensus") return Method::Consensus;
  if (name == "cnmf") return Method::Cnmf;
  if (name == "all") return Method::All;
  throw InvalidArgument("method must be cv, stability, both, consensus, cnmf or all; got '" +
                        name + "'");
}

KSpec parse_k_spec(const std::string& text) {
  KSpec spec;
  if (text == "auto" || text.rfind("auto:", 0) == 0) {
    spec.search = true;
    if (text != "auto") {
      const auto parts = split(text.substr(5), ':');
      if (parts.size() != 2) {
        throw InvalidArgument("--k: expected auto or auto:LOW:HIGH, got '" + text + "'");
      }
      spec.low = parse_whole(parts[0], "the low end");
      spec.high = parse_whole(parts[1], "the high end");
      if (spec.low > spec.high) {
        throw InvalidArgument("--k: the range " + text.substr(5) + " is empty");
      }
    }
    return spec;
  }
  if (text.find(':') != std::string::npos) {
    const auto parts = split(text, ':');
    if (parts.size() != 2 && parts.size() != 3) {
      throw InvalidArgument("--k: expected LOW:HIGH or LOW:HIGH:STEP, got '" + text + "'");
    }
    const Index low = parse_whole(parts[0], "the low end");
    const Index high = parse_whole(parts[1], "the high end");
    const Index step = parts.size() == 3 ? parse_whole(parts[2], "the step") : 1;
    if (low > high) throw InvalidArgument("--k: the range " + text + " is empty");
    for (Index k = low; k <= high; k += step) spec.ks.push_back(k);
    return spec;
  }
  for (const auto& part : split(text, ',')) spec.ks.push_back(parse_whole(part, "each k"));
  if (spec.ks.empty()) throw InvalidArgument("--k: the list of k is empty");
  std::sort(spec.ks.begin(), spec.ks.end());
  spec.ks.erase(std::unique(spec.ks.begin(), spec.ks.end()), spec.ks.end());
  return spec;
}

SelectOptions SelectOptions::for_automatic_k() const {
  SelectOptions options = *this;
  if (!solver_supports_weights(options.nmf.solver)) options.nmf.solver = "auto";
  return options;
}

void SelectOptions::validate() const {
  if (!k.search && k.ks.empty()) throw InvalidArgument("--k: the list of k is empty");
  const Methods run(method);
  if (run.cv) {
    SpeckledHoldout{cv.holdout_fraction, 0}.validate();
    if (cv.replicates < 1) {
      throw InvalidArgument("replicates must be >= 1, got " + std::to_string(cv.replicates));
    }
    if (!(cv.tolerance >= 0 && cv.tolerance <= 1)) {
      throw InvalidArgument("cv tolerance must be in [0, 1], got " + format(cv.tolerance));
    }
    if (!solver_supports_weights(nmf.solver)) {
      throw InvalidArgument("cross-validation fits with held-out entries, which solver '" +
                            nmf.solver + "' does not support; use one of " +
                            solvers_with_weights());
    }
  }
  if (run.consensus || run.cnmf) {
    if (consensus.restarts < 2) {
      throw InvalidArgument("restarts must be >= 2, got " + std::to_string(consensus.restarts));
    }
    if (consensus.max_samples < 2) {
      throw InvalidArgument("consensus samples must be >= 2, got " +
                            std::to_string(consensus.max_samples));
    }
    if (!(consensus.tolerance >= 0 && consensus.tolerance <= 2)) {
      throw InvalidArgument("cophenetic tolerance must be in [0, 2], got " +
                            format(consensus.tolerance));
    }
    if (!(consensus.silhouette_tolerance >= 0 && consensus.silhouette_tolerance <= 2)) {
      throw InvalidArgument("cnmf silhouette tolerance must be in [0, 2], got " +
                            format(consensus.silhouette_tolerance));
    }
    SpectraConsensusOptions combine;
    combine.density_threshold = consensus.density_threshold;
    combine.neighborhood = consensus.neighborhood;
    combine.validate();
  }
  if (run.stability) {
    if (stability.perturbations < 2) {
      throw InvalidArgument("perturbations must be >= 2, got " +
                            std::to_string(stability.perturbations));
    }
    if (!(stability.noise >= 0 && stability.noise < 1)) {
      throw InvalidArgument("noise must be in [0, 1), got " + format(stability.noise));
    }
    if (!(stability.threshold >= -1 && stability.threshold <= 1)) {
      throw InvalidArgument("silhouette threshold must be in [-1, 1], got " +
                            format(stability.threshold));
    }
  }
  nmf.validate();
}

std::vector<Index> best_matching(const Eigen::MatrixXd& similarity) {
  // Hungarian method (potentials and augmenting paths) minimising −similarity.
  const Index n = similarity.rows();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<std::size_t>(n + 1)), v(static_cast<std::size_t>(n + 1));
  std::vector<Index> p(static_cast<std::size_t>(n + 1)), way(static_cast<std::size_t>(n + 1));
  for (Index i = 1; i <= n; ++i) {
    p[0] = i;
    Index j0 = 0;
    std::vector<double> minv(static_cast<std::size_t>(n + 1), inf);
    std::vector<char> used(static_cast<std::size_t>(n + 1), 0);
    do {
      used[static_cast<std::size_t>(j0)] = 1;
      const Index i0 = p[static_cast<std::size_t>(j0)];
      double delta = inf;
      Index j1 = 0;
      for (Index j = 1; j <= n; ++j) {
        if (used[static_cast<std::size_t>(j)]) continue;
        const double cur = -similarity(i0 - 1, j - 1) - u[static_cast<std::size_t>(i0)] -
                           v[static_cast<std::size_t>(j)];
        if (cur < minv[static_cast<std::size_t>(j)]) {
          minv[static_cast<std::size_t>(j)] = cur;
          way[static_cast<std::size_t>(j)] = j0;
        }
        if (minv[static_cast<std::size_t>(j)] < delta) {
          delta = minv[static_cast<std::size_t>(j)];
          j1 = j;
        }
      }
      for (Index j = 0; j <= n; ++j) {
        if (used[static_cast<std::size_t>(j)]) {
          u[static_cast<std::size_t>(p[static_cast<std::size_t>(j)])] += delta;
          v[static_cast<std::size_t>(j)] -= delta;
        } else {
          minv[static_cast<std::size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (p[static_cast<std::size_t>(j0)] != 0);
    do {
      const Index j1 = way[static_cast<std::size_t>(j0)];
      p[static_cast<std::size_t>(j0)] = p[static_cast<std::size_t>(j1)];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<Index> result(static_cast<std::size_t>(n));
  for (Index j = 1; j <= n; ++j) {
    result[static_cast<std::size_t>(p[static_cast<std::size_t>(j)] - 1)] = j - 1;
  }
  return result;
}

std::vector<double> cluster_silhouettes(const Eigen::MatrixXd& points,
                                        const std::vector<Index>& labels, Index clusters) {
  const Eigen::MatrixXd S = points * points.transpose();
  return Scorer<double, DenseMatrix<double>>::cluster_silhouettes_from_cosines(S, labels, clusters);
}

std::optional<Index> one_standard_error_k(const std::vector<KScore>& scores) {
  const KScore* best = nullptr;
  for (const auto& s : scores) {
    if (std::isnan(s.test_error)) continue;
    if (!best || s.test_error < best->test_error) best = &s;
  }
  if (!best) return std::nullopt;
  const double bound = best->test_error + best->test_error_se;
  for (const auto& s : scores) {
    if (!std::isnan(s.test_error) && s.test_error <= bound) return s.k;
  }
  return best->k;
}

std::optional<Index> elbow_k(const std::vector<KScore>& scores, double tolerance) {
  std::vector<const KScore*> curve;
  for (const auto& s : scores) {
    if (!std::isnan(s.test_error)) curve.push_back(&s);
  }
  if (curve.empty()) return std::nullopt;
  const auto log_error = [](const KScore* s) { return std::log(std::max(s->test_error, 1e-300)); };
  std::size_t best = 0;
  for (std::size_t i = 1; i < curve.size(); ++i) {
    if (curve[i]->test_error < curve[best]->test_error) best = i;
  }
  // The descent: from the highest error at or below the best k down to the best. Errors
  // above the best k (overfitting, or a replicate's failed fit) do not stretch the scale.
  double high = log_error(curve[best]);
  for (std::size_t i = 0; i <= best; ++i) high = std::max(high, log_error(curve[i]));
  const double low = log_error(curve[best]);
  for (std::size_t i = 0; i <= best; ++i) {
    if (log_error(curve[i]) <= low + tolerance * (high - low)) return curve[i]->k;
  }
  return curve[best]->k;
}

std::optional<Index> consensus_k(const std::vector<KScore>& scores, double tolerance) {
  double highest = -std::numeric_limits<double>::infinity();
  for (const auto& s : scores) {
    if (!std::isnan(s.cophenetic)) highest = std::max(highest, s.cophenetic);
  }
  std::optional<Index> chosen;
  for (const auto& s : scores) {
    if (!std::isnan(s.cophenetic) && s.cophenetic >= highest - tolerance) chosen = s.k;
  }
  return chosen;
}

std::optional<Index> cnmf_k(const std::vector<KScore>& scores, double tolerance) {
  double highest = -std::numeric_limits<double>::infinity();
  for (const auto& s : scores) {
    if (!std::isnan(s.cnmf_silhouette)) highest = std::max(highest, s.cnmf_silhouette);
  }
  std::optional<Index> chosen;
  for (const auto& s : scores) {
    if (!std::isnan(s.cnmf_silhouette) && s.cnmf_silhouette >= highest - tolerance) chosen = s.k;
  }
  return chosen;
}

std::optional<Index> largest_stable_k(const std::vector<KScore>& scores, double threshold) {
  std::optional<Index> chosen;
  for (const auto& s : scores) {
    if (!std::isnan(s.min_silhouette) && s.min_silhouette >= threshold) chosen = s.k;
  }
  return chosen;
}

template <class T>
Selection select_k(const DenseMatrix<T>& X, const EntryWeights<T>& weights,
                   const SelectOptions& options, const Progress& progress,
                   const ScoreCallback& on_score) {
  return select_impl<T>(X, weights, options, progress, on_score);
}
template <class T>
Selection select_k(const SparseMatrix<T>& X, const EntryWeights<T>& weights,
                   const SelectOptions& options, const Progress& progress,
                   const ScoreCallback& on_score) {
  return select_impl<T>(X, weights, options, progress, on_score);
}

template Selection select_k(const DenseMatrix<float>&, const EntryWeights<float>&,
                            const SelectOptions&, const Progress&, const ScoreCallback&);
template Selection select_k(const DenseMatrix<double>&, const EntryWeights<double>&,
                            const SelectOptions&, const Progress&, const ScoreCallback&);
template Selection select_k(const SparseMatrix<float>&, const EntryWeights<float>&,
                            const SelectOptions&, const Progress&, const ScoreCallback&);
template Selection select_k(const SparseMatrix<double>&, const EntryWeights<double>&,
                            const SelectOptions&, const Progress&, const ScoreCallback&);

}  // namespace nmfkit::select
