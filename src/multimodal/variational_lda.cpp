#include "variational_lda.hpp"

#include <omp.h>

#include <cmath>

#include "nmfkit/core/digamma.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "spatial_smoothing.hpp"

namespace nmfkit::multimodal::detail {

namespace {

// mTopic's guard against a zero normaliser (a feature no topic explains).
constexpr double kNormFloor = 1e-100;

// The modality as double CSR rows without stored zeros (a zero contributes nothing).
template <class T>
SparseMatrix<double> to_rows(const DenseMatrix<T>& X) {
  return SparseMatrix<double>(X.template cast<double>().sparseView());
}

template <class T>
SparseMatrix<double> to_rows(const SparseMatrix<T>& X) {
  SparseMatrix<double> out = X.template cast<double>();
  out.prune(0.0, 0.0);
  out.makeCompressed();
  return out;
}

void index_by_feature(ModalityRows& m) {
  const Index V = m.X.cols();
  const auto* outer = m.X.outerIndexPtr();
  const auto* inner = m.X.innerIndexPtr();
  const Index nnz = m.X.nonZeros();
  m.feature_start.assign(static_cast<std::size_t>(V + 1), 0);
  for (Index p = 0; p < nnz; ++p) ++m.feature_start[static_cast<std::size_t>(inner[p] + 1)];
  for (Index w = 0; w < V; ++w) m.feature_start[w + 1] += m.feature_start[w];
  std::vector<Index> next(m.feature_start.begin(), m.feature_start.end() - 1);
  m.entry.resize(static_cast<std::size_t>(nnz));
  m.entry_row.resize(static_cast<std::size_t>(nnz));
  for (Index d = 0; d < m.X.rows(); ++d) {
    for (Index p = outer[d]; p < outer[d + 1]; ++p) {
      const Index slot = next[inner[p]]++;
      m.entry[slot] = p;
      m.entry_row[slot] = d;
    }
  }
}

}  // namespace

Corpus make_corpus(const MultiModalData& data, const std::vector<std::string>* names,
                   const std::vector<Index>* n_features) {
  data.validate();
  std::vector<const Modality*> order;
  if (names) {
    if (data.modalities.size() != names->size()) {
      std::string expected;
      for (const auto& n : *names) expected += (expected.empty() ? "" : ", ") + n;
      throw InvalidArgument("the data has " + std::to_string(data.modalities.size()) +
                            " modalities, the model " + std::to_string(names->size()) + " (" +
                            expected + ")");
    }
    for (std::size_t m = 0; m < names->size(); ++m) {
      const Modality& mod = data.modality((*names)[m]);
      if (n_features && mod.counts.cols() != (*n_features)[m])
        throw InvalidArgument("modality '" + mod.name + "' has " +
                              std::to_string(mod.counts.cols()) + " features, the model " +
                              std::to_string((*n_features)[m]));
      order.push_back(&mod);
    }
  } else {
    for (const auto& mod : data.modalities) order.push_back(&mod);
  }
  Corpus corpus;
  corpus.n_samples = data.n_samples();
  for (const Modality* mod : order) {
    ModalityRows rows;
    require_finite_nonnegative(mod->counts, "modality '" + mod->name + "'");
    rows.X = mod->counts.visit([](const auto& X) { return to_rows(X); });
    index_by_feature(rows);
    corpus.modalities.push_back(std::move(rows));
  }
  return corpus;
}

Corpus select_samples(const Corpus& corpus, const std::vector<Index>& samples) {
  Corpus out;
  out.n_samples = static_cast<Index>(samples.size());
  for (const auto& m : corpus.modalities) {
    const auto* outer = m.X.outerIndexPtr();
    Index nnz = 0;
    for (Index d : samples) {
      if (d < 0 || d >= corpus.n_samples)
        throw InvalidArgument("sample index " + std::to_string(d) + " outside [0, " +
                              std::to_string(corpus.n_samples) + ")");
      nnz += outer[d + 1] - outer[d];
    }
    ModalityRows rows;
    rows.X.resize(out.n_samples, m.X.cols());
    rows.X.resizeNonZeros(nnz);
    auto* new_outer = rows.X.outerIndexPtr();
    auto* new_inner = rows.X.innerIndexPtr();
    double* new_values = rows.X.valuePtr();
    Index p = 0;
    new_outer[0] = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const Index d = samples[i];
      for (Index q = outer[d]; q < outer[d + 1]; ++q, ++p) {
        new_inner[p] = m.X.innerIndexPtr()[q];
        new_values[p] = m.X.valuePtr()[q];
      }
      new_outer[i + 1] = p;
    }
    index_by_feature(rows);
    out.modalities.push_back(std::move(rows));
  }
  return out;
}

void dirichlet_exp_expectation(const double* g, Index K, double* out) {
  double sum = 0;
  for (Index k = 0; k < K; ++k) sum += g[k];
  const double psi_sum = digamma(sum);
  for (Index k = 0; k < K; ++k) out[k] = std::exp(digamma(g[k]) - psi_sum);
}

EStep::EStep(Index n_topics, double alpha, int max_iter_d, double gamma_tol)
    : K_(n_topics), alpha_(alpha), max_iter_d_(max_iter_d), gamma_tol_(gamma_tol) {}

void EStep::set_lambda_t(std::vector<DenseMatrix<double>> lambda_t) {
  lambda_t_ = std::move(lambda_t);
  exp_elog_beta_t_.resize(lambda_t_.size());
  for (std::size_t m = 0; m < lambda_t_.size(); ++m) {
    const DenseMatrix<double>& L = lambda_t_[m];
    const Index V = L.rows();
    // Σ_w λ_kw in feature order: a fixed order, whatever the thread count.
    Vector<double> psi_sum = Vector<double>::Zero(K_);
    for (Index w = 0; w < V; ++w) psi_sum += L.row(w).transpose();
    for (Index k = 0; k < K_; ++k) psi_sum[k] = digamma(psi_sum[k]);
    DenseMatrix<double>& E = exp_elog_beta_t_[m];
    E.resize(V, K_);
#pragma omp parallel for schedule(static)
    for (Index w = 0; w < V; ++w) {
      for (Index k = 0; k < K_; ++k) E(w, k) = std::exp(digamma(L(w, k)) - psi_sum[k]);
    }
  }
}

void EStep::run(const Corpus& corpus, DenseMatrix<double>& gamma,
                std::vector<DenseMatrix<double>>* sstats_t, const SpatialSmoother* smoother) const {
  const Index N = corpus.n_samples;
  const Index K = K_;
  const std::size_t M = corpus.modalities.size();
  gamma.resize(N, K);
  const bool keep = sstats_t != nullptr;
  DenseMatrix<double> etheta;
  std::vector<std::vector<double>> ratio(M);
  if (keep) {
    etheta.resize(N, K);
    for (std::size_t m = 0; m < M; ++m)
      ratio[m].resize(static_cast<std::size_t>(corpus.modalities[m].X.nonZeros()));
  }

#pragma omp parallel
  {
    // One set of buffers per thread, grown to the largest sample seen: nothing is
    // allocated per sample.
    Vector<double> g(K), g_prev(K), et(K), acc(K), scratch(2 * K);
    // The sample's rows of exp(E[log β]), all modalities, gathered once into a contiguous
    // block with its values beside them: the up to max_iter_d passes then run as two
    // matrix-vector products over memory that stays in cache. (The block's base is
    // aligned in every thread, so the products round the same way whatever the thread.)
    DenseMatrix<double> B(0, K);
    Vector<double> x, r;
    Index n = 0;

    auto gather = [&](Index d) {
      n = 0;
      for (const auto& rows : corpus.modalities) {
        const auto* outer = rows.X.outerIndexPtr();
        n += outer[d + 1] - outer[d];
      }
      if (n > B.rows()) {
        B.resize(n, K);
        x.resize(n);
        r.resize(n);
      }
      Index i = 0;
      for (std::size_t m = 0; m < M; ++m) {
        const ModalityRows& rows = corpus.modalities[m];
        const auto* outer = rows.X.outerIndexPtr();
        const auto* inner = rows.X.innerIndexPtr();
        const double* values = rows.X.valuePtr();
        const DenseMatrix<double>& E = exp_elog_beta_t_[m];
        for (Index p = outer[d]; p < outer[d + 1]; ++p, ++i) {
          B.row(i) = E.row(inner[p]);
          x[i] = values[p];
        }
      }
    };

    // With Eθ = et: r = x/norm for each entry and, when accumulate,
    // acc = Σ r·exp(E[log β_w]).
    auto pass = [&](bool accumulate) {
      const auto block = B.topRows(n);
      auto ratios = r.head(n);
      ratios.noalias() = block * et;
      ratios = x.head(n).array() / (ratios.array() + kNormFloor);
      if (accumulate) acc.noalias() = block.transpose() * ratios;
    };

    // The final ratios, back in each modality's entry order.
    auto store = [&](Index d) {
      Index i = 0;
      for (std::size_t m = 0; m < M; ++m) {
        const auto* outer = corpus.modalities[m].X.outerIndexPtr();
        for (Index p = outer[d]; p < outer[d + 1]; ++p, ++i)
          ratio[m][static_cast<std::size_t>(p)] = r[i];
      }
    };

#pragma omp for schedule(dynamic, 8)
    for (Index d = 0; d < N; ++d) {
      gather(d);
      g.setOnes();
      dirichlet_exp_expectation(g.data(), K, et.data());
      pass(true);
      for (int it = 0; it < max_iter_d_; ++it) {
        g_prev = g;
        g = alpha_ + et.array() * acc.array();
        dirichlet_exp_expectation(g.data(), K, et.data());
        const bool converged = (g - g_prev).cwiseAbs().sum() / static_cast<double>(K) < gamma_tol_;
        const bool last = converged || it + 1 == max_iter_d_;
        // The norms of the final Eθ are needed for the statistics, unless smoothing
        // changes Eθ once more.
        if (!last || (keep && !smoother)) pass(!last);
        if (converged) break;
      }
      if (smoother) {
        smoother->smooth(d, g.data(), scratch.data());
        dirichlet_exp_expectation(g.data(), K, et.data());
        if (keep) pass(false);
      }
      gamma.row(d) = g.transpose();
      if (keep) {
        etheta.row(d) = et.transpose();
        store(d);
      }
    }
  }

  if (!keep) return;
  sstats_t->resize(M);
  for (std::size_t m = 0; m < M; ++m) {
    const ModalityRows& rows = corpus.modalities[m];
    const Index V = rows.X.cols();
    DenseMatrix<double>& S = (*sstats_t)[m];
    S.setZero(V, K);
    const std::vector<double>& r = ratio[m];
#pragma omp parallel for schedule(dynamic, 64)
    for (Index w = 0; w < V; ++w) {
      auto row = S.row(w);
      for (Index q = rows.feature_start[w]; q < rows.feature_start[w + 1]; ++q) {
        row.noalias() += r[static_cast<std::size_t>(rows.entry[q])] * etheta.row(rows.entry_row[q]);
      }
    }
  }
}

}  // namespace nmfkit::multimodal::detail
