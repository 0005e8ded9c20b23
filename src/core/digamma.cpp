#include "nmfkit/core/digamma.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace nmfkit {

namespace {

// ψ has its only positive zero at x0 ≈ 1.46163, where the recurrence and the asymptotic
// series would subtract terms of order one and lose the relative accuracy; on [1, 2] a
// Taylor series about x0 keeps it, and every other x is carried into [1, 2] by the
// recurrence ψ(x + 1) = ψ(x) + 1/x (or is large enough for the asymptotic series).
// kRoot is the double nearest the zero, kRootValue = ψ(kRoot), and kTaylor[n − 1] =
// ψ⁽ⁿ⁾(kRoot)/n! = (−1)ⁿ⁺¹ ζ(n + 1, kRoot) (Hurwitz zeta), computed with mpmath at 40 digits.
constexpr double kRoot = 1.4616321449683622;
constexpr double kRootValue = -9.241265521729427e-17;
// |x − x0| ≤ 0.54 on [1, 2]: the terms shrink by ~0.37 each, 40 of them reach 1e-17.
constexpr std::array<double, 40> kTaylor = {
    0.9676722454476212,      -0.44276316898359219,    0.25849976095565108,
    -0.16394270544240658,    0.10782405069126241,     -0.072199561256454742,
    0.048804288164143131,    -0.033161126474847376,   0.022597648232218118,
    -0.01542476590494897,    0.010538791616612184,    -0.0072045343863568747,
    0.0049267813957298576,   -0.0033698016554393312,  0.0023051263267349301,
    -0.0015769367714301989,  0.0010788252019162978,   -0.00073807093899600602,
    0.00050495326583460275,  -0.00034546802510630818, 0.00023635601564027086,
    -0.00016170622091974827, 0.00011063372768747428,  -7.5691795821950783e-05,
    5.1785757952220897e-05,  -3.5430070947659671e-05, 2.4240066118601362e-05,
    -1.6584242271854165e-05, 1.1346384584663872e-05,  -7.7628176684621096e-06,
    5.3110609208898746e-06,  -3.6336507898010536e-06, 2.4860227331295433e-06,
    -1.7008538854332646e-06, 1.1636675363548871e-06,  -7.9614254312419901e-07,
    5.4469419306694584e-07,  -3.7266161283438323e-07, 2.5496265520215611e-07,
    -1.7443695117727793e-07};

// From here on the asymptotic series is exact to double precision with these terms.
constexpr double kAsymptoticFrom = 10.0;

// ψ(x) ~ ln x − 1/(2x) − Σ B₂ₙ/(2n·x²ⁿ), for x ≥ kAsymptoticFrom.
double digamma_asymptotic(double x) {
  // B₂ₙ/(2n) for n = 1..8.
  constexpr std::array<double, 8> c = {1.0 / 12,  -1.0 / 120,     1.0 / 252, -1.0 / 240,
                                       1.0 / 132, -691.0 / 32760, 1.0 / 12,  -3617.0 / 8160};
  const double z = 1.0 / (x * x);
  double series = 0;
  for (auto it = c.rbegin(); it != c.rend(); ++it) series = series * z + *it;
  return std::log(x) - 0.5 / x - series * z;
}

// ψ on [1, 2].
double digamma_one_two(double x) {
  const double z = x - kRoot;  // exact: x and kRoot are within a factor of two
  double series = 0;
  for (auto it = kTaylor.rbegin(); it != kTaylor.rend(); ++it) series = series * z + *it;
  return kRootValue + series * z;
}

double digamma_positive(double x) {
  if (x >= kAsymptoticFrom) return digamma_asymptotic(x);
  if (x < 1.0) return digamma_one_two(x + 1.0) - 1.0 / x;  // x + 1 rounds harmlessly
  // ψ(x) = ψ(x − n) + Σ_{i=1..n} 1/(x − i), x − i exact; the smallest terms first.
  double shift = 0;
  while (x > 2.0) {
    x -= 1.0;
    shift += 1.0 / x;
  }
  return digamma_one_two(x) + shift;
}

}  // namespace

double digamma(double x) {
  if (std::isnan(x)) return x;
  if (x > 0) {
    if (std::isinf(x)) return x;
    return digamma_positive(x);
  }
  if (x == 0)
    return std::signbit(x) ? std::numeric_limits<double>::infinity()
                           : -std::numeric_limits<double>::infinity();
  if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
  // Reflection: ψ(1 − x) − ψ(x) = π·cot(πx).
  return digamma_positive(1.0 - x) - std::numbers::pi / std::tan(std::numbers::pi * x);
}

}  // namespace nmfkit
