#pragma once
// Affinities on a kNN graph and the kernels that predict each sample from its neighbours
// only: zero diagonal, rows normalised to sum 1 (the "weighted affinity kernel" of
// DEWAKSS / DeePWAK). Matrices are n × n CSR; row i holds i's out-neighbours.

#include <string>
#include <vector>

#include "nmfkit/cluster/knn.hpp"
#include "nmfkit/core/matrix.hpp"

namespace nmfkit::cluster {

// exp (DEWAKSS): a_ij = exp(−d_ij / d̄_i), d̄_i the mean distance to i's κ neighbours;
// inverse (DeePWAK): a_ij = 1 / (d_ij + 1e-8); binary: a_ij = 1.
enum class Weighting { Exp, Inverse, Binary };
std::string to_string(Weighting weighting);
Weighting parse_weighting(const std::string& name);

// The affinities of each row's first `kappa` neighbours (1 ≤ kappa ≤ knn.kmax).
SparseMatrix<double> affinity(const KnnLists& knn, int kappa, Weighting weighting);

// (A + Aᵀ)/2 over the union of the pairs: the undirected graph Leiden needs.
SparseMatrix<double> symmetrize(const SparseMatrix<double>& A);

// R(A): the diagonal dropped and each row divided by its sum. Rows with nothing left stay
// empty (they predict 0); their number goes to *empty_rows when given.
SparseMatrix<double> row_stochastic(const SparseMatrix<double>& A, Index* empty_rows = nullptr);

// A ⊙ [c_i = c_j]: only the edges inside a cluster. `membership` has one entry per row.
SparseMatrix<double> within_clusters(const SparseMatrix<double>& A, const std::vector<int>& membership);

// DEWAKSS diffusion: T₁ = T, T_{s+1} = R(T_s · T) (the diagonal re-zeroed at every step,
// so no sample ever helps to predict itself). steps ≥ 1; T must be row-stochastic. The fill
// grows as κ^steps per row: meant for a few steps at small κ.
SparseMatrix<double> diffuse(const SparseMatrix<double>& T, int steps);

}  // namespace nmfkit::cluster
