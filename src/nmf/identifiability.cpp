// The SSC test by double description, and near-anchors (nmfkit/nmf/identifiability.hpp).

#include "nmfkit/nmf/identifiability.hpp"

#include <algorithm>
#include <iterator>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <sstream>

#include <Eigen/QR>
#include <Eigen/SVD>

#include "nmfkit/core/error.hpp"

namespace nmfkit {

namespace {

using Vec = Eigen::VectorXd;

// a·r below this counts as zero: the points sum to 1 and the rays have unit norm, so the
// products are O(1) and this is far above the rounding of a k ≤ 12 dot product.
constexpr double kZero = 1e-10;

// A ray of the current cone and the points tight at it (a·x = 0), as their positions in
// the processing order: appended as points are processed, so always sorted. In general
// position a ray has k − 1 of them, so intersecting two is O(k).
struct Ray {
  Vec x;  // unit 2-norm
  std::vector<Index> tight;
};

// Adjacency tests allowed per ray of the budget: the pairs, not the rays, dominate the time.
constexpr std::size_t kPairsPerRay = 2000;

// ‖x‖²/(eᵀx)²: ‖·‖² of x scaled onto eᵀx = 1; infinite when x does not point into eᵀx > 0.
double norm_ratio(const Vec& x) {
  const double s = x.sum();
  if (s <= kZero * x.norm()) return std::numeric_limits<double>::infinity();
  return x.squaredNorm() / (s * s);
}

bool is_unit_vector(const Vec& x, double tolerance) {
  return x.cwiseAbs().maxCoeff() >= (1 - tolerance) * x.norm();
}

std::string format_vector(const std::vector<double>& x) {
  std::ostringstream out;
  out.precision(6);
  out << '(';
  for (std::size_t i = 0; i < x.size(); ++i) out << (i ? ", " : "") << x[i];
  out << ')';
  return out.str();
}

// A direction d of the cone {x : Fx ≥ 0} with eᵀd ≤ 0 makes P unbounded: from e_b,
// y(t) = e_b + t·(d − (eᵀd)·e_b) stays in P for t ≥ 0 (F·y = (1 − t·eᵀd)·F·e_b + t·F·d ≥ 0,
// eᵀy = 1). Returns such a y with ‖y‖² > 2, a certificate that p* > 1.
std::vector<double> certificate_along(const Vec& d) {
  const Index k = d.size();
  Index b = 0;
  d.cwiseAbs().minCoeff(&b);  // so that d is not a multiple of e_b
  Vec u = d;
  u[b] -= d.sum();
  Vec y = Vec::Unit(k, b);
  for (double t = 1; y.squaredNorm() <= 2 && t < 1e12; t *= 2) y = Vec::Unit(k, b) + t * u;
  return std::vector<double>(y.data(), y.data() + k);
}

void check_points(const DenseMatrix<double>& F, const char* what) {
  if (F.cols() < 1) throw InvalidArgument(std::string(what) + " has no components");
  if (F.cols() > kMaxSscRank) {
    throw InvalidArgument(std::string(what) + " has k = " + std::to_string(F.cols()) +
                          " components; the SSC check enumerates vertices exactly and handles k <= " +
                          std::to_string(kMaxSscRank));
  }
  if (!F.allFinite() || (F.size() > 0 && F.minCoeff() < 0)) {
    throw InvalidArgument(std::string(what) + " must be finite and non-negative");
  }
}

SscReport fails_with(SscReport report, std::vector<double> x, const std::string& why) {
  report.verdict = SscVerdict::Fails;
  report.certificate = std::move(x);
  report.reason = why + "; certificate x = " + format_vector(report.certificate) +
                  " has F·x >= 0, sum(x) = 1";
  return report;
}

}  // namespace

void SscOptions::validate() const {
  if (!(tolerance >= 0 && tolerance < 0.5)) {
    throw InvalidArgument("SSC tolerance must be in [0, 0.5), got " + std::to_string(tolerance));
  }
  if (max_rays < 1) throw InvalidArgument("SSC max_rays must be >= 1");
}

std::string to_string(SscVerdict verdict) {
  switch (verdict) {
    case SscVerdict::Holds:
      return "holds";
    case SscVerdict::Fails:
      return "fails";
    case SscVerdict::Undecided:
      return "undecided";
  }
  return "undecided";
}

SscReport check_ssc(const DenseMatrix<double>& F, const SscOptions& options) {
  check_points(F, "the factor");
  options.validate();
  const Index k = F.cols();
  const double tol = options.tolerance;
  // The non-zero points scaled to sum 1 (the cone and the problem are the same).
  std::vector<Index> kept;
  for (Index i = 0; i < F.rows(); ++i) {
    if (F.row(i).sum() > 0) kept.push_back(i);
  }
  const Index N = static_cast<Index>(kept.size());
  DenseMatrix<double> A(N, k);
  for (Index i = 0; i < N; ++i) A.row(i) = F.row(kept[static_cast<std::size_t>(i)]) / F.row(kept[static_cast<std::size_t>(i)]).sum();
  SscReport report;
  report.rank = k;
  report.points = N;
  if (k == 1) {
    report.verdict = N > 0 ? SscVerdict::Holds : SscVerdict::Fails;
    report.max_norm = N > 0 ? 1.0 : std::numeric_limits<double>::infinity();
    report.reason = N > 0 ? "k = 1: any non-zero point spans the cone (proven)" : "no non-zero point";
    return report;
  }
  // Full rank, or the cone {x : Ax ≥ 0} holds a line and P is unbounded.
  Eigen::ColPivHouseholderQR<DenseMatrix<double>> qr(A.transpose());
  qr.setThreshold(1e-9);
  if (N == 0 || qr.rank() < k) {
    Vec d = Vec::Unit(k, 1) - Vec::Unit(k, 0);
    if (N > 0) {
      Eigen::JacobiSVD<DenseMatrix<double>> svd(A, Eigen::ComputeFullV);
      d = svd.matrixV().col(k - 1);
      if (d.sum() > 0) d = -d;
    }
    report.max_norm = std::numeric_limits<double>::infinity();
    return fails_with(report, certificate_along(d),
                      "SSC fails (proven): the points span only " +
                          std::to_string(N == 0 ? 0 : qr.rank()) + " of " + std::to_string(k) +
                          " dimensions, so max ||x||^2 is unbounded");
  }

  // Double description: the cone of k independent constraints, then one point at a time.
  std::vector<Index> basis(static_cast<std::size_t>(k));
  for (Index c = 0; c < k; ++c) basis[static_cast<std::size_t>(c)] = qr.colsPermutation().indices()[c];
  DenseMatrix<double> B(k, k);
  for (Index c = 0; c < k; ++c) B.row(c) = A.row(basis[static_cast<std::size_t>(c)]);
  const DenseMatrix<double> inverse = B.inverse();
  std::vector<Ray> rays;
  for (Index j = 0; j < k; ++j) {
    Ray r{inverse.col(j).normalized(), {}};
    for (Index c = 0; c < k; ++c) {
      if (c != j) r.tight.push_back(c);
    }
    rays.push_back(std::move(r));
  }
  // The points far from the simplex's centre cut most; taking them first keeps the
  // intermediate cones small (the points near the centre then cut nothing).
  std::vector<char> is_basis(static_cast<std::size_t>(N), 0);
  for (Index b : basis) is_basis[static_cast<std::size_t>(b)] = 1;
  std::vector<Index> order;
  std::vector<double> spread(static_cast<std::size_t>(N));
  for (Index i = 0; i < N; ++i) {
    spread[static_cast<std::size_t>(i)] = (A.row(i).array() - 1.0 / static_cast<double>(k)).matrix().squaredNorm();
    if (!is_basis[static_cast<std::size_t>(i)]) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return spread[static_cast<std::size_t>(a)] > spread[static_cast<std::size_t>(b)];
  });

  // Every vertex of the current cone (which contains the final one) below 1 + tol, and
  // only unit vectors near 1: the final vertices are convex combinations of these, so (1)
  // and (2) hold already.
  const auto all_inside = [&] {
    for (const Ray& r : rays) {
      const double rho = norm_ratio(r.x);
      if (rho > 1 + tol) return false;
      if (rho >= 1 - tol && !is_unit_vector(r.x, tol)) return false;
    }
    return true;
  };
  const auto hold = [&](const std::string& when) {
    report.verdict = SscVerdict::Holds;
    report.max_norm = 0;
    for (const Ray& r : rays) report.max_norm = std::max(report.max_norm, norm_ratio(r.x));
    report.vertices = rays.size();
    std::ostringstream out;
    out.precision(8);
    out << "SSC holds (proven " << when << "): every vertex x of {F·x >= 0, sum(x) = 1} has ||x||^2 <= "
        << report.max_norm << " <= 1 + " << tol << ", and only unit vectors reach 1";
    report.reason = out.str();
    return report;
  };
  if (all_inside()) return hold("by the first k points alone");

  std::vector<Index> point_at(basis);  // processing position → point
  point_at.insert(point_at.end(), order.begin(), order.end());
  std::vector<double> value;
  std::vector<Index> common;
  DenseMatrix<double> tight_rows;
  std::size_t step = 0;
  std::size_t pairs = 0;
  for (Index i : order) {
    const Index position = k + static_cast<Index>(step);
    ++step;
    const auto a = A.row(i);
    value.resize(rays.size());
    bool any_negative = false;
    for (std::size_t r = 0; r < rays.size(); ++r) {
      value[r] = a.dot(rays[r].x);
      any_negative = any_negative || value[r] < -kZero;
    }
    if (!any_negative) {
      for (std::size_t r = 0; r < rays.size(); ++r) {
        if (value[r] <= kZero) rays[r].tight.push_back(position);
      }
      continue;
    }
    std::vector<Ray> next;
    std::vector<std::size_t> negative;
    for (std::size_t r = 0; r < rays.size(); ++r) {
      if (value[r] < -kZero) negative.push_back(r);
    }
    for (std::size_t p = 0; p < rays.size(); ++p) {
      if (value[p] <= kZero) continue;
      for (std::size_t q : negative) {
        // Adjacent iff the processed points tight at both have rank k − 2.
        ++pairs;
        common.clear();
        std::set_intersection(rays[p].tight.begin(), rays[p].tight.end(), rays[q].tight.begin(),
                              rays[q].tight.end(), std::back_inserter(common));
        const Index count = static_cast<Index>(common.size());
        if (count < k - 2) continue;
        if (k > 2) {
          tight_rows.resize(count, k);
          for (Index row = 0; row < count; ++row) {
            tight_rows.row(row) = A.row(point_at[static_cast<std::size_t>(common[static_cast<std::size_t>(row)])]);
          }
          Eigen::ColPivHouseholderQR<DenseMatrix<double>> adjacency(tight_rows);
          adjacency.setThreshold(1e-9);
          if (adjacency.rank() != k - 2) continue;
        }
        Ray z{(value[p] * rays[q].x - value[q] * rays[p].x).normalized(), common};
        z.tight.push_back(position);
        next.push_back(std::move(z));
      }
      if (next.size() + rays.size() > options.max_rays || pairs > kPairsPerRay * options.max_rays) {
        report.verdict = SscVerdict::Undecided;
        report.vertices = next.size() + rays.size();
        report.max_norm = std::numeric_limits<double>::quiet_NaN();
        report.reason = "undecided within budget: the enumeration needed more than " +
                        std::to_string(options.max_rays) + " rays (or " +
                        std::to_string(kPairsPerRay) + " adjacency tests per ray) after " +
                        std::to_string(step) +
                        " of " + std::to_string(N - k) + " points";
        return report;
      }
    }
    for (std::size_t r = 0; r < rays.size(); ++r) {
      if (value[r] < -kZero) continue;
      if (value[r] <= kZero) rays[r].tight.push_back(position);
      next.push_back(std::move(rays[r]));
    }
    rays = std::move(next);
    if (all_inside()) return hold("after " + std::to_string(k + static_cast<Index>(step)) + " of " + std::to_string(N) + " points");
  }

  // Every point processed: the rays are exactly P's vertices (or its unbounded directions).
  report.vertices = rays.size();
  std::size_t worst = 0;
  double worst_ratio = -1;
  for (std::size_t r = 0; r < rays.size(); ++r) {
    const double rho = norm_ratio(rays[r].x);
    if (rho > worst_ratio) {
      worst_ratio = rho;
      worst = r;
    }
  }
  report.max_norm = worst_ratio;
  const Vec& x = rays[worst].x;
  if (std::isinf(worst_ratio)) {
    Vec d = x;
    return fails_with(report, certificate_along(d),
                      "SSC fails (proven): the cone {x : F·x >= 0} has a direction with sum(x) <= 0, "
                      "so max ||x||^2 is unbounded");
  }
  const Vec scaled = x / x.sum();
  std::vector<double> xs(scaled.data(), scaled.data() + k);
  if (worst_ratio > 1 + tol) {
    std::ostringstream why;
    why.precision(8);
    why << "SSC fails (proven): max ||x||^2 = " << worst_ratio << " > 1";
    return fails_with(report, xs, why.str());
  }
  for (const Ray& r : rays) {
    if (norm_ratio(r.x) >= 1 - tol && !is_unit_vector(r.x, tol)) {
      const Vec s = r.x / r.x.sum();
      return fails_with(report, std::vector<double>(s.data(), s.data() + k),
                        "SSC's second condition fails within tolerance " + std::to_string(tol) +
                            ": a vertex other than a unit vector reaches ||x||^2 = 1 (the cone "
                            "touches the boundary of the second-order cone there)");
    }
  }
  return hold("by enumerating all " + std::to_string(rays.size()) + " vertices");
}

AnchorReport near_anchors(const DenseMatrix<double>& F, double tolerance) {
  check_points(F, "the factor");
  if (!(tolerance >= 0 && tolerance <= 1)) {
    throw InvalidArgument("anchor tolerance must be in [0, 1], got " + std::to_string(tolerance));
  }
  const Index k = F.cols();
  AnchorReport report;
  report.tolerance = tolerance;
  report.anchor.assign(static_cast<std::size_t>(k), -1);
  report.distance.assign(static_cast<std::size_t>(k), 1.0);
  std::vector<double> best(static_cast<std::size_t>(k), -1.0);
  for (Index i = 0; i < F.rows(); ++i) {
    const double sum = F.row(i).sum();
    if (!(sum > 0)) continue;
    for (Index c = 0; c < k; ++c) {
      const double share = F(i, c) / sum;
      if (share > best[static_cast<std::size_t>(c)]) {
        best[static_cast<std::size_t>(c)] = share;
        report.anchor[static_cast<std::size_t>(c)] = i;
        report.distance[static_cast<std::size_t>(c)] = std::max(0.0, 1.0 - share);
      }
    }
  }
  report.separable = std::all_of(report.distance.begin(), report.distance.end(),
                                 [&](double d) { return d <= tolerance; }) &&
                     std::all_of(report.anchor.begin(), report.anchor.end(),
                                 [](Index a) { return a >= 0; });
  return report;
}

template <class T>
IdentifiabilityReport identifiability(const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                                      const SscOptions& options, double anchor_tolerance) {
  if (W.cols() != H.rows()) {
    throw InvalidArgument("W has " + std::to_string(W.cols()) + " columns but H has " +
                          std::to_string(H.rows()) + " rows");
  }
  const DenseMatrix<double> rows = W.template cast<double>();
  const DenseMatrix<double> columns = H.transpose().template cast<double>();
  check_points(rows, "W");
  check_points(columns, "H");
  options.validate();
  if (!(anchor_tolerance >= 0 && anchor_tolerance <= 1)) {
    throw InvalidArgument("anchor tolerance must be in [0, 1], got " + std::to_string(anchor_tolerance));
  }
  IdentifiabilityReport report;
  report.W = {"W", check_ssc(rows, options), near_anchors(rows, anchor_tolerance)};
  report.H = {"H", check_ssc(columns, options), near_anchors(columns, anchor_tolerance)};
  report.unique = report.W.ssc.verdict == SscVerdict::Holds && report.H.ssc.verdict == SscVerdict::Holds;
  return report;
}

template IdentifiabilityReport identifiability(const DenseMatrix<float>&, const DenseMatrix<float>&,
                                               const SscOptions&, double);
template IdentifiabilityReport identifiability(const DenseMatrix<double>&,
                                               const DenseMatrix<double>&, const SscOptions&, double);

}  // namespace nmfkit
