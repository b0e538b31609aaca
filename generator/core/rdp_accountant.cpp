#include "seedforge/rdp_accountant.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include <fmt/format.h>

#include "seedforge/error.h"

namespace seedforge::dp {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The fractional-order series stops once both of its terms fall below e^-30
// (Opacus's cut-off); the iteration cap only guards against a series that
// does not shrink, which then counts as "no bound at this order" (NaN).
constexpr double kSeriesCutoff = -30;
constexpr int kMaxSeriesTerms = 1000000;

// Opacus's MAX_SIGMA: a budget that needs more noise than this is refused.
constexpr double kMaxSigma = 1e6;

// log(e^a + e^b) without overflow.
double LogAdd(double a, double b) {
  const double lo = std::min(a, b), hi = std::max(a, b);
  if (lo == -kInf) return hi;
  return std::log1p(std::exp(lo - hi)) + hi;
}

// log(e^x - e^y). x < y has no real logarithm: NaN, which EpsilonOf skips
// (Opacus raises there; an order it cannot bound is simply not used).
double LogSub(double x, double y) {
  if (x < y) return kNaN;
  if (y == -kInf) return x;
  if (x == y) return -kInf;
  const double d = std::expm1(x - y);
  if (std::isinf(d)) return x;  // x far above y: e^x - e^y rounds to e^x
  return std::log(d) + y;
}

// log(erfc(x)). std::erfc underflows to 0 near x = 26.5; past that, the
// asymptotic series erfc(x) ~ e^-x² / (x √π) (1 - 1/(2x²) + 3/(4x⁴)), whose
// next term is below 2e-8 of the sum there (Opacus uses scipy's log_ndtr).
double LogErfc(double x) {
  const double v = std::erfc(x);
  if (v > 0) return std::log(v);
  const double x2 = x * x;
  return -x2 - std::log(x) - 0.5 * std::log(std::numbers::pi) +
         std::log1p(-1 / (2 * x2) + 3 / (4 * x2 * x2));
}

// log A_α for integer α: the binomial expansion of E[(μ1/μ0)^α] summed in log
// space (Mironov, Talwar and Zhang 2019, §3.3).
double LogAInteger(double q, double sigma, int64_t alpha) {
  const double log_q = std::log(q), log_1mq = std::log1p(-q);
  double log_a = -kInf, log_binom = 0;  // log C(α, 0)
  for (int64_t i = 0; i <= alpha; ++i) {
    const double di = static_cast<double>(i);
    const double term = log_binom + di * log_q + static_cast<double>(alpha - i) * log_1mq +
                        (di * di - di) / (2 * sigma * sigma);
    log_a = LogAdd(log_a, term);
    log_binom += std::log(static_cast<double>(alpha - i)) - std::log(di + 1);
  }
  return log_a;
}

// log A_α for fractional α: the series over the generalised binomial, split
// at z0 where the two Gaussians' densities cross. The binomial coefficient
// is kept as a running product because its sign alternates past i > α.
double LogAFractional(double q, double sigma, double alpha) {
  const double log_q = std::log(q), log_1mq = std::log1p(-q);
  const double z0 = sigma * sigma * std::log(1 / q - 1) + 0.5;
  const double scale = std::numbers::sqrt2 * sigma;
  const double log_half = std::log(0.5);
  double a0 = -kInf, a1 = -kInf, coef = 1;  // coef = binom(α, i)
  for (int i = 0; i < kMaxSeriesTerms; ++i) {
    const double di = i, j = alpha - di;
    const double log_coef = std::log(std::fabs(coef));
    const double log_t0 = log_coef + di * log_q + j * log_1mq;
    const double log_t1 = log_coef + j * log_q + di * log_1mq;
    const double log_e0 = log_half + LogErfc((di - z0) / scale);
    const double log_e1 = log_half + LogErfc((z0 - j) / scale);
    const double log_s0 = log_t0 + (di * di - di) / (2 * sigma * sigma) + log_e0;
    const double log_s1 = log_t1 + (j * j - j) / (2 * sigma * sigma) + log_e1;
    if (coef > 0) {
      a0 = LogAdd(a0, log_s0);
      a1 = LogAdd(a1, log_s1);
    } else {
      a0 = LogSub(a0, log_s0);
      a1 = LogSub(a1, log_s1);
    }
    if (std::isnan(a0) || std::isnan(a1)) return kNaN;
    if (std::max(log_s0, log_s1) < kSeriesCutoff) return LogAdd(a0, a1);
    coef *= (alpha - di) / (di + 1);
  }
  return kNaN;
}

// RDP of one step at order α.
double StepRdp(double q, double sigma, double alpha) {
  if (q == 0) return 0;
  if (sigma == 0) return kInf;
  if (std::isinf(alpha)) return kInf;
  if (q == 1) return alpha / (2 * sigma * sigma);
  const double log_a = alpha == std::floor(alpha)
                           ? LogAInteger(q, sigma, static_cast<int64_t>(alpha))
                           : LogAFractional(q, sigma, alpha);
  return log_a / (alpha - 1);
}

}  // namespace

std::vector<double> DefaultOrders() {
  // The same expressions as Opacus, so 2.0 ... 10.0 come out exact and take
  // the integer path, as they do there.
  std::vector<double> orders;
  for (int x = 1; x < 100; ++x) orders.push_back(1 + x / 10.0);
  for (int a = 12; a < 64; ++a) orders.push_back(a);
  return orders;
}

std::vector<double> SampledGaussianRdp(double q, double sigma, int64_t steps,
                                       const std::vector<double>& orders) {
  if (!(q >= 0 && q <= 1)) throw UsageError(fmt::format("sample rate must be in [0, 1], got {:g}", q));
  if (!(sigma >= 0)) throw UsageError(fmt::format("noise multiplier must be >= 0, got {:g}", sigma));
  if (steps < 0) throw UsageError("steps must be >= 0, got " + std::to_string(steps));
  std::vector<double> rdp;
  rdp.reserve(orders.size());
  for (double alpha : orders) {
    if (!(alpha > 1)) throw UsageError(fmt::format("RDP orders must be > 1, got {:g}", alpha));
    // 0 steps spend nothing, even where one step is unbounded (0 × ∞).
    rdp.push_back(steps == 0 ? 0.0 : StepRdp(q, sigma, alpha) * static_cast<double>(steps));
  }
  return rdp;
}

Spent EpsilonOf(const std::vector<double>& orders, const std::vector<double>& rdp, double delta) {
  if (!(delta > 0 && delta < 1)) throw UsageError(fmt::format("delta must be in (0, 1), got {:g}", delta));
  if (orders.size() != rdp.size()) throw UsageError("RDP curve and orders differ in length");
  // Balle et al. 2020, Thm 21: tighter than the classic rdp - log δ / (α - 1).
  Spent best{kInf, kNaN};
  for (size_t k = 0; k < orders.size(); ++k) {
    const double a = orders[k];
    const double eps = rdp[k] - (std::log(delta) + std::log(a)) / (a - 1) + std::log((a - 1) / a);
    if (std::isnan(eps)) continue;
    if (eps < best.epsilon || std::isnan(best.order)) best = {eps, a};
  }
  return best;
}

RdpAccountant::RdpAccountant(std::vector<double> orders)
    : orders_(std::move(orders)), rdp_(orders_.size(), 0.0) {}

void RdpAccountant::Add(double q, double sigma, int64_t steps) {
  const std::vector<double> step = SampledGaussianRdp(q, sigma, steps, orders_);
  for (size_t k = 0; k < rdp_.size(); ++k) rdp_[k] += step[k];
}

Spent RdpAccountant::EpsilonSpent(double delta) const { return EpsilonOf(orders_, rdp_, delta); }

double SolveNoiseMultiplier(double target_epsilon, double delta, double q, int64_t steps,
                            double tolerance) {
  if (!(target_epsilon > 0)) throw UsageError("target epsilon must be > 0");
  if (!(q > 0 && q <= 1)) throw UsageError(fmt::format("sample rate must be in (0, 1], got {:g}", q));
  if (steps <= 0) throw UsageError("steps must be > 0, got " + std::to_string(steps));
  if (!(tolerance > 0)) throw UsageError("epsilon tolerance must be > 0");
  const std::vector<double> orders = DefaultOrders();
  auto epsilon = [&](double sigma) {
    return EpsilonOf(orders, SampledGaussianRdp(q, sigma, steps, orders), delta).epsilon;
  };
  // Double the noise until the budget holds (Opacus starts at 10 and doubles
  // before its first evaluation, so the first σ tried is 20).
  double sigma_low = 0, sigma_high = 10, eps_high = kInf;
  while (eps_high > target_epsilon) {
    sigma_high *= 2;
    eps_high = epsilon(sigma_high);
    if (sigma_high > kMaxSigma) {
      throw UsageError(fmt::format(
          "privacy budget too low: epsilon {:g} at delta {:g} needs a noise multiplier above 1e6 "
          "(the RDP conversion alone costs about 0.1 at delta 1e-5); raise epsilon or delta",
          target_epsilon, delta));
    }
  }
  // Bisect, keeping sigma_high on the side that meets the budget, so the
  // answer never overspends. Even with ε flat in σ the bracket stops
  // shrinking in double precision, so the loop is capped.
  for (int it = 0; it < 200 && target_epsilon - eps_high > tolerance; ++it) {
    const double sigma = (sigma_low + sigma_high) / 2;
    const double eps = epsilon(sigma);
    if (eps < target_epsilon) {
      sigma_high = sigma;
      eps_high = eps;
    } else {
      sigma_low = sigma;
    }
  }
  return sigma_high;
}

}  // namespace seedforge::dp
