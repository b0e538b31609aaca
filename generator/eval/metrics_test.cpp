// Each metric against values computed by hand on tiny inputs; the hand
// computation is in the comment above each check.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace seedforge::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(MetricKsComplement, HandComputed) {
  // real {1,2,3,4}, synthetic {3,4,5,6}. Empirical CDFs:
  //   x:      1    2    3    4    5    6
  //   real: .25  .50  .75  1    1    1
  //   syn:  0    0    .25  .50  .75  1
  // largest gap D = .5 (at x = 2, 3 and 4), so KSComplement = 1 - .5 = .5.
  EXPECT_DOUBLE_EQ(KsComplement(std::vector<double>{1, 2, 3, 4}, std::vector<double>{3, 4, 5, 6}), 0.5);
  // Missing values are dropped: {1, NaN, 2} against {1, 2} is identical.
  EXPECT_DOUBLE_EQ(KsComplement(std::vector<double>{1, kNaN, 2}, std::vector<double>{1, 2}), 1.0);
  // Disjoint supports: D = 1.
  EXPECT_DOUBLE_EQ(KsComplement(std::vector<double>{1, 2}, std::vector<double>{5, 6}), 0.0);
  EXPECT_TRUE(std::isnan(KsComplement(std::vector<double>{}, std::vector<double>{1})));
}

TEST(MetricTvComplement, HandComputed) {
  // real a,a,b,c -> (.5, .25, .25); synthetic a,b,b,b -> (.25, .75, 0).
  // TVD = ½(.25 + .5 + .25) = .5, so TVComplement = .5.
  EXPECT_DOUBLE_EQ(TvComplement(std::vector<int32_t>{0, 0, 1, 2}, std::vector<int32_t>{0, 1, 1, 1}), 0.5);
  // Missing (-1) is dropped: a,-1 against a is identical.
  EXPECT_DOUBLE_EQ(TvComplement(std::vector<int32_t>{0, -1}, std::vector<int32_t>{0}), 1.0);
  // A category only the synthetic data has counts fully: real a; syn a,d -> ½(.5 + .5) = .5.
  EXPECT_DOUBLE_EQ(TvComplement(std::vector<int32_t>{0}, std::vector<int32_t>{0, 3}), 0.5);
}

TEST(MetricCorrelationSimilarity, HandComputed) {
  std::vector<double> a = {1, 2, 3}, up = {1, 2, 3}, down = {3, 2, 1}, mixed = {1, 3, 2};
  // r(a, up) = 1, r(a, down) = -1: score 1 - |1 - (-1)| / 2 = 0.
  CorrelationResult r = CorrelationSimilarity(a, up, a, down);
  EXPECT_DOUBLE_EQ(r.real, 1.0);
  EXPECT_DOUBLE_EQ(r.synthetic, -1.0);
  EXPECT_DOUBLE_EQ(r.score, 0.0);
  // r(a, mixed): deviations a (-1,0,1), mixed (-1,1,0): cov 1, variances 2 and 2,
  // r = 1/2; score 1 - |1 - .5| / 2 = .75.
  EXPECT_DOUBLE_EQ(CorrelationSimilarity(a, up, a, mixed).score, 0.75);
  // SDMetrics fills missing with 0: real b = (NaN, 2, 3) becomes (0, 2, 3);
  // deviations a (-1,0,1), b (-5/3, 1/3, 4/3): cov 3, var b 14/3,
  // r = 3 / sqrt(2 * 14/3) = 0.98198.
  EXPECT_NEAR(CorrelationSimilarity(a, std::vector<double>{kNaN, 2, 3}, a, up).real, 3 / std::sqrt(28.0 / 3), 1e-12);
  // A constant column makes the score undefined (NaN), as in SDMetrics.
  EXPECT_TRUE(std::isnan(CorrelationSimilarity(a, std::vector<double>{5, 5, 5}, a, up).score));
}

TEST(MetricContingencySimilarity, HandComputed) {
  // real pairs (a,x) (a,y) (b,x) (b,x): ax .25, ay .25, bx .5
  // syn  pairs (a,x) (a,x) (b,y) (b,x): ax .5,  by .25, bx .25
  // |diff|: ax .25, ay .25, bx .25, by .25 -> TVD = ½ · 1 = .5 -> score .5.
  std::vector<int32_t> ra = {0, 0, 1, 1}, rb = {0, 1, 0, 0}, sa = {0, 0, 1, 1}, sb = {0, 0, 1, 0};
  EXPECT_DOUBLE_EQ(ContingencySimilarity(ra, rb, sa, sb), 0.5);
  EXPECT_DOUBLE_EQ(ContingencySimilarity(ra, rb, ra, rb), 1.0);
  // Missing is a category of its own: (a,-1) differs from (a,x) -> TVD 1 -> 0.
  EXPECT_DOUBLE_EQ(ContingencySimilarity(std::vector<int32_t>{0}, std::vector<int32_t>{-1}, std::vector<int32_t>{0},
                                         std::vector<int32_t>{0}),
                   0.0);
}

TEST(MetricBinning, MatchesNumpyHistogramEdgesAndDigitize) {
  // numpy.histogram_bin_edges([0, 10]) = 0, 1, ..., 10.
  std::vector<double> edges = SdmetricsBinEdges(std::vector<double>{0, 10, kNaN});
  ASSERT_EQ(edges.size(), 11u);
  EXPECT_DOUBLE_EQ(edges[3], 3.0);
  EXPECT_DOUBLE_EQ(edges[10], 10.0);
  // numpy.digitize(x, edges): number of edges <= x; NaN sorts last.
  std::vector<int32_t> bins = Digitize(std::vector<double>{-1, 0, 0.5, 9.99, 10, 11, kNaN}, edges);
  EXPECT_EQ(bins, (std::vector<int32_t>{0, 1, 1, 10, 11, 11, 11}));
  // A constant column: edges span [v - .5, v + .5].
  EXPECT_DOUBLE_EQ(SdmetricsBinEdges(std::vector<double>{4, 4})[0], 3.5);
  // On its own edges a column fills bins 1..11: the maximum and NaN share 11.
  EXPECT_EQ(SdmetricsDiscretize(std::vector<double>{0, 0.5, 9.99, 10, kNaN}), (std::vector<int32_t>{1, 1, 10, 11, 11}));
}

TEST(MetricWasserstein, HandComputed) {
  // real {0,1,2,3} shifted by one is {1,2,3,4}: W1 = 1; real range 3 -> 1/3.
  EXPECT_NEAR(WassersteinNormalized(std::vector<double>{0, 1, 2, 3}, std::vector<double>{1, 2, 3, 4}), 1.0 / 3, 1e-12);
  // real {0, 10}, syn {0, 0}: half the mass moves 10 -> W1 = 5, range 10 -> .5.
  EXPECT_DOUBLE_EQ(WassersteinNormalized(std::vector<double>{0, 10}, std::vector<double>{0, 0}), 0.5);
  EXPECT_DOUBLE_EQ(WassersteinNormalized(std::vector<double>{2, 5, 9}, std::vector<double>{9, 2, 5}), 0.0);
}

TEST(MetricJensenShannon, HandComputed) {
  // Disjoint: JSD = 1 bit. Equal: 0.
  EXPECT_DOUBLE_EQ(JensenShannon(std::vector<double>{1, 0}, std::vector<double>{0, 1}), 1.0);
  EXPECT_DOUBLE_EQ(JensenShannon(std::vector<double>{2, 2}, std::vector<double>{1, 1}), 0.0);
  // P = (1, 0), Q = (.5, .5), M = (.75, .25):
  // KL(P‖M) = log2(1/.75) = .415037; KL(Q‖M) = .5 log2(.5/.75) + .5 log2(.5/.25) = .207519;
  // JSD = ½(.415037 + .207519) = .311278.
  double expected = 0.5 * (std::log2(1 / 0.75) + 0.5 * std::log2(0.5 / 0.75) + 0.5 * std::log2(2.0));
  EXPECT_NEAR(JensenShannon(std::vector<double>{3, 0}, std::vector<double>{1, 1}), expected, 1e-12);
  EXPECT_NEAR(expected, 0.311278, 1e-6);
}

TEST(MetricChiSquare, HandComputed) {
  // Counts real (10, 20), synthetic (20, 10): N = 60, column totals 30 and 30,
  // every expected count 15; X² = 4 · (5² / 15) = 6.6667 with 1 degree of
  // freedom; P(χ²₁ > 6.6667) = erfc(sqrt(6.6667 / 2)) = 0.0098232.
  ChiSquareResult r = ChiSquareHomogeneity(std::vector<double>{10, 20}, std::vector<double>{20, 10});
  EXPECT_NEAR(r.statistic, 20.0 / 3, 1e-12);
  EXPECT_EQ(r.dof, 1);
  EXPECT_NEAR(r.p_value, std::erfc(std::sqrt(10.0 / 3)), 1e-10);
  // Same proportions: X² = 0, p = 1. A category empty on both sides is left out.
  ChiSquareResult same = ChiSquareHomogeneity(std::vector<double>{10, 20, 0}, std::vector<double>{5, 10, 0});
  EXPECT_NEAR(same.statistic, 0, 1e-12);
  EXPECT_EQ(same.dof, 1);
  EXPECT_NEAR(same.p_value, 1.0, 1e-12);
  // Table values: the 5% critical points of χ²₁ and χ²₁₀ are 3.841459 and 18.307038.
  EXPECT_NEAR(ChiSquareSurvival(3.841459, 1), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquareSurvival(18.307038, 10), 0.05, 1e-6);
  // χ²₂ is exponential: P(X > x) = e^(-x/2).
  EXPECT_NEAR(ChiSquareSurvival(7.0, 2), std::exp(-3.5), 1e-12);
}

TEST(MetricCoverage, RangeAndCategoryHandComputed) {
  // real range [0, 10], synthetic [2, 9]: 1 - (.2 + .1) = .7.
  EXPECT_DOUBLE_EQ(RangeCoverage(std::vector<double>{0, 10}, std::vector<double>{2, 9}), 0.7);
  EXPECT_DOUBLE_EQ(RangeCoverage(std::vector<double>{0, 10}, std::vector<double>{-5, 20}), 1.0);
  // Synthetic [20, 30]: 1 - (2 + 0) < 0, floored at 0.
  EXPECT_DOUBLE_EQ(RangeCoverage(std::vector<double>{0, 10}, std::vector<double>{20, 30}), 0.0);
  EXPECT_TRUE(std::isnan(RangeCoverage(std::vector<double>{3, 3}, std::vector<double>{3})));
  // real {a,b,c,d}, synthetic {a,b,e}: 2 of 4 real categories -> .5.
  EXPECT_DOUBLE_EQ(CategoryCoverage(std::vector<int32_t>{0, 1, 2, 3}, std::vector<int32_t>{0, 1, 4}), 0.5);
}

TEST(MetricMissingRate, HandComputed) {
  EXPECT_DOUBLE_EQ(MissingRate(std::vector<double>{1, kNaN, 3, kNaN}), 0.5);
  EXPECT_DOUBLE_EQ(MissingRate(std::vector<int32_t>{0, -1, 1}), 1.0 / 3);
}

TEST(MetricRocAuc, HandComputed) {
  // positives {.9, .8, .4}, negatives {.5, .3}: of the 6 pairs the positive
  // wins 2 + 2 + 1 = 5, so AUC = 5/6.
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<double>{0.9, 0.8, 0.4}, std::vector<double>{0.5, 0.3}), 5.0 / 6);
  // A tie counts one half.
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<double>{1, 2}, std::vector<double>{1, 0}), (0.5 + 1 + 1 + 1) / 4);
}

TEST(MetricQuantile, LinearInterpolationLikeNumpy) {
  std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(SortedQuantile(v, 0.5), 2.5);
  // h = 3 · .05 = .15: 1 + .15 · (2 - 1).
  EXPECT_DOUBLE_EQ(SortedQuantile(v, 0.05), 1.15);
  EXPECT_DOUBLE_EQ(SortedQuantile(v, 1.0), 4.0);
}

}  // namespace
}  // namespace seedforge::eval
