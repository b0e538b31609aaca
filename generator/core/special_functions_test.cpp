#include <gtest/gtest.h>

#include <cmath>

#include "seedforge/special_functions.h"

namespace seedforge {
namespace {

TEST(IncompleteGamma, AgreesWithClosedFormsAndKeepsTinyTails) {
  // a = 1: P(1, x) = 1 - e^-x, so Q(1, x) = e^-x, whose far tail must keep
  // its relative precision (e^-50 ~ 2e-22, which 1 - P would round to 0).
  for (double x : {0.1, 1.0, 2.0, 10.0, 50.0}) {
    EXPECT_NEAR(RegularizedGammaQ(1, x) / std::exp(-x), 1.0, 1e-12) << x;
    EXPECT_NEAR(RegularizedGammaP(1, x) + RegularizedGammaQ(1, x), 1.0, 1e-14) << x;
  }
  // Lower tail likewise: P(3, x) ~ x^3 / 6 for small x.
  EXPECT_NEAR(RegularizedGammaP(3, 1e-6) / (1e-18 / 6), 1.0, 1e-5);
  // a = 1/2: P(1/2, x) = erf(sqrt(x)).
  for (double x : {0.3, 1.7, 4.0}) EXPECT_NEAR(RegularizedGammaP(0.5, x), std::erf(std::sqrt(x)), 1e-13) << x;
  EXPECT_EQ(RegularizedGammaP(2, 0), 0.0);
  EXPECT_EQ(RegularizedGammaQ(2, 0), 1.0);
}

}  // namespace
}  // namespace seedforge
