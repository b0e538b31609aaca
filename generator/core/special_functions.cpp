#include "seedforge/special_functions.h"

#include <algorithm>
#include <cmath>

namespace seedforge {

namespace {

constexpr double kEps = 1e-15;
constexpr int kMaxIterations = 10000;

// log(e^-x x^a / Γ(a)), the prefix both expansions share.
double LogPrefix(double a, double x) { return -x + a * std::log(x) - std::lgamma(a); }

// P(a, x) = e^-x x^a / Γ(a+1) Σ x^n / ((a+1)...(a+n)); converges fast for x < a + 1.
double LowerSeries(double a, double x) {
  double term = 1.0 / a, sum = term, ap = a;
  for (int n = 0; n < kMaxIterations; ++n) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEps) break;
  }
  return std::clamp(sum * std::exp(LogPrefix(a, x)), 0.0, 1.0);
}

// Q(a, x) by its continued fraction, modified Lentz's method; for x >= a + 1.
double UpperFraction(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) break;
  }
  return std::clamp(std::exp(LogPrefix(a, x)) * h, 0.0, 1.0);
}

}  // namespace

double RegularizedGammaP(double a, double x) {
  if (x <= 0) return 0.0;
  return x < a + 1 ? LowerSeries(a, x) : 1.0 - UpperFraction(a, x);
}

double RegularizedGammaQ(double a, double x) {
  if (x <= 0) return 1.0;
  return x < a + 1 ? 1.0 - LowerSeries(a, x) : UpperFraction(a, x);
}

}  // namespace seedforge
