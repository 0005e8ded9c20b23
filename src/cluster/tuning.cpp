#include "nmfkit/cluster/tuning.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/cluster/leiden.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"

namespace nmfkit::cluster {

namespace {

constexpr int kMaxSteps = 3;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Clusters renamed 0, 1, ... by decreasing size (ties: first appearance), so the output does
// not depend on igraph's numbering.
std::vector<int> by_size(const std::vector<int>& membership, std::vector<Index>* sizes) {
  std::map<int, Index> count;
  std::map<int, std::size_t> first;
  for (std::size_t i = 0; i < membership.size(); ++i) {
    ++count[membership[i]];
    first.emplace(membership[i], i);
  }
  std::vector<int> order;
  for (const auto& [c, k] : count) order.push_back(c);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (count[a] != count[b]) return count[a] > count[b];
    return first[a] < first[b];
  });
  std::map<int, int> rename;
  for (std::size_t r = 0; r < order.size(); ++r) rename[order[r]] = static_cast<int>(r);
  std::vector<int> out(membership.size());
  for (std::size_t i = 0; i < membership.size(); ++i) out[i] = rename[membership[i]];
  if (sizes) {
    sizes->clear();
    for (const int c : order) sizes->push_back(count[c]);
  }
  return out;
}

SparseMatrix<double> rows_of(const SparseMatrix<double>& Y, const std::vector<Index>& rows) {
  std::vector<Eigen::Triplet<double, std::int64_t>> entries;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (SparseMatrix<double>::InnerIterator it(Y, rows[r]); it; ++it)
      entries.emplace_back(static_cast<Index>(r), it.col(), it.value());
  }
  SparseMatrix<double> out(static_cast<Index>(rows.size()), Y.cols());
  out.setFromTriplets(entries.begin(), entries.end());
  out.makeCompressed();
  return out;
}

}  // namespace

std::string to_string(PartitionCriterion criterion) {
  switch (criterion) {
    case PartitionCriterion::Both: return "both";
    case PartitionCriterion::Kernel: return "kernel";
    case PartitionCriterion::Centroid: return "centroid";
  }
  return "?";
}

PartitionCriterion parse_partition_criterion(const std::string& name) {
  if (name == "both") return PartitionCriterion::Both;
  if (name == "kernel") return PartitionCriterion::Kernel;
  if (name == "centroid") return PartitionCriterion::Centroid;
  throw InvalidArgument("partition criterion '" + name + "' is not one of both, kernel, centroid");
}

std::vector<int> default_neighbor_grid(Index n) {
  std::vector<int> grid;
  for (const int k : {5, 7, 10, 15, 20, 30, 50, 75, 100}) {
    if (k < n) grid.push_back(k);
  }
  return grid;
}

std::vector<double> log_grid(double low, double high, int count) {
  if (!(low > 0) || !(high >= low) || count < 1) {
    throw InvalidArgument("a log grid needs 0 < low ≤ high and at least one point");
  }
  std::vector<double> grid;
  if (count == 1) return {low};
  for (int i = 0; i < count; ++i) {
    grid.push_back(low * std::pow(high / low, static_cast<double>(i) / (count - 1)));
  }
  return grid;
}

void ClusterOptions::validate(Index n) const {
  for (const int k : neighbors) {
    if (k < 1) throw InvalidArgument("neighbour count " + std::to_string(k) + " must be at least 1");
    if (k >= n) {
      throw InvalidArgument("neighbour count " + std::to_string(k) + " needs more than " +
                            std::to_string(k) + " samples with a non-zero embedding; there are " +
                            std::to_string(n));
    }
  }
  // (n is unknown, the largest Index, when the caller checks the values alone.)
  if (!neighbors.empty() && n < std::numeric_limits<Index>::max()) {
    // The kNN lists (an index and a distance per neighbour) and the kernel, whose rows
    // fill in with each diffusion step, up to every sample.
    const int kmax = *std::max_element(neighbors.begin(), neighbors.end());
    const double samples = static_cast<double>(n);
    const double row = std::min(samples, std::pow(static_cast<double>(kmax), max_steps));
    require_memory(samples * static_cast<double>(kmax) * 16 + samples * row * 2 * 12,
                   "neighbour count " + std::to_string(kmax) + " on " + std::to_string(n) +
                       " samples (the kNN lists and the " + std::to_string(max_steps) +
                       "-step kernel)");
  }
  if (neighbors.empty() && default_neighbor_grid(n).empty()) {
    throw InvalidArgument("there are " + std::to_string(n) +
                          " samples with a non-zero embedding: too few for the smallest default "
                          "neighbour count 5 (give smaller neighbour counts)");
  }
  if (max_steps < 1 || max_steps > kMaxSteps) {
    throw InvalidArgument("diffusion steps " + std::to_string(max_steps) + " must be in 1.." +
                          std::to_string(kMaxSteps));
  }
  for (const double r : resolutions) {
    if (!(r > 0) || !std::isfinite(r)) {
      throw InvalidArgument("resolution " + std::to_string(r) + " must be a finite number > 0");
    }
  }
  if (seeds < 1) throw InvalidArgument("seeds " + std::to_string(seeds) + " must be at least 1");
  LeidenOptions leiden_options;
  leiden_options.beta = beta;
  leiden_options.max_rounds = max_rounds;
  leiden_options.validate();
}

namespace {

// A unit of the tuning from the checkpoint when it holds it, else computed and saved.
CheckpointRecord saved_or_computed(const CheckpointStore* checkpoint, const std::string& unit,
                                   const Progress& progress,
                                   const std::function<CheckpointRecord()>& compute) {
  if (checkpoint) {
    if (std::optional<CheckpointRecord> saved = checkpoint->load(unit)) return *saved;
  }
  progress.check_cancelled();
  CheckpointRecord done = compute();
  if (checkpoint) checkpoint->save(unit, done);
  return done;
}

CheckpointRecord to_record(const LossStats& loss) {
  CheckpointRecord r;
  r.numbers = {{"loss", loss.loss},
               {"baseline", loss.baseline},
               {"r2", loss.r2},
               {"rows_used", static_cast<double>(loss.rows_used)},
               {"empty_rows", static_cast<double>(loss.empty_rows)}};
  return r;
}

LossStats loss_stats(const CheckpointRecord& r) {
  LossStats loss;
  loss.loss = r.number("loss");
  loss.baseline = r.number("baseline");
  loss.r2 = r.number("r2");
  loss.rows_used = static_cast<Index>(r.number("rows_used"));
  loss.empty_rows = static_cast<Index>(r.number("empty_rows"));
  return loss;
}

}  // namespace

ClusterResult cluster_samples(const DenseMatrix<double>& W, const SparseMatrix<double>& Y,
                              const ClusterOptions& options, const Progress& progress) {
  if (W.rows() != Y.rows()) {
    throw InvalidArgument("the embedding has " + std::to_string(W.rows()) +
                          " rows but the data have " + std::to_string(Y.rows()));
  }
  ClusterResult result;
  const DenseMatrix<double> Z_all = embed(W, options.metric, options.column_scale);

  // Rows without a position in the embedding are set aside.
  std::vector<Index> kept;
  for (Index i = 0; i < Z_all.rows(); ++i) {
    if (Z_all.row(i).squaredNorm() > 0) kept.push_back(i);
    else result.dropped.push_back(i);
  }
  const auto n = static_cast<Index>(kept.size());
  options.validate(n);
  DenseMatrix<double> Z(n, Z_all.cols());
  for (Index r = 0; r < n; ++r) Z.row(r) = Z_all.row(kept[static_cast<std::size_t>(r)]);
  const SparseMatrix<double> Yk = result.dropped.empty() ? Y : rows_of(Y, kept);

  std::vector<int> grid = options.neighbors.empty() ? default_neighbor_grid(n) : options.neighbors;
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  std::vector<double> resolutions =
      options.resolutions.empty() ? default_resolution_grid() : options.resolutions;
  std::sort(resolutions.begin(), resolutions.end());
  resolutions.erase(std::unique(resolutions.begin(), resolutions.end()), resolutions.end());

  // 1. Neighbour lists once, at the largest count.
  auto start = std::chrono::steady_clock::now();
  const KnnLists knn = nearest_neighbors(Z, grid.back(), options.knn);
  result.knn_seconds = seconds_since(start);

  // 2. κ (and t) by the noise2self loss of R(A_κ).
  start = std::chrono::steady_clock::now();
  const NeighborScore* best = nullptr;
  std::int64_t counts_done = 0;
  for (const int kappa : grid) {
    // The kernel is built when a step count of κ is not in the checkpoint.
    std::optional<SparseMatrix<double>> T;
    for (int steps = 1; steps <= options.max_steps; ++steps) {
      NeighborScore score;
      score.neighbors = kappa;
      score.steps = steps;
      const std::string unit = "neighbors-" + std::to_string(kappa) + "-steps-" + std::to_string(steps);
      score.loss = loss_stats(saved_or_computed(options.checkpoint, unit, progress, [&] {
        if (!T) {
          SparseMatrix<double> A = affinity(knn, kappa, options.weighting);
          if (options.symmetrize_kernel) A = symmetrize(A);
          T = row_stochastic(A);
        }
        return to_record(noise2self_loss(Yk, steps == 1 ? *T : diffuse(*T, steps)));
      }));
      result.neighbor_grid.push_back(score);
    }
    progress.report({.task = "cluster",
                     .unit = "neighbour counts",
                     .done = ++counts_done,
                     .total = static_cast<std::int64_t>(grid.size())});
  }
  for (const auto& score : result.neighbor_grid) {
    if (!best || score.loss.loss < best->loss.loss) best = &score;
  }
  result.neighbors = best->neighbors;
  result.steps = best->steps;
  result.knn_loss = best->loss;
  result.neighbor_seconds = seconds_since(start);

  // 3. γ by the loss of the partition-masked kernel, averaged over the seeds.
  start = std::chrono::steady_clock::now();
  const SparseMatrix<double> A = affinity(knn, result.neighbors, options.weighting);
  const Graph graph(symmetrize(A));
  std::vector<std::vector<std::vector<int>>> partitions(resolutions.size());
  std::vector<double> mean_loss(resolutions.size(), 0.0);
  std::vector<double> mean_criterion(resolutions.size(), 0.0);
  for (std::size_t g = 0; g < resolutions.size(); ++g) {
    for (int s = 0; s < options.seeds; ++s) {
      ResolutionScore score;
      score.resolution = resolutions[g];
      score.seed = options.seed + static_cast<std::uint64_t>(s);
      const std::string unit = "leiden-" + std::to_string(g) + "-seed-" + std::to_string(s);
      const CheckpointRecord run = saved_or_computed(options.checkpoint, unit, progress, [&] {
        LeidenOptions leiden_options;
        leiden_options.resolution = resolutions[g];
        leiden_options.beta = options.beta;
        leiden_options.max_rounds = options.max_rounds;
        leiden_options.seed = score.seed;
        const LeidenResult partition = leiden(graph, leiden_options);
        SparseMatrix<double> masked = within_clusters(A, partition.membership);
        if (options.symmetrize_kernel) masked = symmetrize(masked);
        Index isolated = 0;
        SparseMatrix<double> T = row_stochastic(masked, &isolated);
        if (result.steps > 1) T = diffuse(T, result.steps);
        CheckpointRecord r;
        r.numbers = {{"clusters", partition.clusters},
                     {"modularity", partition.quality},
                     {"rounds", partition.rounds},
                     {"isolated", static_cast<double>(isolated)},
                     {"loss", noise2self_loss(Yk, T).loss},
                     {"centroid_loss", centroid_loss(Yk, partition.membership)}};
        r.put_vector("membership", {partition.membership.begin(), partition.membership.end()});
        return r;
      });
      progress.report({.task = "cluster",
                       .unit = "Leiden runs",
                       .done = static_cast<std::int64_t>(g) * options.seeds + s + 1,
                       .total = static_cast<std::int64_t>(resolutions.size()) * options.seeds});
      score.clusters = static_cast<int>(run.number("clusters"));
      score.modularity = run.number("modularity");
      score.rounds = static_cast<int>(run.number("rounds"));
      score.isolated = static_cast<Index>(run.number("isolated"));
      score.loss = run.number("loss");
      score.centroid_loss = run.number("centroid_loss");
      const std::vector<double> saved_membership = run.vector("membership");
      if (static_cast<Index>(saved_membership.size()) != n)
        throw InvalidArgument("the checkpoint's unit " + unit + " does not fit this run");
      std::vector<int> membership(saved_membership.begin(), saved_membership.end());
      switch (options.criterion) {
        case PartitionCriterion::Both: score.criterion = score.loss + score.centroid_loss; break;
        case PartitionCriterion::Kernel: score.criterion = score.loss; break;
        case PartitionCriterion::Centroid: score.criterion = score.centroid_loss; break;
      }
      mean_loss[g] += score.loss / options.seeds;
      mean_criterion[g] += score.criterion / options.seeds;
      if (options.keep_partitions) score.membership = membership;
      result.resolution_grid.push_back(std::move(score));
      partitions[g].push_back(std::move(membership));
    }
  }
  std::size_t chosen = 0;
  for (std::size_t g = 1; g < resolutions.size(); ++g) {
    if (mean_criterion[g] < mean_criterion[chosen]) chosen = g;
  }
  result.resolution = resolutions[chosen];
  result.mean_partition_loss = mean_loss[chosen];
  result.mean_criterion = mean_criterion[chosen];

  // 4. The seed with the highest modularity at γ*; its agreement with the other seeds.
  std::size_t keep = 0;
  const std::size_t first_row = chosen * static_cast<std::size_t>(options.seeds);
  for (std::size_t s = 1; s < static_cast<std::size_t>(options.seeds); ++s) {
    if (result.resolution_grid[first_row + s].modularity > result.resolution_grid[first_row + keep].modularity)
      keep = s;
  }
  const ResolutionScore& kept_score = result.resolution_grid[first_row + keep];
  result.seed = kept_score.seed;
  result.modularity = kept_score.modularity;
  result.partition_loss = kept_score.loss;
  if (options.seeds > 1) {
    double nmi = 0, ari = 0;
    int pairs = 0;
    for (int a = 0; a < options.seeds; ++a) {
      for (int b = a + 1; b < options.seeds; ++b) {
        nmi += normalized_mutual_information(partitions[chosen][static_cast<std::size_t>(a)],
                                             partitions[chosen][static_cast<std::size_t>(b)]);
        ari += adjusted_rand_index(partitions[chosen][static_cast<std::size_t>(a)],
                                   partitions[chosen][static_cast<std::size_t>(b)]);
        ++pairs;
      }
    }
    result.seed_nmi = nmi / pairs;
    result.seed_ari = ari / pairs;
  }
  const std::vector<int> renamed = by_size(partitions[chosen][keep], &result.sizes);
  result.clusters = static_cast<int>(result.sizes.size());
  result.membership.assign(static_cast<std::size_t>(W.rows()), -1);
  for (Index r = 0; r < n; ++r) {
    result.membership[static_cast<std::size_t>(kept[static_cast<std::size_t>(r)])] =
        renamed[static_cast<std::size_t>(r)];
  }
  result.leiden_seconds = seconds_since(start);
  return result;
}

}  // namespace nmfkit::cluster
