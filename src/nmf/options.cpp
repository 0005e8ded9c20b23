#include "nmfkit/nmf/options.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/nmf/solver.hpp"

namespace nmfkit {

namespace {
std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void require(bool condition, const std::string& parameter, const std::string& value,
             const std::string& allowed) {
  if (!condition) throw InvalidArgument(parameter + " must be " + allowed + ", got " + value);
}
std::string ranks_text(const std::vector<Index>& ranks) {
  std::string text;
  for (Index r : ranks) text += (text.empty() ? "" : ",") + std::to_string(r);
  return text;
}

// Deep NMF's layers: each rank >= 1 and below the one before (each layer summarises the
// previous one), and n_components, if given, the last.
void validate_layer_ranks(const NmfOptions& o) {
  const auto& ranks = o.layer_ranks;
  if (o.model != "deep") {
    if (!ranks.empty()) {
      throw InvalidArgument("several ranks (" + ranks_text(ranks) +
                            ") are for model = 'deep', not '" + o.model + "'");
    }
    return;
  }
  if (ranks.empty()) {
    throw InvalidArgument("model = 'deep' needs the rank of each layer (layer_ranks, e.g. 40,20,10)");
  }
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (ranks[i] < 1) {
      throw InvalidArgument("layer_ranks must be whole numbers >= 1, got " + ranks_text(ranks));
    }
    if (i > 0 && ranks[i] >= ranks[i - 1]) {
      throw InvalidArgument("layer_ranks must strictly decrease from the first layer to the last, got " +
                            ranks_text(ranks));
    }
  }
  if (o.n_components && *o.n_components != ranks.back()) {
    throw InvalidArgument("n_components (" + std::to_string(*o.n_components) +
                          ") must be the last layer's rank (" + std::to_string(ranks.back()) +
                          ") for model = 'deep'");
  }
}
}  // namespace

std::string to_string(Init init) {
  switch (init) {
    case Init::Auto:
      return "auto";
    case Init::Random:
      return "random";
    case Init::Nndsvd:
      return "nndsvd";
    case Init::Nndsvda:
      return "nndsvda";
    case Init::Nndsvdar:
      return "nndsvdar";
    case Init::Custom:
      return "custom";
  }
  return "auto";
}

Init parse_init(const std::string& name) {
  if (name == "auto" || name == "none" || name == "None") return Init::Auto;
  for (Init init : {Init::Random, Init::Nndsvd, Init::Nndsvda, Init::Nndsvdar, Init::Custom}) {
    if (name == to_string(init)) return init;
  }
  throw InvalidArgument(
      "init must be one of auto, random, nndsvd, nndsvda, nndsvdar, custom; got '" + name + "'");
}

double parse_beta_loss(const std::string& text) {
  if (text == "frobenius") return 2.0;
  if (text == "kullback-leibler") return 1.0;
  if (text == "itakura-saito") return 0.0;
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    throw InvalidArgument(
        "beta_loss must be frobenius, kullback-leibler, itakura-saito or a finite number; got '" +
        text + "'");
  }
  return value;
}

std::string beta_loss_name(double beta) {
  if (beta == 2.0) return "frobenius";
  if (beta == 1.0) return "kullback-leibler";
  if (beta == 0.0) return "itakura-saito";
  return format_number(beta);
}

void NmfOptions::validate() const {
  if (n_components) {
    require(*n_components >= 1, "n_components", std::to_string(*n_components), ">= 1");
  }
  const SolverInfo& info = solver_info(solver);
  require(std::isfinite(beta_loss), "beta_loss", format_number(beta_loss), "a finite number");
  if (info.frobenius_only && beta_loss != 2.0) {
    throw InvalidArgument("beta_loss = " + beta_loss_name(beta_loss) + " needs solver " +
                          (beta_loss == 1.0 ? "'scd', 'mu' or 'auto'" : "'mu' or 'auto'") +
                          ": solver '" + solver + "' handles only beta_loss = frobenius");
  }
  if (info.kl_only && beta_loss != 1.0) {
    throw InvalidArgument("beta_loss = " + beta_loss_name(beta_loss) + " needs solver " +
                          (beta_loss == 2.0 ? "'hals', 'cd' or 'auto'" : "'mu' or 'auto'") +
                          ": solver '" + solver + "' handles only beta_loss = kullback-leibler");
  }
  require(tol >= 0 && std::isfinite(tol), "tol", format_number(tol), ">= 0");
  require(max_iter >= 1, "max_iter", std::to_string(max_iter), ">= 1");
  require(patience >= 1, "patience", std::to_string(patience), ">= 1");
  require(alpha_W >= 0 && std::isfinite(alpha_W), "alpha_W", format_number(alpha_W), ">= 0");
  if (alpha_H) {
    require(*alpha_H >= 0 && std::isfinite(*alpha_H), "alpha_H", format_number(*alpha_H),
            ">= 0 (or 'same')");
  }
  require(l1_ratio >= 0 && l1_ratio <= 1, "l1_ratio", format_number(l1_ratio), "in [0, 1]");
  require(verbose >= 0, "verbose", std::to_string(verbose), ">= 0");
  require(n_threads >= 0, "n_threads", std::to_string(n_threads), ">= 0 (0: all cores)");
  minibatch.validate();
  require(model == "standard" || model == "semi" || model == "symmetric" || model == "deep",
          "model", "'" + model + "'", "one of standard, semi, symmetric, deep");
  validate_layer_ranks(*this);
  require(graph_weight >= 0 && std::isfinite(graph_weight), "graph_weight",
          format_number(graph_weight), ">= 0");
  if (learning_rate) {
    require(*learning_rate > 0 && std::isfinite(*learning_rate), "learning_rate",
            format_number(*learning_rate), "> 0");
  }
  require(penalty >= 0 && std::isfinite(penalty), "penalty", format_number(penalty), ">= 0");
  const bool gradient = solver == "pgd" || solver == "adam";
  if (model != "standard" || graph) {
    // Each of these models has its own update (nmf/models.hpp); the solver name only
    // chooses among the standard model's.
    const std::string what = graph ? "a graph (GNMF)" : "model = '" + model + "'";
    // 'cd' is the default of the options (scikit-learn's), so it stands for "not chosen".
    if (solver != "auto" && solver != "cd" && !(graph && solver == "mu" && model == "standard")) {
      throw InvalidArgument(what + " runs its own published update; solver must be 'auto'" +
                            std::string(graph ? " or 'mu'" : "") + " (or the default 'cd'), got '" +
                            solver + "'");
    }
    if (beta_loss != 2.0) {
      throw InvalidArgument(what + " handles only beta_loss = frobenius, got " +
                            beta_loss_name(beta_loss));
    }
    if (graph && model != "standard") {
      throw InvalidArgument("a graph (GNMF) needs model = 'standard', got '" + model + "'");
    }
    if (comm) throw InvalidArgument(what + " runs in one process only");
  }
  if (!gradient && (learning_rate || penalty != 100.0)) {
    throw InvalidArgument("learning_rate and penalty are options of solvers pgd and adam, not '" +
                          solver + "'");
  }
}

Penalties scaled_penalties(const NmfOptions& options, Index n_samples, Index n_features) {
  const double alpha_H = options.effective_alpha_H();
  const auto samples = static_cast<double>(n_samples);
  const auto features = static_cast<double>(n_features);
  Penalties p;
  p.l1_W = features * options.alpha_W * options.l1_ratio;
  p.l1_H = samples * alpha_H * options.l1_ratio;
  p.l2_W = features * options.alpha_W * (1.0 - options.l1_ratio);
  p.l2_H = samples * alpha_H * (1.0 - options.l1_ratio);
  return p;
}

}  // namespace nmfkit
