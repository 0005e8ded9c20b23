// Memory bandwidth of a plain copy loop, the yardstick of the per-iteration floor (issue 14).
//
//     nmfkit_bandwidth_probe [--threads 2] [--mb 512] [--repeats 10]
//
// Copies one array of doubles into another, each --mb MB (much larger than the caches), with
// --threads OpenMP threads, each thread copying its own contiguous half (first-touched by the
// same thread so that its pages sit on its memory node). Counts 16 bytes per element (8 read,
// 8 written), the STREAM "copy" convention; the write-allocate read a cache may add is not
// counted, as it is not in the traffic the floor assumes. Prints one JSON line with the best
// rate of the repeats in GB/s (1e9 bytes).

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace {

long option(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) {
      char* end = nullptr;
      const long value = std::strtol(argv[i + 1], &end, 10);
      if (*end != '\0' || value < 1) {
        std::fprintf(stderr, "bandwidth_probe: %s needs a whole number >= 1, got '%s'\n", name,
                     argv[i + 1]);
        std::exit(2);
      }
      return value;
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = static_cast<int>(option(argc, argv, "--threads", 2));
  const long megabytes = option(argc, argv, "--mb", 512);
  const int repeats = static_cast<int>(option(argc, argv, "--repeats", 10));
  const long n = megabytes * 1000000L / static_cast<long>(sizeof(double));
  // Raw arrays: a std::vector would touch every page from one thread when it zeroes them.
  std::unique_ptr<double[]> source(new double[n]);
  std::unique_ptr<double[]> target(new double[n]);
  double* a = source.get();
  double* b = target.get();
  omp_set_dynamic(0);
  omp_set_num_threads(threads);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    a[i] = static_cast<double>(i & 1023);
    b[i] = 0.0;
  }
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) b[i] = a[i];
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds);
  }
  // Read the target so the copies cannot be optimised away.
  double check = 0;
  for (long i = 0; i < n; i += 4099) check += b[i];
  const double bytes = 2.0 * static_cast<double>(n) * sizeof(double);
  std::printf(
      "{\"gb_per_s\": %.3f, \"threads\": %d, \"mb_per_array\": %ld, \"repeats\": %d, "
      "\"best_seconds\": %.6f, \"check\": %.0f}\n",
      bytes / best / 1e9, threads, megabytes, repeats, best, check);
  return 0;
}
