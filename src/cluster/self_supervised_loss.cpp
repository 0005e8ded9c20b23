#include "nmfkit/cluster/self_supervised_loss.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "nmfkit/core/error.hpp"

namespace nmfkit::cluster {

std::string to_string(Stabilizer stabilizer) {
  switch (stabilizer) {
    case Stabilizer::Sqrt: return "sqrt";
    case Stabilizer::Log1p: return "log1p";
    case Stabilizer::None: return "none";
  }
  return "?";
}

Stabilizer parse_stabilizer(const std::string& name) {
  if (name == "sqrt") return Stabilizer::Sqrt;
  if (name == "log1p") return Stabilizer::Log1p;
  if (name == "none") return Stabilizer::None;
  throw InvalidArgument("transform '" + name + "' is not one of sqrt, log1p, none");
}

SparseMatrix<double> stabilize(const SparseMatrix<double>& X, const StabilizeOptions& options) {
  SparseMatrix<double> Y = X;
  Y.makeCompressed();
  std::vector<double> sums(static_cast<std::size_t>(Y.rows()), 0.0);
  for (Index i = 0; i < Y.outerSize(); ++i) {
    for (SparseMatrix<double>::InnerIterator it(Y, i); it; ++it) {
      if (!std::isfinite(it.value()) || it.value() < 0) {
        throw InvalidArgument("data entry (" + std::to_string(i) + ", " + std::to_string(it.col()) +
                              ") = " + std::to_string(it.value()) +
                              " is not a finite non-negative number");
      }
      sums[static_cast<std::size_t>(i)] += it.value();
    }
  }
  if (options.scale_rows) {
    std::vector<double> positive;
    for (const double s : sums) if (s > 0) positive.push_back(s);
    if (!positive.empty()) {
      const auto middle = positive.begin() + static_cast<std::ptrdiff_t>(positive.size() / 2);
      std::nth_element(positive.begin(), middle, positive.end());
      double median = *middle;
      if (positive.size() % 2 == 0) {
        median = (median + *std::max_element(positive.begin(), middle)) / 2;
      }
      for (Index i = 0; i < Y.outerSize(); ++i) {
        const double s = sums[static_cast<std::size_t>(i)];
        if (s > 0) Y.row(i) *= median / s;
      }
    }
  }
  double* values = Y.valuePtr();
  for (Index e = 0; e < Y.nonZeros(); ++e) {
    if (options.transform == Stabilizer::Sqrt) values[e] = std::sqrt(values[e]);
    if (options.transform == Stabilizer::Log1p) values[e] = std::log1p(values[e]);
  }
  return Y;
}

LossStats noise2self_loss(const SparseMatrix<double>& Y, const SparseMatrix<double>& T) {
  const Index n = Y.rows();
  const Index m = Y.cols();
  if (T.rows() != n || T.cols() != n) {
    throw InvalidArgument("kernel is " + std::to_string(T.rows()) + " × " + std::to_string(T.cols()) +
                          " for data with " + std::to_string(n) + " rows");
  }
  std::vector<double> residual(static_cast<std::size_t>(n), 0.0);
  std::vector<double> power(static_cast<std::size_t>(n), 0.0);
  std::vector<double> spread(static_cast<std::size_t>(n), 0.0);
  std::vector<char> used(static_cast<std::size_t>(n), 0);
  std::vector<char> empty(static_cast<std::size_t>(n), 0);
#pragma omp parallel
  {
    std::vector<double> prediction(static_cast<std::size_t>(m), 0.0);
    std::vector<char> touched_flag(static_cast<std::size_t>(m), 0);
    std::vector<Index> touched;
#pragma omp for schedule(dynamic, 64)
    for (Index i = 0; i < n; ++i) {
      double own = 0;
      double own_sum = 0;
      for (SparseMatrix<double>::InnerIterator it(Y, i); it; ++it) {
        own += it.value() * it.value();
        own_sum += it.value();
      }
      if (own == 0) continue;
      const auto ui = static_cast<std::size_t>(i);
      used[ui] = 1;
      touched.clear();
      bool any = false;
      for (SparseMatrix<double>::InnerIterator t(T, i); t; ++t) {
        any = true;
        for (SparseMatrix<double>::InnerIterator it(Y, t.col()); it; ++it) {
          const auto f = static_cast<std::size_t>(it.col());
          if (!touched_flag[f]) {
            touched_flag[f] = 1;
            touched.push_back(it.col());
          }
          prediction[f] += t.value() * it.value();
        }
      }
      empty[ui] = !any;
      // ‖y − ŷ‖² = ‖y‖² − 2 y·ŷ + ‖ŷ‖², over the touched features and y's own.
      double cross = 0;
      for (SparseMatrix<double>::InnerIterator it(Y, i); it; ++it)
        cross += it.value() * prediction[static_cast<std::size_t>(it.col())];
      double predicted = 0;
      for (const Index f : touched) {
        const auto uf = static_cast<std::size_t>(f);
        predicted += prediction[uf] * prediction[uf];
        prediction[uf] = 0;
        touched_flag[uf] = 0;
      }
      residual[ui] = std::max(0.0, own - 2 * cross + predicted);
      power[ui] = own;
      spread[ui] = own - own_sum * own_sum / static_cast<double>(m);
    }
  }
  LossStats stats;
  double res = 0, pow = 0, spr = 0;
  for (Index i = 0; i < n; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    if (!used[ui]) continue;
    ++stats.rows_used;
    if (empty[ui]) ++stats.empty_rows;
    res += residual[ui];
    pow += power[ui];
    spr += spread[ui];
  }
  if (stats.rows_used == 0) throw InvalidArgument("the data have no non-zero row to score");
  const double cells = static_cast<double>(stats.rows_used) * static_cast<double>(m);
  stats.loss = res / cells;
  stats.baseline = pow / cells;
  stats.r2 = spr > 0 ? 1 - res / spr : 0;
  return stats;
}

double centroid_loss(const SparseMatrix<double>& Y, const std::vector<int>& membership) {
  const Index n = Y.rows();
  if (static_cast<Index>(membership.size()) != n) {
    throw InvalidArgument("membership has " + std::to_string(membership.size()) +
                          " entries for data with " + std::to_string(n) + " rows");
  }
  // Per cluster: members, Σ‖y_i‖² and the sparse sum S_c.
  std::map<int, Index> members;
  std::map<int, double> power;
  std::map<int, std::unordered_map<Index, double>> sums;
  Index used = 0;
  for (Index i = 0; i < n; ++i) {
    double own = 0;
    for (SparseMatrix<double>::InnerIterator it(Y, i); it; ++it) own += it.value() * it.value();
    if (own == 0) continue;
    ++used;
    const int c = membership[static_cast<std::size_t>(i)];
    ++members[c];
    power[c] += own;
    auto& s = sums[c];
    for (SparseMatrix<double>::InnerIterator it(Y, i); it; ++it) s[it.col()] += it.value();
  }
  if (used == 0) throw InvalidArgument("the data have no non-zero row to score");
  double total = 0;
  for (const auto& [c, count] : members) {
    if (count == 1) {
      total += power[c];
      continue;
    }
    double s2 = 0;
    for (const auto& [f, v] : sums[c]) s2 += v * v;
    const double nc = static_cast<double>(count);
    const double wss = std::max(0.0, power[c] - s2 / nc);
    total += (nc / (nc - 1)) * (nc / (nc - 1)) * wss;
  }
  return total / (static_cast<double>(used) * static_cast<double>(Y.cols()));
}

}  // namespace nmfkit::cluster
