// Rényi differential privacy (RDP) accounting for the sampled Gaussian
// mechanism: the privacy spent by DP-SGD (Poisson sampling at rate q,
// Gaussian noise of multiplier sigma, T steps), and the noise multiplier
// that makes a planned run spend a given budget.
//
// The orders, the RDP bound (Mironov, Talwar and Zhang 2019, §3.3) and the
// RDP-to-(epsilon, delta) conversion (Balle et al. 2020, Thm 21) are those of
// Opacus's RDPAccountant, so figures agree with it (docs/privacy.md).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace seedforge::dp {

// Opacus's DEFAULT_ALPHAS: 1.1, 1.2, ..., 10.9, then 12, 13, ..., 63.
std::vector<double> DefaultOrders();

// RDP of `steps` compositions of the sampled Gaussian mechanism at each
// order. q = 0 gives 0; sigma = 0 gives infinity.
// REQUIRES: 0 <= q <= 1, sigma >= 0, steps >= 0, every order > 1.
std::vector<double> SampledGaussianRdp(double q, double sigma, int64_t steps,
                                       const std::vector<double>& orders);

struct Spent {
  double epsilon = 0;
  double order = 0;  // the order at which epsilon is smallest
};
// The (epsilon, delta) guarantee of an RDP curve: the smallest epsilon over
// the orders (NaN orders ignored). REQUIRES: 0 < delta < 1.
Spent EpsilonOf(const std::vector<double>& orders, const std::vector<double>& rdp, double delta);

// Composition of several runs of the mechanism (e.g. CTGAN's discriminator
// steps at one rate, then more at another), converted once.
class RdpAccountant {
 public:
  explicit RdpAccountant(std::vector<double> orders = DefaultOrders());
  void Add(double q, double sigma, int64_t steps);
  Spent EpsilonSpent(double delta) const;
  const std::vector<double>& rdp() const { return rdp_; }

 private:
  std::vector<double> orders_;
  std::vector<double> rdp_;
};

// The noise multiplier at which `steps` steps at rate q spend at most
// target_epsilon and within `tolerance` of it (Opacus get_noise_multiplier).
// Throws UsageError when no multiplier up to 1e6 meets the budget.
double SolveNoiseMultiplier(double target_epsilon, double delta, double q, int64_t steps,
                            double tolerance = 0.01);

}  // namespace seedforge::dp
