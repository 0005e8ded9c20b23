// A program of one's own that uses the installed nmfkit library: reads a matrix file
// (.npy, .mtx, .csv, ...), fits NMF and prints the reconstruction error, as `nmfkit fit`
// does for the same file, k, seed and solver.
//
//   fit_file MATRIX K [SEED [SOLVER]]     (defaults: seed 0, solver cd)

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nmfkit/io/matrix_file.hpp>
#include <nmfkit/nmf/nmf.hpp>
#include <nmfkit/version.hpp>

namespace {

long long whole_number(std::string_view text, const char* what) {
  long long value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    throw std::invalid_argument(std::string(what) + " must be a whole number >= 0, got '" +
                                std::string(text) + "'");
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: %s MATRIX K [SEED [SOLVER]]\n", argv[0]);
    return 2;
  }
  try {
    const nmfkit::AnyMatrix X = nmfkit::io::read_matrix(argv[1]);
    nmfkit::NmfOptions options;
    options.n_components = whole_number(argv[2], "K");
    options.random_state = static_cast<std::uint32_t>(argc > 3 ? whole_number(argv[3], "SEED") : 0);
    if (argc > 4) options.solver = argv[4];

    // X holds a dense or sparse matrix of float or double; fit is compiled for each.
    X.visit([&](const auto& matrix) {
      const auto result = nmfkit::fit(matrix, options);
      std::printf("nmfkit %s: %lld x %lld matrix, k %lld, solver %s\n", nmfkit::kVersion,
                  static_cast<long long>(matrix.rows()), static_cast<long long>(matrix.cols()),
                  static_cast<long long>(result.H.rows()), result.solver.c_str());
      std::printf("reconstruction error %.6g after %d iterations\n", result.reconstruction_error,
                  result.n_iter);
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fit_file: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
