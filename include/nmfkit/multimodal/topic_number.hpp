#pragma once
// Choosing mTopic's number of topics (reference/mtopic.md §3): cross-validation over samples
// scored by held-out log-likelihood (tl.select_n_topics), and the plateau of a rational
// curve fitted through the mean scores (pl.select_n_topics).
//
// Per fold and K: the training and the test samples are preprocessed separately (the
// caller's function, e.g. mTopic's TF-IDF or CLR then scale_counts), MTM (or sMTM) is
// fitted by VI on the training samples, θ of the test samples is inferred with λ fixed, and
// Σ_d Σ_w x_dw·log(θ_d·β_w + 1e-12) is summed per modality over the (preprocessed) test
// values.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/core/progress.hpp"
#include "nmfkit/multimodal/data.hpp"
#include "nmfkit/multimodal/mtm.hpp"

namespace nmfkit::multimodal {

struct TopicNumberOptions {
  std::vector<int> ks = {5, 20, 40, 60, 80, 100};  // candidates, increasing, at least 6
  int n_folds = 5;                                 // folds over samples, ≥ 2
  int n_iter = 50;                                 // VI iterations per fit
  std::uint64_t seed = 2291;        // folds: default_rng(seed).permutation; also every fit's λ
  MtmOptions mtm;                   // the fits (n_topics and seed are set per fit)
  SpatialOptions spatial;           // sMTM's neighbourhoods, when coordinates are given
  double plateau_threshold = 0.05;  // best K: where the fitted slope falls to this × its max
  void validate() const;
};

// Applied to the training samples and to the test samples of each fold, separately.
using Preprocess = std::function<MultiModalData(const MultiModalData&)>;

struct FoldScore {
  int fold = 0;
  int n_topics = 0;
  std::vector<double> per_modality;  // held-out log-likelihood, in the data's modality order
  double total = 0;
};

// pl.select_n_topics' curve: y = (p0 + p1·x)/(1 + p2·x + p3·x²) on x = K and y = mean
// log-likelihood, both min-max normalised to [0, 1].
struct PlateauFit {
  std::array<double, 4> params{};
  double sse = 0;        // Σ squared residuals on the normalised points
  double r2 = 0;         // 1 − sse / Σ(y − ȳ)²
  double plateau_x = 0;  // normalised x where the slope first falls to threshold × max
  int best_k = 0;        // plateau_x mapped back to K and rounded (half to even)
};

struct TopicNumberResult {
  std::vector<std::string> modality_names;
  std::vector<int> ks;
  std::vector<FoldScore> scores;    // fold by fold, K by K
  std::vector<double> mean_total;   // per K: the mean over folds of the total
  std::vector<int> fold_of_sample;  // mTopic's obs['CV_split']
  PlateauFit fit;
  int best_k = 0;  // fit.best_k
};

// coordinates (N × 2): fit sMTM instead of MTM on each training set; the held-out E-step
// is the plain one either way. Progress: one line per fit; cancellation between fits and
// iterations.
TopicNumberResult select_n_topics(const MultiModalData& data, const TopicNumberOptions& options,
                                  const Preprocess& preprocess = {},
                                  const DenseMatrix<double>& coordinates = {},
                                  const Progress& progress = {});

// The curve fit alone: scipy.optimize.minimize(method="Nelder-Mead") with SciPy's default
// simplex, tolerances and evaluation limits, from p = (0, s, s, 0) for s in {0.5, 1, 2, 5,
// 10}, keeping the lowest SSE; the slope on 300 evenly spaced points as numpy.gradient.
// When no point falls to the threshold the largest K is taken. Throws InvalidArgument
// for fewer than 5 points, unequal lengths, K not increasing, or a flat or non-finite curve.
PlateauFit fit_plateau(const std::vector<int>& ks, const std::vector<double>& mean_ll,
                       double threshold = 0.05);

// The mean held-out log-likelihood per K with the chosen K marked, as an SVG document
// (select_k.svg of `nmfkit multimodal select-k`, and its report).
std::string held_out_likelihood_plot_svg(const std::vector<int>& ks,
                                         const std::vector<double>& mean_ll, int best_k);

}  // namespace nmfkit::multimodal
