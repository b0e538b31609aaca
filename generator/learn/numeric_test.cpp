// Special functions and the KS statistic against known values.
#include "learn/numeric.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace seedforge::internal {
namespace {

TEST(LearnNumeric, NormalQuantileInvertsTheCdf) {
  for (double p : {1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999999}) {
    EXPECT_NEAR(NormalCdf(NormalQuantile(p)), p, 1e-12 + p * 1e-12) << p;
  }
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_TRUE(std::isinf(NormalQuantile(0)));
}

TEST(LearnNumeric, SpecialFunctionsMatchTables) {
  EXPECT_NEAR(Digamma(1), -0.5772156649015329, 1e-12);  // -Euler's gamma
  EXPECT_NEAR(Digamma(0.5), -1.9635100260214235, 1e-12);
  EXPECT_NEAR(RegularizedGammaP(1, 2), 1 - std::exp(-2.0), 1e-12);   // exponential CDF
  EXPECT_NEAR(RegularizedGammaP(3, 2.5), 0.4561868841166703, 1e-12);
  EXPECT_NEAR(RegularizedBeta(2, 3, 0.4), 0.5248, 1e-12);            // 1 - (1-x)^4 - 4x(1-x)^3
  EXPECT_NEAR(RegularizedBeta(0.5, 0.5, 0.25), 1.0 / 3, 1e-12);      // arcsine law
}

TEST(LearnNumeric, KsStatistics) {
  std::vector<double> a = {1, 2, 3, 4}, b = {3, 4, 5, 6};
  EXPECT_DOUBLE_EQ(KsStatistic2(a, b), 0.5);
  EXPECT_DOUBLE_EQ(KsStatistic2(a, a), 0.0);
  std::vector<double> u;
  for (int i = 0; i < 1000; ++i) u.push_back((i + 0.5) / 1000);
  EXPECT_NEAR(KsStatistic(u, [](double x) { return std::clamp(x, 0.0, 1.0); }), 0.0005, 1e-12);
}

TEST(LearnNumeric, ZigguratNormalsHaveTheNormalsMoments) {
  std::vector<float> z(200000);
  for (int r = 0; r < 2000; ++r) {
    RandomStream random(5, r);
    FillNormals(random, &z[r * 100], 100);
  }
  double mean = 0, var = 0, tail = 0;
  for (float v : z) mean += v / z.size();
  for (float v : z) {
    var += (v - mean) * (v - mean) / z.size();
    tail += std::fabs(v) > 3.5;
  }
  // Four comparisons, each bound at p < 1e-4 or less for a correct sampler
  // (measured over seeds 101-300: mean within 0.0062, var within 0.011,
  // tail 3.2e-4 to 6.1e-4, KS up to 1.95 / sqrt(n)).
  EXPECT_NEAR(mean, 0, 0.01);  // standard error 0.0022: 4.5 se
  EXPECT_NEAR(var, 1, 0.015);  // standard error sqrt(2 / n) = 0.0032: 4.7 se
  // P(|Z| > 3.5) = 4.65e-4: 93 of 200,000 draws, Poisson sd 9.6 (4.8e-5);
  // 2.5e-4 is 5.2 sd. The ziggurat's tail starts at 3.44: a sampler whose
  // tail path never went past it would give none.
  EXPECT_NEAR(tail / z.size(), 4.65e-4, 2.5e-4);
  std::vector<double> sorted(z.begin(), z.end());
  std::sort(sorted.begin(), sorted.end());
  // Smirnov's c(1e-4) = 2.23 (the 1% level, 1.63, failed two seeds in 200).
  EXPECT_LT(KsStatistic(sorted, NormalCdf), 2.23 / std::sqrt(200000.0));
}

// Draws follow softmax(logits); a block of rows draws what each row draws
// alone; extreme logits and u at the ends stay in range.
TEST(LearnNumeric, SampleSoftmaxFollowsTheSoftmax) {
  const std::vector<float> logits = {1.0f, -2.0f, 0.5f, 3.0f, -30.0f, 2.5f, 0.0f};
  const int n = static_cast<int>(logits.size());
  double total = 0;
  std::vector<double> p(n);
  for (int i = 0; i < n; ++i) total += p[i] = std::exp(logits[i]);
  std::vector<int> counts(n);
  const int draws = 200000;
  for (int t = 0; t < draws; ++t) {
    RandomStream r(3, t);
    ++counts[SampleSoftmax(logits.data(), n, r.Uniform())];
  }
  // Each share within 5 binomial sds (sqrt(p / n) is above sqrt(p (1 - p) / n)):
  // p < 6e-7 per category, and measured at most 3.4 sds over seeds 101-300.
  // Swapping any two logits moves a share by 47 sds or more.
  for (int i = 0; i < n; ++i) {
    const double expected = p[i] / total;
    EXPECT_NEAR(counts[i] / static_cast<double>(draws), expected, 5 * std::sqrt(expected / draws) + 1e-6) << i;
  }
  // Cumulative boundaries: u below the first weight gives 0; just under 1,
  // the last index with weight.
  const float two[2] = {0.0f, 0.0f};
  EXPECT_EQ(SampleSoftmax(two, 2, 0.0), 0);
  EXPECT_EQ(SampleSoftmax(two, 2, 0.4999), 0);
  EXPECT_EQ(SampleSoftmax(two, 2, 0.5001), 1);
  EXPECT_EQ(SampleSoftmax(two, 2, 0.9999999999), 1);
  const float one[1] = {5.0f};
  EXPECT_EQ(SampleSoftmax(one, 1, 0.7), 0);
  const float wide[3] = {-1e30f, 1e30f, 0.0f};
  EXPECT_EQ(SampleSoftmax(wide, 3, 1e-20), 1);  // the others weigh e^-80 each
  EXPECT_EQ(SampleSoftmax(wide, 3, 0.99999999), 1);

  for (int dim : {1, 2, 3, 4, 5, 9, 300}) {
    const size_t rows = 11, stride = dim + 2;
    std::vector<float> block(rows * stride);
    std::vector<double> u(rows);
    RandomStream r(4, dim);
    for (float& v : block) v = static_cast<float>(3 * r.Normal());
    for (double& x : u) x = r.Uniform();
    std::vector<int> index(rows, -1);
    SampleSoftmaxRows(block.data(), stride, rows, dim, u.data(), index.data());
    for (size_t i = 0; i < rows; ++i) {
      ASSERT_EQ(index[i], SampleSoftmax(&block[i * stride], dim, u[i])) << dim << " " << i;
      ASSERT_GE(index[i], 0);
      ASSERT_LT(index[i], dim);
    }
  }
}

}  // namespace
}  // namespace seedforge::internal
