// Seconds per VI iteration of nmfkit's MTM on the synthetic data of bench/mtm_vi_bench.py
// (the same values: the same default_rng streams). Usage:
//   nmfkit_mtm_bench [samples=2000] [iterations=3] [threads=0] [topics=20]
// with 2 modalities of 2000 and 5000 features at 5 % density.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nmfkit/core/numpy_generator.hpp"
#include "nmfkit/multimodal/mtm.hpp"

using namespace nmfkit;
using namespace nmfkit::multimodal;

int main(int argc, char** argv) {
  const Index n = argc > 1 ? std::atol(argv[1]) : 2000;
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 3;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 0;
  const int K = argc > 4 ? std::atoi(argv[4]) : 20;
  const Index features[2] = {2000, 5000};
  const double density = 0.05;

  NumpyGenerator rng(0);
  MultiModalData data;
  for (Index d = 0; d < n; ++d) data.sample_names.push_back("s" + std::to_string(d));
  for (int m = 0; m < 2; ++m) {
    const Index V = features[m];
    std::vector<Eigen::Triplet<double, std::int64_t>> entries;
    for (Index d = 0; d < n; ++d) {
      for (Index w = 0; w < V; ++w) {
        const double u = rng.random();
        if (u >= density) continue;
        const double x = 1.0 + 20.0 * u;
        entries.emplace_back(d, w, d % K == w * K / V ? 5.0 * x : x);
      }
    }
    SparseMatrix<double> X(n, V);
    X.setFromTriplets(entries.begin(), entries.end());
    Modality mod;
    mod.name = m == 0 ? "rna" : "atac";
    mod.feature_names.assign(static_cast<std::size_t>(V), "f");
    mod.counts = std::move(X);
    data.modalities.push_back(std::move(mod));
  }
  std::printf(
      "%ld samples, features 2000 5000, %ld non-zeros, K = %d, threads %d\n", static_cast<long>(n),
      static_cast<long>(data.modalities[0].counts.stored() + data.modalities[1].counts.stored()), K,
      threads);
  MtmOptions options;
  options.n_topics = K;
  options.n_threads = threads;
  auto last = std::chrono::steady_clock::now();
  const auto start = last;
  Progress progress;
  progress.log = [&](const std::string& line) {
    const auto now = std::chrono::steady_clock::now();
    std::printf("%s: %.3f s\n", line.c_str(), std::chrono::duration<double>(now - last).count());
    last = now;
  };
  const MtmModel model = fit_vi(data, options, iterations, progress);
  std::printf("total %.3f s (set-up included); gamma[0, :4] %.6g %.6g %.6g %.6g\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              model.gamma(0, 0), model.gamma(0, 1), model.gamma(0, 2), model.gamma(0, 3));
}
