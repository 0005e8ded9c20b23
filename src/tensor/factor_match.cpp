#include "nmfkit/tensor/factor_match.hpp"

#include <cmath>
#include <bit>
#include <limits>

#include "nmfkit/core/error.hpp"

namespace nmfkit {

namespace {

// Unit columns; the product of the column norms over the modes, times the weights.
void normalised(const std::vector<DenseMatrix<double>>& factors, const Vector<double>& weights,
                std::vector<DenseMatrix<double>>& unit, Vector<double>& norms) {
  norms = weights.cwiseAbs();
  unit.clear();
  for (const auto& A : factors) {
    DenseMatrix<double> U = A;
    for (Index r = 0; r < A.cols(); ++r) {
      const double norm = A.col(r).norm();
      norms(r) *= norm;
      if (norm > 0) U.col(r) /= norm;
    }
    unit.push_back(std::move(U));
  }
}

}  // namespace

double factor_match_score(const std::vector<DenseMatrix<double>>& factors_a,
                          const Vector<double>& weights_a,
                          const std::vector<DenseMatrix<double>>& factors_b,
                          const Vector<double>& weights_b) {
  const Index k = weights_a.size();
  if (factors_a.size() != factors_b.size() || weights_b.size() != k) {
    throw InvalidArgument("factor_match_score needs two models with the same modes and rank");
  }
  for (std::size_t m = 0; m < factors_a.size(); ++m) {
    if (factors_a[m].rows() != factors_b[m].rows() || factors_a[m].cols() != k ||
        factors_b[m].cols() != k) {
      throw InvalidArgument("factor_match_score: mode " + std::to_string(m) +
                            " has different sizes in the two models");
    }
  }
  if (k < 1 || k > 16) {
    throw InvalidArgument("factor_match_score handles ranks 1 to 16, got " + std::to_string(k));
  }
  std::vector<DenseMatrix<double>> ua, ub;
  Vector<double> la, lb;
  normalised(factors_a, weights_a, ua, la);
  normalised(factors_b, weights_b, ub, lb);
  DenseMatrix<double> score(k, k);
  for (Index r = 0; r < k; ++r) {
    for (Index s = 0; s < k; ++s) {
      const double largest = std::max(la(r), lb(s));
      double value = largest > 0 ? 1 - std::abs(la(r) - lb(s)) / largest : 1;
      for (std::size_t m = 0; m < ua.size(); ++m) {
        value *= std::abs(ua[m].col(r).dot(ub[m].col(s)));
      }
      score(r, s) = value;
    }
  }
  // The best assignment by dynamic programming over subsets of b's components:
  // best[used] is the largest total for a's first popcount(used) components matched to
  // the set `used`.
  const std::size_t subsets = std::size_t{1} << k;
  std::vector<double> best(subsets, -std::numeric_limits<double>::infinity());
  best[0] = 0;
  for (std::size_t used = 0; used < subsets; ++used) {
    if (best[used] == -std::numeric_limits<double>::infinity()) continue;
    const Index r = std::popcount(used);
    if (r >= k) continue;
    for (Index s = 0; s < k; ++s) {
      const std::size_t bit = std::size_t{1} << s;
      if (used & bit) continue;
      best[used | bit] = std::max(best[used | bit], best[used] + score(r, s));
    }
  }
  return best[subsets - 1] / static_cast<double>(k);
}

}  // namespace nmfkit
