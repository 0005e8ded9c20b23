#include "nmf_flags.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

#include "common.hpp"

#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/nmf/solver.hpp"
#include "progress_output.hpp"

namespace nmfkit::cli {

namespace {

// K, or deep NMF's ranks K1,K2,...: each a whole number >= 1 (whether they decrease is the
// model's check).
std::vector<Index> parse_ranks(const std::string& text) {
  std::vector<Index> ranks;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? comma : comma - start);
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size() || value < 1) {
      throw InvalidArgument("must be a whole number >= 1, a list of them (K1,K2,... for --model "
                            "deep) or 'auto', got '" + text + "'");
    }
    ranks.push_back(static_cast<Index>(value));
    if (comma == std::string::npos) return ranks;
    start = comma + 1;
  }
}

Index parse_components(const std::string& text) {
  if (text == "auto") return 0;
  if (text.find(',') != std::string::npos) return parse_ranks(text).back();
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

void NmfFlags::add_to(CLI::App& command, bool k_required, bool with_k) {
  if (with_k) {
    auto* k = command.add_option("--k,--n-components", components,
                                 "number of components (--model deep: the rank of each layer, K1,K2,..., "
                                 "strictly decreasing), or 'auto': from --init-w/--init-h when "
                                 "given, else chosen by select-k (see --select-method)");
    k->check(accepts(parse_components, "K|auto"));
    if (k_required) {
      k->required();
    } else {
      k->capture_default_str();
    }
  }
  command
      .add_option("--solver", solver,
                  "auto: the fastest for the loss (hals for frobenius, scd for kullback-leibler, "
                  "mu otherwise); cd: scikit-learn's coordinate descent; mu: multiplicative "
                  "updates (any loss); hals, anls, anls-bpp: fast alternating solvers (Frobenius "
                  "only); scd: fast coordinate descent (kullback-leibler only); pgd, adam: "
                  "seed 004's gradient NMF (Frobenius only, slow)")
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
                  "kullback-leibler needs --solver auto, scd or mu; other losses auto or mu")
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
  command
      .add_option("--threads", threads,
                  "threads to use; 0: the cores no other work holds at start-up")
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
  command.add_flag("--no-extrapolate", no_extrapolate,
                   "hals, anls, anls-bpp, scd: plain alternating updates, without Ang & Gillis' "
                   "extrapolation (default: extrapolate)");
  command
      .add_option("--learning-rate", learning_rate,
                  "pgd, adam: the step size (default: the notebook's, 0.05 for pgd with its "
                  "decay by 0.9 every 100 iterations, 1e-3 for adam)")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--penalty", penalty,
                  "pgd, adam: weight of the penalty on entries below 1e-5 (default: 100)")
      ->check(CLI::NonNegativeNumber);
  command.add_flag("-v,--verbose", verbose,
                   "print progress while fitting; repeat for more (default: off)");
}

void NmfFlags::add_minibatch_to(CLI::App& command) {
  command
      .add_option("--batch-size", batch_size,
                  "solver minibatch: samples per batch (default: 1024, or all samples if fewer)")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--forget-factor", forget_factor,
                  "solver minibatch: how much of past batches H keeps (1: all, 0: none)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      .add_option("--max-no-improvement", max_no_improvement,
                  "solver minibatch: stop after this many batches without a better smoothed "
                  "cost (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_flag("--fresh-restarts", fresh_restarts,
                   "solver minibatch: solve W fully for every batch (default: off)");
}

NmfOptions NmfFlags::options() const {
  NmfOptions o;
  const Index k = parse_components(components);
  if (k > 0) o.n_components = k;
  if (components.find(',') != std::string::npos) o.layer_ranks = parse_ranks(components);
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
  o.extrapolate = !no_extrapolate;
  o.shuffle = shuffle;
  o.verbose = verbose;
  if (batch_size) o.minibatch.batch_size = *batch_size;
  o.minibatch.forget_factor = forget_factor;
  if (max_no_improvement > 0) {
    o.minibatch.max_no_improvement = max_no_improvement;
  } else {
    o.minibatch.max_no_improvement.reset();
  }
  o.minibatch.fresh_restarts = fresh_restarts;
  o.learning_rate = learning_rate;
  if (penalty) o.penalty = *penalty;
  return o;
}

void check_batch_size(const std::optional<Index>& batch_size, Index samples) {
  if (batch_size && *batch_size > samples) {
    throw InvalidArgument("--batch-size " + std::to_string(*batch_size) + " is larger than the " +
                          std::to_string(samples) + " samples of the input");
  }
}

std::vector<std::string> MissingFlags::files() const {
  std::vector<std::string> out;
  for (const std::string* file : {&mask, &weights})
    if (!file->empty()) out.push_back(*file);
  return out;
}

void MissingFlags::add_to(CLI::App& command) {
  command.add_option("--mask", mask,
                     "matrix of X's shape (.mtx, .npy, ...) whose non-zero entries mark the "
                     "missing entries of X");
  command.add_option("--weights", weights,
                     "dense matrix of X's shape with a weight >= 0 per entry (0: missing)");
  command
      .add_option("--missing", missing,
                  "none; nan: NaN entries of X are missing; zeros: only the non-zero entries "
                  "count (implicit feedback)")
      ->check(CLI::IsMember({"none", "nan", "zeros"}))
      ->capture_default_str();
}

namespace {
template <class T>
EntryWeights<T> explicit_weights(const MissingFlags& flags, Index rows, Index cols) {
  if (!flags.mask.empty() && !flags.weights.empty()) {
    throw InvalidArgument("--mask and --weights cannot be combined");
  }
  const std::string& path = flags.mask.empty() ? flags.weights : flags.mask;
  if (path.empty()) return {};
  AnyMatrix M = read_input(path, nmfkit::to_string(dtype_of<T>()));
  if (M.rows() != rows || M.cols() != cols) {
    throw InvalidArgument(std::string(flags.mask.empty() ? "--weights" : "--mask") + " " + path +
                          " has shape (" + std::to_string(M.rows()) + ", " +
                          std::to_string(M.cols()) + ") but X has shape (" + std::to_string(rows) +
                          ", " + std::to_string(cols) + ")");
  }
  if (!flags.mask.empty()) {
    if (M.is_sparse()) return EntryWeights<T>::missing(std::get<SparseMatrix<T>>(M.storage()));
    return EntryWeights<T>::missing(std::get<DenseMatrix<T>>(M.storage()));
  }
  return EntryWeights<T>::weights(dense_as<T>(std::move(M), "--weights"));
}

template <class T, class Matrix>
EntryWeights<T> weights_of(const MissingFlags& flags, Matrix& X) {
  if (flags.missing == "nan") {
    if (!flags.mask.empty() || !flags.weights.empty()) {
      throw InvalidArgument("--missing nan cannot be combined with --mask or --weights");
    }
    return EntryWeights<T>::missing_nan(X);
  }
  EntryWeights<T> weights = explicit_weights<T>(flags, X.rows(), X.cols());
  if (flags.missing == "zeros") weights = weights.with_zeros_missing();
  return weights;
}
}  // namespace

template <class T>
EntryWeights<T> MissingFlags::weights_for(DenseMatrix<T>& X) const {
  return weights_of<T>(*this, X);
}
template <class T>
EntryWeights<T> MissingFlags::weights_for(SparseMatrix<T>& X) const {
  return weights_of<T>(*this, X);
}
template EntryWeights<float> MissingFlags::weights_for(DenseMatrix<float>&) const;
template EntryWeights<double> MissingFlags::weights_for(DenseMatrix<double>&) const;
template EntryWeights<float> MissingFlags::weights_for(SparseMatrix<float>&) const;
template EntryWeights<double> MissingFlags::weights_for(SparseMatrix<double>&) const;

std::string MissingFlags::describe() const {
  std::string out;
  if (!mask.empty()) out = "missing where " + mask + " is non-zero";
  if (!weights.empty()) out = "weights from " + weights;
  if (missing == "nan") out = "NaN entries missing";
  if (missing == "zeros") out += (out.empty() ? "" : ", ") + std::string("zeros missing");
  return out.empty() ? "none" : out;
}

void SelectFlags::add_to(CLI::App& command, bool prefixed) {
  const std::string p = prefixed ? "--select-" : "--";
  const std::string when = prefixed ? " (for --k auto)" : "";
  command
      .add_option(p + "method", method,
                  "how to choose k" + when +
                      ": cv (speckled holdout cross-validation), stability (NMFk), both (cv "
                      "and stability), consensus (Brunet's cophenetic correlation), cnmf "
                      "(cNMF's silhouette of the replicate spectra) or all")
      ->check(CLI::IsMember({"cv", "stability", "both", "consensus", "cnmf", "all"}))
      ->capture_default_str();
  if (prefixed) {
    command
        .add_option("--select-range", range,
                    "the k searched for --k auto: auto (2 to min(rows, columns, 40)), "
                    "auto:LOW:HIGH, LOW:HIGH[:STEP] or a list")
        ->check(accepts([](const std::string& text) { select::parse_k_spec(text); }, "RANGE"))
        ->capture_default_str();
    return;
  }
  command.add_option("--holdout", holdout, "cv: share of the entries held out, in (0, 0.5]")
      ->capture_default_str();
  command.add_option("--replicates", replicates, "cv: holdout masks per k")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--cv-tolerance", cv_tolerance,
                  "cv: the chosen k is the smallest whose log held-out error has come within "
                  "this share of the curve's descent to its lowest")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command.add_option("--perturbations", perturbations, "stability: fits in the ensemble per k")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  command
      .add_option("--noise", noise,
                  "stability: multiplicative noise, each entry times 1 + U(-noise, noise)")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  command
      .add_option("--threshold", threshold,
                  "stability: smallest cluster silhouette a stable k must reach")
      ->check(CLI::Range(-1.0, 1.0))
      ->capture_default_str();
  command
      .add_option("--restarts", restarts,
                  "consensus, cnmf: fits of X from random starts per k")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  command
      .add_option("--cophenetic-tolerance", cophenetic_tolerance,
                  "consensus: the chosen k is the largest whose cophenetic correlation is "
                  "within this of the highest")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  command
      .add_option("--cnmf-tolerance", cnmf_tolerance,
                  "cnmf: the chosen k is the largest whose spectra silhouette is within this "
                  "of the highest")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  command
      .add_option("--density-threshold", density_threshold,
                  "cnmf: drop replicate spectra whose mean distance to their neighbours is at "
                  "least this (2: keep all)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--parallel-fits", parallel_fits,
                  "fits run side by side, one thread each; 0: by the size of the data")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

select::SelectOptions SelectFlags::options(const NmfOptions& nmf, const std::string& k_spec) const {
  select::SelectOptions o;
  o.k = select::parse_k_spec(k_spec);
  o.method = select::parse_method(method);
  o.cv.holdout_fraction = holdout;
  o.cv.replicates = replicates;
  o.stability.perturbations = perturbations;
  o.stability.noise = noise;
  o.stability.threshold = threshold;
  o.cv.tolerance = cv_tolerance;
  o.consensus.restarts = restarts;
  o.consensus.tolerance = cophenetic_tolerance;
  o.consensus.silhouette_tolerance = cnmf_tolerance;
  o.consensus.density_threshold = density_threshold;
  o.parallel_fits = parallel_fits;
  o.nmf = nmf;
  o.nmf.n_components.reset();
  o.seed = nmf.random_state.value_or(0);
  return o;
}

std::string score_line(const select::KScore& score) {
  char line[256];
  std::string text = "select-k: k " + std::to_string(score.k);
  if (!std::isnan(score.test_error)) {
    std::snprintf(line, sizeof line, "  test error %.5g ± %.2g", score.test_error,
                  score.test_error_se);
    text += line;
  }
  if (!std::isnan(score.min_silhouette)) {
    std::snprintf(line, sizeof line, "  silhouette min %.3f mean %.3f", score.min_silhouette,
                  score.mean_silhouette);
    text += line;
  }
  if (!std::isnan(score.cophenetic)) {
    std::snprintf(line, sizeof line, "  cophenetic %.3f dispersion %.3f  cnmf silhouette %.3f",
                  score.cophenetic, score.dispersion, score.cnmf_silhouette);
    text += line;
  }
  std::snprintf(line, sizeof line, "  relative error %.4f  (%.1f s)", score.reconstruction_error,
                score.seconds);
  return text + line;
}

void print_selection(const select::Selection& selection, const std::string& method) {
  std::printf("select-k   chose k = %lld by %s in %.1f s\n",
              static_cast<long long>(selection.chosen_k), method.c_str(), selection.seconds);
}

template <class T, class Matrix>
Index choose_k(const Matrix& X, const EntryWeights<T>& weights, const NmfOptions& nmf,
               const SelectFlags& flags) {
  const select::SelectOptions options = flags.options(nmf, flags.range).for_automatic_k();
  options.validate();
  const bool first = dist::world().rank() == 0;  // under mpirun, one process reports
  const select::Selection selection = select::select_k(
      X, weights, options, interruptible_progress(), [first](const select::KScore& score) {
        if (first) print_progress_line(score_line(score));
      });
  if (first) print_selection(selection, flags.method);
  return selection.chosen_k;
}

template Index choose_k(const DenseMatrix<float>&, const EntryWeights<float>&, const NmfOptions&,
                        const SelectFlags&);
template Index choose_k(const DenseMatrix<double>&, const EntryWeights<double>&, const NmfOptions&,
                        const SelectFlags&);
template Index choose_k(const SparseMatrix<float>&, const EntryWeights<float>&, const NmfOptions&,
                        const SelectFlags&);
template Index choose_k(const SparseMatrix<double>&, const EntryWeights<double>&, const NmfOptions&,
                        const SelectFlags&);

}  // namespace nmfkit::cli
