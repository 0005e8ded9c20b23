#pragma once
// The noise2self criterion: predict each sample's data only from other samples, with a
// zero-diagonal row-stochastic kernel T, and score ‖Y − T·Y‖² / (n·m). With independent
// noise across samples this is the true denoising error plus a constant (the noise
// variance), so the kernel parameters that minimise it are the ones that denoise best.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::cluster {

// The variance-stabilising map φ applied entrywise to the data before scoring.
enum class Stabilizer { Sqrt, Log1p, None };
std::string to_string(Stabilizer stabilizer);
Stabilizer parse_stabilizer(const std::string& name);

struct StabilizeOptions {
  Stabilizer transform = Stabilizer::Sqrt;  // φ: sqrt suits counts (Poisson variance ∝ mean)
  bool scale_rows = true;  // first scale every row to the median row sum (depth normalisation)
};

// Y = φ(X·diag-scaled rows), same sparsity as X. Negative or non-finite entries throw
// InvalidArgument (sqrt and log1p need non-negative data).
SparseMatrix<double> stabilize(const SparseMatrix<double>& X, const StabilizeOptions& options = {});

struct LossStats {
  double loss = 0;      // Σ_i ‖y_i − (T·Y)_i‖² / (rows_used · m)
  double baseline = 0;  // the same for predicting 0: Σ_i ‖y_i‖² / (rows_used · m)
  double r2 = 0;        // 1 − residual / Σ_i ‖y_i − mean(y_i)‖² (DEWAKSS's R²)
  Index rows_used = 0;  // rows of Y with a non-zero entry (empty rows are not scored)
  Index empty_rows = 0; // scored rows whose kernel row is empty (predicted as 0)
};

// Sparse and parallel over rows, O(Σ_i Σ_{j∈N(i)} nnz(y_j)); the per-row terms are summed in
// row order, so the value does not depend on the number of threads. T is n × n, Y is n × m.
LossStats noise2self_loss(const SparseMatrix<double>& Y, const SparseMatrix<double>& T);

// Leave-one-out cluster means: y_i predicted by the mean of the other members of its
// cluster (singletons by 0), in closed form from the cluster sums:
// (1/(n·m)) [Σ_{c: n_c ≥ 2} (n_c/(n_c − 1))² WSS_c + Σ_{singletons} ‖y_i‖²], over the scored
// (non-empty) rows as above. A k-means-like score that tends to prefer fine partitions.
double centroid_loss(const SparseMatrix<double>& Y, const std::vector<int>& membership);

}  // namespace nmfkit::cluster
