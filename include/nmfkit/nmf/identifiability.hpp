#pragma once
// Is a fitted X ≈ W·H essentially unique (up to permutation and scaling)? Two tests of a
// factor, each on its points in R^k: W's rows (the samples) and H's columns (the features).
//
// The sufficiently scattered condition (SSC; Huang, Sidiropoulos & Swami 2014, "Non-negative
// matrix factorization revisited: uniqueness and algorithm for symmetric decomposition",
// IEEE TSP 62(1)): with F the N × k matrix of the points, e the all-ones vector and
// C = {x : eᵀx ≥ √(k−1)·‖x‖}, F is sufficiently scattered when
//   (1) C ⊆ cone(Fᵀ), and
//   (2) cone(Fᵀ)* ∩ bd C* = {λ·e_i : λ ≥ 0}, where C* = {x : eᵀx ≥ ‖x‖}.
// If both W and Hᵀ are, the NMF is essentially unique (their Theorem 4). As Gillis & Luce
// ("Checking the sufficiently scattered condition using a global non-convex optimization
// software", 2024) formulate it, dualising (1) gives the non-convex quadratic problem
//
//   p* = max ‖x‖²  subject to  F·x ≥ 0,  eᵀx = 1,
//
// and (1) holds iff p* ≤ 1 (p* ≥ 1 always: every e_i is feasible). They solve it with
// Gurobi's spatial branch and bound; here it is solved exactly by enumeration: a convex
// function's maximum over a polytope is attained at a vertex, and the vertices of
// P = {x : Fx ≥ 0, eᵀx = 1} are the extreme rays of the cone {x : Fx ≥ 0} (scaled to
// eᵀx = 1), found by the double description method (Motzkin et al. 1953; Fukuda & Prodon
// 1996, with the algebraic adjacency test). ‖x‖² is strictly convex, so the points of P on
// bd C* are vertices, and (2) holds iff the vertices with ‖x‖² = 1 are unit vectors.
// Geometrically: the points, scaled to sum 1, have a convex hull containing the ball
// inscribed in the probability simplex, touching it only where the simplex does.
//
// What is proven: "fails" comes with a certificate x (Fx ≥ 0, eᵀx = 1, ‖x‖² > 1 + tol)
// that anyone can check; "holds" means every vertex was enumerated and none exceeds
// 1 + tol (up to floating-point rounding in the enumeration). A ray count beyond the
// budget gives "undecided". k above kMaxSscRank is refused (the vertex count grows like
// N^⌊(k−1)/2⌋ in the worst case).
//
// Separability (Donoho & Stodden 2003; Arora et al. 2012's anchor words) is the cheaper,
// stronger condition: for each component c a point that is (a multiple of) e_c. For each
// c, the near-anchor is the point whose row, scaled to sum 1, has the largest entry c; its
// distance is the share of its mass outside c (0 for an exact anchor). Separable within a
// tolerance when every distance is at most it; separability implies the SSC.

#include <cstddef>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit {

inline constexpr Index kMaxSscRank = 12;

struct SscOptions {
  double tolerance = 1e-6;         // slack on ‖x‖² ≤ 1 and on "is a unit vector"
  std::size_t max_rays = 200000;   // budget: rays held at once (and 2000 adjacency tests per ray)
  void validate() const;           // InvalidArgument naming the bad field
};

enum class SscVerdict { Holds, Fails, Undecided };
std::string to_string(SscVerdict verdict);  // "holds", "fails", "undecided"

struct SscReport {
  SscVerdict verdict = SscVerdict::Undecided;
  double max_norm = 0;             // p*: max ‖x‖² over P's vertices (inf when P is unbounded)
  std::vector<double> certificate; // fails: x with Fx ≥ 0, eᵀx = 1, ‖x‖² > 1 + tol (or = 1, x ≠ e_i)
  std::string reason;              // one sentence: what was proven, or why not
  Index rank = 0;                  // k
  Index points = 0;                // non-zero points used
  std::size_t vertices = 0;        // rays held when the enumeration ended
};

// The SSC test of the N × k points F (each row a point, entries ≥ 0, finite). Throws
// InvalidArgument for k > kMaxSscRank, negative or non-finite entries, or no columns.
SscReport check_ssc(const DenseMatrix<double>& F, const SscOptions& options = {});

struct AnchorReport {
  std::vector<Index> anchor;      // for each component, the near-anchor point (-1: none)
  std::vector<double> distance;   // its mass outside the component, in [0, 1]
  double tolerance = 0.05;
  bool separable = false;         // every distance ≤ tolerance
};

AnchorReport near_anchors(const DenseMatrix<double>& F, double tolerance = 0.05);

struct FactorIdentifiability {
  std::string factor;  // "W" (its rows, the samples) or "H" (its columns, the features)
  SscReport ssc;
  AnchorReport anchors;
};

struct IdentifiabilityReport {
  FactorIdentifiability W, H;
  bool unique = false;  // both factors proven sufficiently scattered
};

// Both tests on W's rows and H's columns. Throws as check_ssc does, before any work.
template <class T>
IdentifiabilityReport identifiability(const DenseMatrix<T>& W, const DenseMatrix<T>& H,
                                      const SscOptions& options = {},
                                      double anchor_tolerance = 0.05);

}  // namespace nmfkit
