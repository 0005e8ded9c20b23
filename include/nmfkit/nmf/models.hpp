#pragma once
// Members of the NMF family beyond X ≈ W·H with W, H ≥ 0. Each is chosen through fit()'s
// options (nmf.hpp) and shares fit's options, stopping rule (tol, patience, max_iter),
// objective history, result and errors:
//
//   model = "semi"       semi-NMF (Ding, Li & Jordan 2010) for data of any sign, such as a
//                        network's activations: X ≈ W·H with H ≥ 0 and W free.
//   model = "symmetric"  symmetric NMF (Kuang, Ding & Park 2012) of a square symmetric
//                        similarity or graph matrix: X ≈ W·Wᵀ, W ≥ 0, and H = Wᵀ.
//                        communities() reads W's rows as memberships.
//   model = "deep"       deep NMF (Trigeorgis et al. 2014, non-negative variant): layers
//                        X ≈ W_L·H_L···H_1 with ranks layer_ranks (k_1 > … > k_L), every
//                        factor ≥ 0; layer-wise pre-training by fit(), then all layers
//                        fine-tuned together by multiplicative updates that never increase
//                        ½‖X − W·H‖². The result's W is W_L and H the product H_L···H_1 (so
//                        transform gives new samples' last-layer codes); layer_W and layer_H
//                        hold every layer.
//   graph != nullptr     graph-regularised NMF (GNMF, Cai, He, Han & Huang 2011): the
//                        standard model plus λ/2·tr(WᵀLW) for a graph over the samples,
//                        with scikit-learn's L1/L2 penalties (alpha_W, alpha_H, l1_ratio)
//                        on either factor for sparse codes.
//
// Solvers pgd and adam (seed 004's gradient NMF) are standard-model solvers of the
// registry (solver.hpp). Masks and weights and several processes are for the standard model only;
// transform for the standard and deep models.

#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

// The community of each row of W: the index of its largest entry (the first on ties;
// -1 for a row of zeros, which belongs to no community).
template <class T>
std::vector<int> communities(const DenseMatrix<T>& W);

}  // namespace nmfkit
