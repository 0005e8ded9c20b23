#include "nmfkit/multimodal/mtm.hpp"

#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/numpy_generator.hpp"
#include "nmfkit/core/thread_count.hpp"
#include "spatial_smoothing.hpp"
#include "variational_lda.hpp"

namespace nmfkit::multimodal {

namespace {

// mTopic's start, λ_m ~ Gamma(100, 0.01), modality after modality from one generator.
std::vector<DenseMatrix<double>> draw_lambda(NumpyGenerator& rng, const MultiModalData& data,
                                             Index n_topics) {
  std::vector<DenseMatrix<double>> out;
  for (const auto& m : data.modalities) {
    DenseMatrix<double> L(n_topics, m.counts.cols());
    rng.fill_gamma(L, 100.0, 0.01);
    out.push_back(std::move(L));
  }
  return out;
}

// A fit in progress: the corpus, the E-step with its cached exp(E[log β]), the model, and
// where it saves its state.
struct Fit {
  detail::Corpus corpus;
  detail::EStep estep;
  MtmModel model;
  std::optional<NumpyGenerator> rng;
  const CheckpointStore* checkpoint = nullptr;
  std::chrono::steady_clock::time_point last_save = std::chrono::steady_clock::now();
};

// Checkpoints hold everything the next iteration (or SVI update) reads: γ, λ and the count
// done, saved between two of them, so that a resumed fit repeats the uninterrupted one bit
// for bit (exp(E[log β]) is recomputed from λ as every M-step does; the E-step starts each
// sample from γ = 1, not from the previous γ). SVI's batches are drawn again from the seed.
constexpr const char* kCheckpointUnit = "mtm";

void save_state(Fit& fit, int done) {
  CheckpointRecord record;
  record.numbers["iteration"] = done;
  record.matrices["gamma"] = fit.model.gamma;
  for (std::size_t m = 0; m < fit.estep.lambda_t().size(); ++m)
    record.matrices["lambda_t" + std::to_string(m)] = fit.estep.lambda_t()[m];
  fit.checkpoint->save(kCheckpointUnit, record);
  fit.last_save = std::chrono::steady_clock::now();
}

// The iterations already done: those of the saved state, restored into `fit`, or 0.
int resume(Fit& fit) {
  if (!fit.checkpoint) return 0;
  const std::optional<CheckpointRecord> record = fit.checkpoint->load(kCheckpointUnit);
  if (!record) return 0;
  const auto restored = [&](const std::string& name, const DenseMatrix<double>& like) {
    const Eigen::MatrixXd& saved = record->matrix(name);
    if (saved.rows() != like.rows() || saved.cols() != like.cols()) {
      throw InvalidArgument("the checkpoint's " + name + " is " + std::to_string(saved.rows()) +
                            " × " + std::to_string(saved.cols()) + ", this fit's " +
                            std::to_string(like.rows()) + " × " + std::to_string(like.cols()) +
                            ": it comes from another fit");
    }
    return DenseMatrix<double>(saved);
  };
  fit.model.gamma = restored("gamma", fit.model.gamma);
  std::vector<DenseMatrix<double>> lambda_t;
  for (std::size_t m = 0; m < fit.estep.lambda_t().size(); ++m)
    lambda_t.push_back(restored("lambda_t" + std::to_string(m), fit.estep.lambda_t()[m]));
  fit.estep.set_lambda_t(std::move(lambda_t));
  fit.model.n_iter = static_cast<int>(record->number("iteration"));
  return fit.model.n_iter;
}

// Between two iterations: saves the state when a save is due or the run was cancelled,
// then ends a cancelled run with Cancelled.
void safe_point(Fit& fit, int done, const Progress& progress) {
  const bool cancel = progress.cancel_requested && progress.cancel_requested();
  if (fit.checkpoint &&
      (cancel || std::chrono::duration<double>(std::chrono::steady_clock::now() - fit.last_save)
                         .count() >= fit.checkpoint->interval_seconds)) {
    save_state(fit, done);
  }
  if (cancel) throw Cancelled();
}

Fit start_fit(const MultiModalData& data, const MtmOptions& options,
              const std::vector<DenseMatrix<double>>& initial) {
  options.validate();
  Fit fit{detail::make_corpus(data),
          detail::EStep(options.n_topics, options.effective_alpha(), options.max_iter_d,
                        options.gamma_tol),
          MtmModel{}, std::nullopt, options.checkpoint};
  const Index K = options.n_topics;
  MtmModel& model = fit.model;
  model.sample_names = data.sample_names;
  for (const auto& m : data.modalities) {
    model.modality_names.push_back(m.name);
    model.feature_names.push_back(m.feature_names);
  }
  model.options = options;
  model.options.alpha = options.effective_alpha();
  model.options.checkpoint = nullptr;  // the run's, not the model's
  // mTopic's stored γ starts at α; SVI leaves it there for samples no batch drew.
  model.gamma = DenseMatrix<double>::Constant(data.n_samples(), K, model.options.alpha);

  std::vector<DenseMatrix<double>> lambda_t;
  if (initial.empty()) {
    fit.rng.emplace(options.seed);
    for (const auto& L : draw_lambda(*fit.rng, data, K)) lambda_t.push_back(L.transpose());
  } else {
    if (initial.size() != data.modalities.size())
      throw InvalidArgument("initial lambda has " + std::to_string(initial.size()) +
                            " matrices, the data " + std::to_string(data.modalities.size()) +
                            " modalities");
    for (std::size_t m = 0; m < initial.size(); ++m) {
      const auto& name = data.modalities[m].name;
      if (initial[m].rows() != K || initial[m].cols() != data.modalities[m].counts.cols())
        throw InvalidArgument("initial lambda of modality '" + name + "' is " +
                              std::to_string(initial[m].rows()) + " x " +
                              std::to_string(initial[m].cols()) + ", expected n_topics x " +
                              std::to_string(data.modalities[m].counts.cols()));
      if (!initial[m].allFinite() || !(initial[m].array() > 0).all())
        throw InvalidArgument("initial lambda of modality '" + name + "' must be finite and > 0");
      lambda_t.push_back(initial[m].transpose());
    }
  }
  fit.estep.set_lambda_t(std::move(lambda_t));
  return fit;
}

void finish(Fit& fit) {
  fit.model.lambda.clear();
  for (const auto& L : fit.estep.lambda_t()) fit.model.lambda.push_back(L.transpose());
}

// λ_mᵀ = η + E[β_m]ᵀ ⊙ sstats_mᵀ: the VI M-step.
void vi_update(Fit& fit, const std::vector<DenseMatrix<double>>& sstats_t, double eta) {
  auto lambda_t = std::move(fit.estep.mutable_lambda_t());
  for (std::size_t m = 0; m < lambda_t.size(); ++m) {
    lambda_t[m] = (fit.estep.exp_elog_beta_t()[m].array() * sstats_t[m].array() + eta).matrix();
  }
  fit.estep.set_lambda_t(std::move(lambda_t));
}

// Shared by VI and sMTM: n_iter rounds of E-step then M-step.
MtmModel run_vi(Fit& fit, int n_iter, const Progress& progress, const char* name,
                const SpatialNeighbours* neighbours) {
  if (n_iter < 1) throw InvalidArgument("n_iter must be >= 1, got " + std::to_string(n_iter));
  std::vector<DenseMatrix<double>> sstats_t;
  DenseMatrix<double> gamma;
  for (int it = resume(fit); it < n_iter; ++it) {
    safe_point(fit, it, progress);
    if (neighbours) {
      // The neighbourhood is read from the previous iteration's global γ.
      const detail::SpatialSmoother smoother(*neighbours, fit.model.gamma);
      fit.estep.run(fit.corpus, gamma, &sstats_t, &smoother);
    } else {
      fit.estep.run(fit.corpus, gamma, &sstats_t);
    }
    fit.model.gamma.swap(gamma);
    vi_update(fit, sstats_t, fit.model.options.eta);
    fit.model.n_iter = it + 1;
    progress.report({.task = name, .unit = "iterations", .done = it + 1, .total = n_iter});
  }
  finish(fit);
  return std::move(fit.model);
}

}  // namespace

void MtmOptions::validate() const {
  if (n_topics < 1) throw InvalidArgument("n_topics must be >= 1, got " + std::to_string(n_topics));
  if (!(alpha >= 0) || !std::isfinite(alpha))
    throw InvalidArgument("alpha must be finite and >= 0 (0: 1/n_topics), got " +
                          value_text(alpha));
  if (!(eta > 0) || !std::isfinite(eta))
    throw InvalidArgument("eta must be finite and > 0, got " + value_text(eta));
  if (max_iter_d < 1)
    throw InvalidArgument("max_iter_d must be >= 1, got " + std::to_string(max_iter_d));
  if (!(gamma_tol >= 0) || !std::isfinite(gamma_tol))
    throw InvalidArgument("gamma_tol must be finite and >= 0, got " + value_text(gamma_tol));
  if (n_threads < 0)
    throw InvalidArgument("n_threads must be >= 0 (0: all cores), got " +
                          std::to_string(n_threads));
}

void SviOptions::validate() const {
  if (n_batches < 1)
    throw InvalidArgument("n_batches must be >= 1, got " + std::to_string(n_batches));
  if (batch_size < 1)
    throw InvalidArgument("batch_size must be >= 1, got " + std::to_string(batch_size));
  if (!(tau >= 0) || !std::isfinite(tau))
    throw InvalidArgument("tau must be finite and >= 0, got " + value_text(tau));
  // Robbins–Monro: Σρ_t = ∞ and Σρ_t² < ∞ need κ in (0.5, 1].
  if (!(kappa > 0.5 && kappa <= 1))
    throw InvalidArgument("kappa must be in (0.5, 1], got " + value_text(kappa));
}

DenseMatrix<double> MtmModel::topic_proportions() const {
  return (gamma.array().colwise() / gamma.rowwise().sum().array()).matrix();
}

DenseMatrix<double> MtmModel::expected_beta(std::size_t modality) const {
  if (modality >= lambda.size())
    throw InvalidArgument("modality index " + std::to_string(modality) + " outside [0, " +
                          std::to_string(lambda.size()) + ")");
  const auto& L = lambda[modality];
  return (L.array().colwise() / L.rowwise().sum().array()).matrix();
}

std::vector<DenseMatrix<double>> initial_lambda(const MultiModalData& data,
                                                const MtmOptions& options) {
  options.validate();
  data.validate();
  NumpyGenerator rng(options.seed);
  return draw_lambda(rng, data, options.n_topics);
}

MtmModel fit_vi(const MultiModalData& data, const MtmOptions& options, int n_iter,
                const Progress& progress, const std::vector<DenseMatrix<double>>& initial_lambda) {
  ScopedThreadCount threads(options.n_threads);
  Fit fit = start_fit(data, options, initial_lambda);
  return run_vi(fit, n_iter, progress, "mtm vi", nullptr);
}

MtmModel fit_spatial(const MultiModalData& data, const DenseMatrix<double>& coordinates,
                     const MtmOptions& options, const SpatialOptions& spatial, int n_iter,
                     const Progress& progress,
                     const std::vector<DenseMatrix<double>>& initial_lambda) {
  if (coordinates.rows() != data.n_samples())
    throw InvalidArgument("coordinates have " + std::to_string(coordinates.rows()) +
                          " rows, the data " + std::to_string(data.n_samples()) + " samples");
  ScopedThreadCount threads(options.n_threads);
  const SpatialNeighbours neighbours = spatial_neighbours(coordinates, spatial);
  Fit fit = start_fit(data, options, initial_lambda);
  return run_vi(fit, n_iter, progress, "smtm vi", &neighbours);
}

MtmModel fit_svi(const MultiModalData& data, const MtmOptions& options, const SviOptions& svi,
                 const Progress& progress, const std::vector<DenseMatrix<double>>& initial_lambda,
                 const std::vector<std::vector<Index>>& batches) {
  svi.validate();
  ScopedThreadCount threads(options.n_threads);
  Fit fit = start_fit(data, options, initial_lambda);
  const Index N = data.n_samples();
  std::vector<std::vector<Index>> drawn;
  if (batches.empty()) {
    if (N == 0) throw InvalidArgument("SVI needs at least one sample");
    if (!fit.rng) fit.rng.emplace(options.seed);
    // rng.choice(N, (n_batches, batch_size)): C order, one batch per row.
    const auto flat = fit.rng->choice(N, static_cast<std::size_t>(svi.n_batches * svi.batch_size));
    for (int b = 0; b < svi.n_batches; ++b)
      drawn.emplace_back(flat.begin() + b * svi.batch_size,
                         flat.begin() + (b + 1) * svi.batch_size);
  }
  const auto& schedule = batches.empty() ? drawn : batches;
  const double eta = fit.model.options.eta;
  std::vector<DenseMatrix<double>> sstats_t;
  DenseMatrix<double> gamma;
  for (auto t = static_cast<std::size_t>(resume(fit)); t < schedule.size(); ++t) {
    safe_point(fit, static_cast<int>(t), progress);
    const auto& batch = schedule[t];
    if (batch.empty()) throw InvalidArgument("SVI batch " + std::to_string(t) + " is empty");
    const detail::Corpus part = detail::select_samples(fit.corpus, batch);
    fit.estep.run(part, gamma, &sstats_t);
    for (std::size_t i = 0; i < batch.size(); ++i) fit.model.gamma.row(batch[i]) = gamma.row(i);
    // λ ← (1 − ρ_t)λ + ρ_t(η + N·E[β] ⊙ sstats / |batch|), ρ_t = (τ + t)^−κ, t from 1.
    const double rho = std::pow(svi.tau + static_cast<double>(t + 1), -svi.kappa);
    const double scale = static_cast<double>(N);
    const double size = static_cast<double>(batch.size());
    auto lambda_t = std::move(fit.estep.mutable_lambda_t());
    for (std::size_t m = 0; m < lambda_t.size(); ++m) {
      const auto target =
          eta + scale * (fit.estep.exp_elog_beta_t()[m].array() * sstats_t[m].array()) / size;
      lambda_t[m] = (lambda_t[m].array() * (1 - rho) + rho * target).matrix();
    }
    fit.estep.set_lambda_t(std::move(lambda_t));
    fit.model.n_iter = static_cast<int>(t + 1);
    progress.report({.task = "mtm svi",
                     .unit = "updates",
                     .done = static_cast<std::int64_t>(t + 1),
                     .total = static_cast<std::int64_t>(schedule.size())});
  }
  finish(fit);
  return std::move(fit.model);
}

DenseMatrix<double> predict_theta(const MtmModel& model, const MultiModalData& data) {
  std::vector<Index> n_features;
  for (const auto& L : model.lambda) n_features.push_back(L.cols());
  const detail::Corpus corpus = detail::make_corpus(data, &model.modality_names, &n_features);
  const MtmOptions& o = model.options;
  ScopedThreadCount threads(o.n_threads);
  detail::EStep estep(model.n_topics(), o.effective_alpha(), o.max_iter_d, o.gamma_tol);
  std::vector<DenseMatrix<double>> lambda_t;
  for (const auto& L : model.lambda) lambda_t.push_back(L.transpose());
  estep.set_lambda_t(std::move(lambda_t));
  DenseMatrix<double> gamma;
  estep.run(corpus, gamma, nullptr);
  return (gamma.array().colwise() / gamma.rowwise().sum().array()).matrix();
}

HeldOutLikelihood held_out_log_likelihood(const MtmModel& model, const MultiModalData& data,
                                          const DenseMatrix<double>& theta) {
  std::vector<Index> n_features;
  for (const auto& L : model.lambda) n_features.push_back(L.cols());
  const detail::Corpus corpus = detail::make_corpus(data, &model.modality_names, &n_features);
  if (theta.rows() != corpus.n_samples || theta.cols() != model.n_topics())
    throw InvalidArgument("theta is " + std::to_string(theta.rows()) + " x " +
                          std::to_string(theta.cols()) + ", expected " +
                          std::to_string(corpus.n_samples) + " x " +
                          std::to_string(model.n_topics()));
  ScopedThreadCount threads(model.options.n_threads);
  HeldOutLikelihood out;
  std::vector<double> per_sample(static_cast<std::size_t>(corpus.n_samples));
  for (std::size_t m = 0; m < corpus.modalities.size(); ++m) {
    const DenseMatrix<double> beta_t = model.expected_beta(m).transpose();
    const SparseMatrix<double>& X = corpus.modalities[m].X;
#pragma omp parallel for schedule(dynamic, 16)
    for (Index d = 0; d < corpus.n_samples; ++d) {
      double sum = 0;
      for (SparseMatrix<double>::InnerIterator it(X, d); it; ++it)
        sum += it.value() * std::log(theta.row(d).dot(beta_t.row(it.col())) + 1e-12);
      per_sample[d] = sum;
    }
    // Summed in sample order: the same total for any thread count.
    double total = 0;
    for (double v : per_sample) total += v;
    out.per_modality.push_back(total);
    out.total += total;
  }
  return out;
}

ExportedTopics export_topics(const MtmModel& model, bool filter_topics, double filter_threshold,
                             bool renormalize) {
  const DenseMatrix<double> proportions = model.topic_proportions();
  ExportedTopics out;
  for (Index k = 0; k < model.n_topics(); ++k) {
    if (!filter_topics || proportions.col(k).maxCoeff() > filter_threshold) out.topics.push_back(k);
  }
  const Index kept = static_cast<Index>(out.topics.size());
  out.proportions.resize(proportions.rows(), kept);
  for (Index j = 0; j < kept; ++j) out.proportions.col(j) = proportions.col(out.topics[j]);
  if (renormalize && kept > 0)
    out.proportions.array().colwise() /= out.proportions.rowwise().sum().array();
  for (const auto& L : model.lambda) {
    DenseMatrix<double> S(L.cols(), kept);
    for (Index j = 0; j < kept; ++j) S.col(j) = L.row(out.topics[j]).transpose();
    out.signatures.push_back(std::move(S));
  }
  return out;
}

}  // namespace nmfkit::multimodal
