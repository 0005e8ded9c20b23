#pragma once
// The k-selection plot: one SVG document with a panel per kind of score — errors per k
// (log scale: held-out and training MSE, relative reconstruction error, the cNMF refit's
// error), the stability silhouettes, and the consensus measures (cophenetic correlation,
// dispersion, cNMF's spectra silhouette) — each method's choice marked.

#include <string>

#include "nmfkit/select/select_k.hpp"

namespace nmfkit::select {

std::string selection_plot_svg(const Selection& selection);

}  // namespace nmfkit::select
