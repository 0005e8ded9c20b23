#pragma once
// scikit-learn's NMF options as command-line flags, for the commands that fit a model.

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "nmfkit/nmf/options.hpp"

namespace nmfkit::cli {

struct NmfFlags {
  std::string components = "auto";
  std::string solver = "cd";
  std::string beta_loss = "frobenius";
  std::string init = "auto";
  std::optional<std::uint64_t> seed;
  double tol = 1e-4;
  int max_iter = 200;
  int patience = 3;
  int threads = 0;
  double alpha_W = 0.0;
  std::string alpha_H = "same";
  double l1_ratio = 0.0;
  bool shuffle = false;
  int verbose = 0;

  // Registers the flags; --k is required unless a default is given.
  void add_to(CLI::App& command, bool k_required);
  // The options the flags describe (values were validated while parsing).
  NmfOptions options() const;
};

}  // namespace nmfkit::cli
