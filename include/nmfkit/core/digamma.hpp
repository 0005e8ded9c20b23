#pragma once
// The digamma function ψ = Γ'/Γ, to within a few units in the last place of SciPy's
// scipy.special.psi: variational topic models (multimodal LDA) evaluate it for every
// Dirichlet parameter, and agreement with NumPy references to 1e-8 needs it exact.

namespace nmfkit {

// ψ(x) for real x: −∞ at 0 (+∞ from the left), NaN at the negative integers, NaN for NaN.
double digamma(double x);

}  // namespace nmfkit
