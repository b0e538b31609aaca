// Single-column and column-pair statistics comparing real with synthetic
// data: the metrics of SDMetrics' QualityReport and a few classic extras.
//
// Continuous values come as doubles with NaN for missing; discrete values as
// int32 codes from a dictionary shared by real and synthetic data, -1 for
// missing. Each function states how it treats missing values; the SDMetrics
// ones do what SDMetrics does (sources cited beside each), so that scores
// are comparable with what SDV users see.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "seedforge/special_functions.h"

namespace seedforge::eval {

// --- Column Shapes (SDMetrics single_column/statistical) -------------------

// KSComplement: 1 - D, where D is the two-sample Kolmogorov–Smirnov statistic
// (the largest distance between the two empirical CDFs). Missing values are
// dropped; NaN when either side has no values. SDMetrics kscomplement.py.
double KsComplement(std::span<const double> real, std::span<const double> synthetic);

// TVComplement: 1 - TVD, TVD = ½ Σ_c |p_real(c) - p_syn(c)| over the union of
// categories, on frequencies without missing values. NaN when either side
// has no values. SDMetrics tv_complement.py.
double TvComplement(std::span<const int32_t> real, std::span<const int32_t> synthetic);

// --- Column Pair Trends (SDMetrics column_pairs/statistical) ---------------

struct CorrelationResult {
  double score;      // 1 - |r_real - r_syn| / 2; NaN when a column is constant
  double real;       // Pearson r of the real pair
  double synthetic;  // Pearson r of the synthetic pair
};

// CorrelationSimilarity with Pearson's r. As SDMetrics does: NaN score when
// any of the four columns has a single distinct value; otherwise missing
// values are replaced by 0 and an undefined r counts as 0.
// SDMetrics correlation_similarity.py.
CorrelationResult CorrelationSimilarity(std::span<const double> real_a, std::span<const double> real_b,
                                        std::span<const double> syn_a, std::span<const double> syn_b);

// Pearson's r of two equally long columns without missing values; NaN when
// either is constant.
double Pearson(std::span<const double> a, std::span<const double> b);

// ContingencySimilarity: 1 - TVD of the two-dimensional contingency tables
// (joint frequencies of the pair), missing (-1) counting as a category of
// its own (pandas groupby(dropna=False)). SDMetrics contingency_similarity.py.
double ContingencySimilarity(std::span<const int32_t> real_a, std::span<const int32_t> real_b,
                             std::span<const int32_t> syn_a, std::span<const int32_t> syn_b);

// How SDMetrics' quality report bins a continuous column before a
// ContingencySimilarity (reports/single_table/_properties/column_pair_trends.py,
// ColumnPairTrends._discretize_column): numpy.histogram_bin_edges of the
// column's own non-missing values, then numpy.digitize against those edges.
// The real and the synthetic column are each binned on their own range, and
// the contingency tables compare bin numbers: bin k of the real data against
// bin k of the synthetic data. So a synthetic value outside the real range is
// neither dropped nor clipped; it stretches the synthetic bins instead.
std::vector<int32_t> SdmetricsDiscretize(std::span<const double> values);

// numpy.histogram_bin_edges(values) (bins=10): `bins` equal-width bins over
// [min, max] of the non-missing values ([v-0.5, v+0.5] for a constant
// column, [0, 1] for an empty one), returned as the bins + 1 edges, edge i
// computed as numpy.linspace does (min + i * step, the last edge max).
std::vector<double> SdmetricsBinEdges(std::span<const double> values, int bins = 10);

// numpy.digitize(values, edges): the number of edges <= x. With edges from
// the values themselves, 1..10 are the bins, and 11 holds the maximum (it
// equals the last edge) and the missing values (numpy sorts NaN last).
std::vector<int32_t> Digitize(std::span<const double> values, const std::vector<double>& edges);

// --- Extras per column -----------------------------------------------------

// First Wasserstein (earth mover's) distance between the two empirical
// distributions, ∫|F_real(x) - F_syn(x)| dx, divided by the real range
// (max - min) so that it is unitless: 0 = identical, 1 = shifted by a whole
// real range. Missing values dropped; NaN when a side is empty.
double WassersteinNormalized(std::span<const double> real, std::span<const double> synthetic);

// Jensen–Shannon divergence in bits (log base 2, so it lies in [0, 1]) of
// two histograms given as counts over the same bins: ½KL(P‖M) + ½KL(Q‖M),
// M = (P + Q) / 2 (Lin 1991, "Divergence measures based on the Shannon
// entropy", IEEE Trans. Inf. Theory 37(1)). NaN when a side is empty.
double JensenShannon(std::span<const double> p_counts, std::span<const double> q_counts);

// Counts of a continuous column in `bins` equal-width bins over [lo, hi]
// (values outside are put in the end bins; missing values dropped).
std::vector<double> Histogram(std::span<const double> values, double lo, double hi, int bins);

// Counts per code (missing dropped); the vector has at least `labels` slots.
std::vector<double> CodeCounts(std::span<const int32_t> codes, size_t labels);

struct ChiSquareResult {
  double statistic = 0;
  int dof = 0;
  double p_value = 1;
};

// Pearson's chi-squared test of homogeneity on the 2 x K table of counts
// (real row, synthetic row), categories with no count on either side left
// out: X² = Σ (O - E)² / E with E = row total x column total / N, K - 1
// degrees of freedom. SDMetrics' CSTest runs scipy's chisquare on
// frequencies instead of counts, which makes its p-value nearly always 1;
// this is the textbook test on counts.
ChiSquareResult ChiSquareHomogeneity(std::span<const double> real_counts, std::span<const double> syn_counts);

// P(X > x) for X ~ chi-squared with `dof` degrees of freedom.
double ChiSquareSurvival(double x, double dof);

using seedforge::RegularizedGammaQ;  // seedforge/special_functions.h

double MissingRate(std::span<const double> values);
double MissingRate(std::span<const int32_t> codes);

// RangeCoverage: 1 - [max((min s - min r)/(max r - min r), 0) +
// max((max r - max s)/(max r - min r), 0)], floored at 0. NaN when the real
// column is constant or a side is empty. SDMetrics range_coverage.py.
double RangeCoverage(std::span<const double> real, std::span<const double> synthetic);

// CategoryCoverage: share of the categories present in the real column that
// the synthetic column also has (missing not a category). NaN when the real
// column has none. SDMetrics docs, CategoryCoverage.
double CategoryCoverage(std::span<const int32_t> real, std::span<const int32_t> synthetic);

// --- Shared helpers ----------------------------------------------------------

// Area under the ROC curve of scores where higher means "positive": the
// Mann–Whitney U statistic / (n_pos n_neg), ties counted one half. NaN when
// a side is empty.
double RocAuc(std::span<const double> positive_scores, std::span<const double> negative_scores);

// Quantile q in [0, 1] of sorted values by linear interpolation (numpy's
// default "linear" method). NaN when empty.
double SortedQuantile(std::span<const double> sorted, double q);

}  // namespace seedforge::eval
