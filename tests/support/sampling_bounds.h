// Bounds for the statistical assertions of the tests: how far a statistic of
// a correct implementation strays from what it estimates through sampling
// noise alone, exceeded with probability `alpha` (two-sided). A test's bound
// is this noise plus, where the thing measured is itself approximate (a
// fitted model), a stated tolerance for that error; docs/testing.md gives
// the rules.
//
// Two levels cover the tests:
//   kOneComparison   1e-3: a test that asserts on one or a few statistics
//                    (z = 3.29; Smirnov's c = 1.95);
//   kManyComparisons 1e-6: a test that compares many (every category's
//                    share, every column), so that one of them failing by
//                    chance stays rarer than one run in 10,000 (Bonferroni;
//                    z = 4.89, c = 2.69).
// The normal approximation to the binomial holds at these levels down to
// about 50 expected draws: the exact tail is 4e-6 at n p = 50, 1.2e-6 at
// n p = 600 for the 1e-6 bound.
#pragma once

#include <cmath>
#include <vector>

namespace seedforge::testing {

inline constexpr double kOneComparison = 1e-3;
inline constexpr double kManyComparisons = 1e-6;

// z with P(|Z| > z) = alpha for a standard normal Z.
inline double NormalTwoSided(double alpha) {
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erfc(mid / std::sqrt(2.0)) > alpha ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// |share - p| for the share of n independent draws that each hit with
// probability p (binomial).
inline double ShareBound(double p, double n, double alpha) {
  return NormalTwoSided(alpha) * std::sqrt(p * (1 - p) / n);
}

// |mean - mu| for the mean of n independent draws with standard deviation sd.
inline double MeanBound(double sd, double n, double alpha) {
  return NormalTwoSided(alpha) * sd / std::sqrt(n);
}

// |r - rho| for Pearson's r over n pairs: Fisher's z gives the standard
// error (1 - rho^2) / sqrt(n) for n in the thousands.
inline double CorrelationBound(double rho, double n, double alpha) {
  return NormalTwoSided(alpha) * (1 - rho * rho) / std::sqrt(n);
}

// Pearson's r of paired samples, the statistic CorrelationBound is for.
inline double PearsonR(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Smirnov's c(alpha): the limiting distribution of the Kolmogorov-Smirnov
// statistic is P(sqrt(N) D > c) ~ 2 exp(-2 c^2).
inline double SmirnovC(double alpha) { return std::sqrt(-std::log(alpha / 2) / 2); }

// The two-sample KS statistic of samples of n and m from one continuous
// distribution (ties, as in dates, only make it smaller).
inline double KsBound(double n, double m, double alpha) {
  return SmirnovC(alpha) * std::sqrt((n + m) / (n * m));
}

// The one-sample KS statistic of n draws against their own distribution.
inline double KsBound(double n, double alpha) { return SmirnovC(alpha) / std::sqrt(n); }

}  // namespace seedforge::testing
