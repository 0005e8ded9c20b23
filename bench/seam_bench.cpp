// The products one NMF iteration is made of, on the 20 newsgroups tf-idf (or any matrix
// named by NMFKIT_BENCH_MATRIX): X·Hᵀ and Xᵀ·W (the floor: an iteration must do both),
// the Gram matrices, the NNLS batches and a whole hals iteration; and the machine's
// memory bandwidth, to read the products against what moving their bytes costs.
// The fast products and the NNLS batches run on the vector kernels of the instruction set
// named in the output's context ("isa"); NMFKIT_ISA=portable|avx2|avx512 picks a lower one.
//
//   NMFKIT_BENCH_MATRIX=/tmp/nmfkit-bench/news-tfidf/X.mtx build-bench/bench/nmfkit_seam_bench

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "nmfkit/core/random.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/linalg/kernels.hpp"
#include "nmfkit/linalg/products.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/nmf/nnls.hpp"

namespace nmfkit {
namespace {

using Sparse = SparseMatrix<double>;
using Dense = DenseMatrix<double>;

// The benchmark matrix, read once: the file named by NMFKIT_BENCH_MATRIX, else random
// data of the 20 newsgroups' shape and density.
const Sparse& data() {
  static const Sparse X = [] {
    if (const char* path = std::getenv("NMFKIT_BENCH_MATRIX")) {
      AnyMatrix any = io::read_matrix(path);
      any.convert(DType::Float64);
      return std::get<Sparse>(any.storage());
    }
    RandomState rng(0);
    std::vector<Eigen::Triplet<double, std::int64_t>> entries;
    const Index rows = 18846, cols = 75568, per_row = 108;
    for (Index i = 0; i < rows; ++i) {
      for (Index e = 0; e < per_row; ++e) {
        entries.emplace_back(i, static_cast<Index>(rng.random_sample() * cols), rng.random_sample());
      }
    }
    Sparse random(rows, cols);
    random.setFromTriplets(entries.begin(), entries.end());
    return random;
  }();
  return X;
}

const Sparse& data_transposed() {
  static const Sparse Xt = linalg::transposed(data());
  return Xt;
}

Dense random_factor(Index rows, Index k) {
  RandomState rng(1);
  Dense F(rows, k);
  for (Index i = 0; i < F.size(); ++i) F.data()[i] = rng.random_sample();
  return F;
}

// Bytes a CSR product must move at least: values and column indices once, the row
// pointers, and the output.
double product_bytes(const Sparse& X, Index k) {
  return static_cast<double>(X.nonZeros()) * (sizeof(double) + sizeof(std::int64_t)) +
         static_cast<double>(X.rows()) * (sizeof(std::int64_t) + k * sizeof(double));
}

void BM_X_times_Ht(benchmark::State& state) {
  const Index k = state.range(0);
  const Dense Ht = random_factor(data().cols(), k);
  Dense out;
  for (auto _ : state) {
    linalg::multiply(data(), Ht, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * product_bytes(data(), k)));
}

void BM_Xt_times_W(benchmark::State& state) {
  const Index k = state.range(0);
  const Dense W = random_factor(data().rows(), k);
  Dense out;
  for (auto _ : state) {
    linalg::multiply(data_transposed(), W, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * product_bytes(data_transposed(), k)));
}

// The same two products on the vector kernels (fast_multiply), as the fast solvers run them.
void BM_X_times_Ht_fast(benchmark::State& state) {
  const Index k = state.range(0);
  const Dense Ht = random_factor(data().cols(), k);
  Dense out;
  for (auto _ : state) {
    linalg::fast_multiply(data(), Ht, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * product_bytes(data(), k)));
}

void BM_Xt_times_W_fast(benchmark::State& state) {
  const Index k = state.range(0);
  const Dense W = random_factor(data().rows(), k);
  Dense out;
  for (auto _ : state) {
    linalg::fast_multiply(data_transposed(), W, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * product_bytes(data_transposed(), k)));
}

void BM_Gram(benchmark::State& state) {
  const Dense Ht = random_factor(data().cols(), state.range(0));
  Dense out;
  for (auto _ : state) {
    linalg::gram(Ht, out);
    benchmark::DoNotOptimize(out.data());
  }
}

void nnls_batch(benchmark::State& state, NnlsOptions options) {
  const Index k = state.range(0);
  const Dense Ht = random_factor(data().cols(), k);
  const Dense G = linalg::gram(Ht);
  const Dense B = linalg::multiply(data(), Ht);
  const Dense start = Dense::Zero(data().rows(), k);
  Dense W;
  for (auto _ : state) {
    W = start;
    solve_nnls_rows(G, B, W, options);
    benchmark::DoNotOptimize(W.data());
  }
}
void BM_NnlsCoordinateDescent(benchmark::State& state) { nnls_batch(state, NnlsOptions{}); }
void BM_NnlsBlockPivoting(benchmark::State& state) {
  NnlsOptions o;
  o.method = NnlsMethod::BlockPivoting;
  nnls_batch(state, o);
}

// A whole hals fit of 10 iterations from a fixed start, per iteration.
void BM_HalsIteration(benchmark::State& state) {
  const Index k = state.range(0);
  NmfOptions o;
  o.n_components = k;
  o.solver = "hals";
  o.init = Init::Custom;
  o.tol = 0;
  o.max_iter = 10;
  const Factors<double> start{random_factor(data().rows(), k),
                              random_factor(data().cols(), k).transpose()};
  for (auto _ : state) {
    const auto result = fit(data(), o, &start);
    benchmark::DoNotOptimize(result.W.data());
  }
  state.SetItemsProcessed(state.iterations() * o.max_iter);
}

// Read + write of a 256 MB array: the bandwidth the products are measured against.
void BM_MemoryBandwidth(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << 25;
  std::vector<double> from(n, 1.0), to(n);
  for (auto _ : state) {
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) to[i] = 1.0001 * from[i];
    benchmark::DoNotOptimize(to.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n * sizeof(double)));
}

BENCHMARK(BM_X_times_Ht)->Arg(10)->Arg(20)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Xt_times_W)->Arg(10)->Arg(20)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_X_times_Ht_fast)->Arg(10)->Arg(20)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Xt_times_W_fast)->Arg(10)->Arg(20)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Gram)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_NnlsCoordinateDescent)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_NnlsBlockPivoting)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_HalsIteration)->Arg(10)->Arg(20)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MemoryBandwidth)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace nmfkit

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("isa", std::string(nmfkit::linalg::isa_name(nmfkit::linalg::active_isa())));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
