#include "nmf_flags.hpp"

#include <cmath>

#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit::cli {

namespace {

// Turns a library parse error into CLI11's message for the flag.
template <class Parse>
CLI::Validator accepts(Parse parse, const std::string& description) {
  return CLI::Validator(
      [parse](std::string& value) -> std::string {
        try {
          parse(value);
          return {};
        } catch (const InvalidArgument& e) {
          return e.what();
        }
      },
      description);
}

Index parse_components(const std::string& text) {
  if (text == "auto") return 0;
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1) {
    throw InvalidArgument("must be a whole number >= 1 or 'auto', got '" + text + "'");
  }
  return static_cast<Index>(value);
}

double parse_non_negative(const std::string& text) {
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= 0) || !std::isfinite(value)) {
    throw InvalidArgument("must be a number >= 0 or 'same', got '" + text + "'");
  }
  return value;
}

std::string solver_names() {
  std::string names;
  for (const auto& info : solver_catalog()) names += (names.empty() ? "" : "|") + info.name;
  return names;
}

}  // namespace

void NmfFlags::add_to(CLI::App& command, bool k_required) {
  auto* k = command.add_option("--k,--n-components", components,
                               "number of components, or 'auto' to take it from --init-w/--init-h "
                               "(all features when there are none)");
  k->check(accepts(parse_components, "K|auto"));
  if (k_required) {
    k->required();
  } else {
    k->capture_default_str();
  }
  command
      .add_option("--solver", solver,
                  "cd: scikit-learn's coordinate descent; mu: multiplicative updates (any loss); "
                  "hals, anls, anls-bpp: fast alternating solvers (Frobenius only)")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (const auto& info : solver_catalog()) names.push_back(info.name);
        return names;
      }()))
      ->type_name(solver_names())
      ->capture_default_str();
  command
      .add_option("--beta-loss", beta_loss,
                  "frobenius, kullback-leibler, itakura-saito or a number (beta); "
                  "anything but frobenius needs --solver mu")
      ->check(accepts(parse_beta_loss, "LOSS"))
      ->capture_default_str();
  command
      .add_option("--init", init,
                  "auto (nndsvda if k <= min(rows, columns), else random), random, nndsvd, "
                  "nndsvda, nndsvdar or custom")
      ->check(accepts(parse_init, "INIT"))
      ->capture_default_str();
  command
      .add_option("--seed", seed,
                  "random seed, NumPy RandomState-compatible (default: drawn at random and "
                  "recorded in model.json)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4294967295ULL}));
  command.add_option("--tol", tol, "stopping tolerance")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--max-iter", max_iter, "maximum number of iterations")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--patience", patience,
                  "hals/anls: stop after this many iterations in a row whose relative decrease "
                  "of the objective is below --tol")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--threads", threads, "threads to use; 0: all cores")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      .add_option("--alpha-w", alpha_W,
                  "regularisation strength on W (scaled by the number of features)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      .add_option(
          "--alpha-h", alpha_H,
          "regularisation strength on H (scaled by the number of samples), or 'same' as --alpha-w")
      ->check(accepts(
          [](const std::string& text) {
            if (text != "same") parse_non_negative(text);
          },
          "ALPHA|same"))
      ->capture_default_str();
  command.add_option("--l1-ratio", l1_ratio, "mix of L1 (1) and L2 (0) regularisation")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command.add_flag("--shuffle", shuffle, "visit coordinates in random order (cd) (default: off)");
  command.add_flag("-v,--verbose", verbose,
                   "print progress while fitting; repeat for more (default: off)");
}

NmfOptions NmfFlags::options() const {
  NmfOptions o;
  const Index k = parse_components(components);
  if (k > 0) o.n_components = k;
  o.solver = solver;
  o.beta_loss = parse_beta_loss(beta_loss);
  o.init = parse_init(init);
  if (seed) o.random_state = static_cast<std::uint32_t>(*seed);
  o.tol = tol;
  o.max_iter = max_iter;
  o.patience = patience;
  o.n_threads = threads;
  o.alpha_W = alpha_W;
  if (alpha_H != "same") o.alpha_H = parse_non_negative(alpha_H);
  o.l1_ratio = l1_ratio;
  o.shuffle = shuffle;
  o.verbose = verbose;
  return o;
}

}  // namespace nmfkit::cli
