// Numerical building blocks of the synthesizers: the normal distribution,
// the special functions behind the gamma and beta families, and the
// Kolmogorov-Smirnov statistic used to choose a marginal and to score
// quality.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "seedforge/random.h"
#include "seedforge/special_functions.h"

namespace seedforge::internal {

inline constexpr double kPi = 3.14159265358979323846;

// Standard normal density and distribution function.
double NormalPdf(double x);
double NormalCdf(double x);
// Inverse of NormalCdf for p in (0, 1): Wichura's algorithm AS 241
// (PPND16), relative accuracy about 1e-16 (Applied Statistics 37(3), 1988).
// Returns -inf / +inf for p <= 0 / p >= 1.
double NormalQuantile(double p);

// Digamma function: recurrence up to x >= 10, then the asymptotic series
// (Abramowitz and Stegun 6.3.18); error under 1e-14. REQUIRES: x > 0.
double Digamma(double x);

using seedforge::RegularizedGammaP;  // seedforge/special_functions.h
// Regularised incomplete beta I_x(a, b): the continued fraction evaluated by
// the modified Lentz method (Numerical Recipes, 3rd ed., 6.4; DLMF 8.17.22).
double RegularizedBeta(double a, double b, double x);

// Inverts a continuous non-decreasing CDF on [lo, hi] by bisection.
double InvertCdf(const std::function<double(double)>& cdf, double p, double lo, double hi);

// One-sample KS statistic sup |F_n(x) - F(x)| of a sorted sample.
double KsStatistic(std::span<const double> sorted, const std::function<double(double)>& cdf);
// Two-sample KS statistic of two sorted samples (ties handled by stepping
// over equal values together, as scipy.stats.ks_2samp does).
double KsStatistic2(std::span<const double> a, std::span<const double> b);

// Standard normal deviates by the ziggurat method with 128 layers
// (Marsaglia and Tsang, "The Ziggurat Method for Generating Random
// Variables", Journal of Statistical Software 5(8), 2000), about ten times
// cheaper than Box-Muller. The layer index and the value come from separate
// bits of one 64-bit draw (the original reuses bits; Doornik 2005 shows the
// resulting correlation). REQUIRES: n >= 0.
void FillNormals(RandomStream& random, float* out, int n);

// An index drawn from softmax(logits[0, n)) by inverting its distribution
// function at u in [0, 1): what argmax(logits + Gumbel noise) samples.
// Per row, exactly: top = max logit; w_k = exp(max(logit_k - top, -80))
// by a polynomial (Cephes' expf, relative error under 2e-7); cum_k =
// w_0 + ... + w_k summed in order, in float; the index is the number of
// cum_k <= float(u * cum_{n-1}) (when that is n, u being within 2^-24 of
// 1, the last k with cum_k > cum_{k-1}). Plain SSE2 arithmetic, one row per lane: the draw is a pure
// function of (logits, u), the same on every x86-64 and in any batch.
// REQUIRES: n >= 1.
int SampleSoftmax(const float* logits, int n, double u);
// The same for `rows` rows of logits at logits + r * stride, with u[r],
// into index[r].
void SampleSoftmaxRows(const float* logits, size_t stride, size_t rows, int n, const double* u, int* index);

}  // namespace seedforge::internal
