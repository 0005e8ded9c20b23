#include "nmfkit/cluster/kernel.hpp"

#include <cmath>

#include "nmfkit/core/error.hpp"

namespace nmfkit::cluster {

namespace {
using Triplet = Eigen::Triplet<double, std::int64_t>;
constexpr double kInverseOffset = 1e-8;  // keeps 1/d finite for duplicate points
constexpr double kSmallestMeanDistance = 1e-12;

SparseMatrix<double> from_triplets(Index n, Index m, const std::vector<Triplet>& entries) {
  SparseMatrix<double> out(n, m);
  out.setFromTriplets(entries.begin(), entries.end());
  out.makeCompressed();
  return out;
}
}  // namespace

std::string to_string(Weighting weighting) {
  switch (weighting) {
    case Weighting::Exp: return "exp";
    case Weighting::Inverse: return "inverse";
    case Weighting::Binary: return "binary";
  }
  return "?";
}

Weighting parse_weighting(const std::string& name) {
  if (name == "exp") return Weighting::Exp;
  if (name == "inverse") return Weighting::Inverse;
  if (name == "binary") return Weighting::Binary;
  throw InvalidArgument("weighting '" + name + "' is not one of exp, inverse, binary");
}

SparseMatrix<double> affinity(const KnnLists& knn, int kappa, Weighting weighting) {
  if (kappa < 1 || kappa > knn.kmax) {
    throw InvalidArgument("neighbour count " + std::to_string(kappa) + " is outside 1.." +
                          std::to_string(knn.kmax) + " (the lists' length)");
  }
  SparseMatrix<double> A(knn.n, knn.n);
  A.reserve(Eigen::VectorXi::Constant(knn.n, kappa));
  for (Index i = 0; i < knn.n; ++i) {
    const auto* idx = knn.neighbors(i);
    const auto* dist = knn.distances(i);
    double mean = 0;
    for (int r = 0; r < kappa; ++r) mean += dist[r];
    mean = std::max(mean / kappa, kSmallestMeanDistance);
    for (int r = 0; r < kappa; ++r) {
      double a = 1;
      if (weighting == Weighting::Exp) a = std::exp(-dist[r] / mean);
      if (weighting == Weighting::Inverse) a = 1 / (dist[r] + kInverseOffset);
      A.insert(i, idx[r]) = a;
    }
  }
  A.makeCompressed();
  return A;
}

SparseMatrix<double> symmetrize(const SparseMatrix<double>& A) {
  if (A.rows() != A.cols()) throw InvalidArgument("symmetrize needs a square matrix");
  SparseMatrix<double> At = A.transpose();
  SparseMatrix<double> S = (A + At) * 0.5;
  S.makeCompressed();
  return S;
}

SparseMatrix<double> row_stochastic(const SparseMatrix<double>& A, Index* empty_rows) {
  std::vector<Triplet> entries;
  entries.reserve(static_cast<std::size_t>(A.nonZeros()));
  Index empty = 0;
  for (Index i = 0; i < A.outerSize(); ++i) {
    double sum = 0;
    for (SparseMatrix<double>::InnerIterator it(A, i); it; ++it) {
      if (it.col() != i) sum += it.value();
    }
    if (sum <= 0) {
      ++empty;
      continue;
    }
    for (SparseMatrix<double>::InnerIterator it(A, i); it; ++it) {
      if (it.col() != i && it.value() != 0) entries.emplace_back(i, it.col(), it.value() / sum);
    }
  }
  if (empty_rows) *empty_rows = empty;
  return from_triplets(A.rows(), A.cols(), entries);
}

SparseMatrix<double> within_clusters(const SparseMatrix<double>& A, const std::vector<int>& membership) {
  if (static_cast<Index>(membership.size()) != A.rows() || A.rows() != A.cols()) {
    throw InvalidArgument("membership has " + std::to_string(membership.size()) +
                          " entries for a graph of " + std::to_string(A.rows()) + " samples");
  }
  std::vector<Triplet> entries;
  entries.reserve(static_cast<std::size_t>(A.nonZeros()));
  for (Index i = 0; i < A.outerSize(); ++i) {
    for (SparseMatrix<double>::InnerIterator it(A, i); it; ++it) {
      if (membership[static_cast<std::size_t>(i)] == membership[static_cast<std::size_t>(it.col())])
        entries.emplace_back(i, it.col(), it.value());
    }
  }
  return from_triplets(A.rows(), A.cols(), entries);
}

SparseMatrix<double> diffuse(const SparseMatrix<double>& T, int steps) {
  if (steps < 1) throw InvalidArgument("diffusion steps " + std::to_string(steps) + " must be at least 1");
  SparseMatrix<double> current = T;
  for (int s = 1; s < steps; ++s) {
    SparseMatrix<double> product = current * T;
    current = row_stochastic(product);
  }
  return current;
}

}  // namespace nmfkit::cluster
