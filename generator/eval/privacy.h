// Privacy: how close synthetic rows come to the real rows they were learned
// from, measured against real rows the synthesizer never saw (the holdout).
//
// Distance: Gower's general coefficient of dissimilarity (Gower 1971, "A
// general coefficient of similarity and some of its properties", Biometrics
// 27(4)) over every column except ids: d(x, y) = (1/p) Σ_j d_j with
//   numerical, datetime  d_j = min(1, |x_j - y_j| / R_j), R_j the range
//                        (max - min) of column j in the real training rows
//                        (R_j = 0: 0 when equal, else 1); the cap keeps
//                        synthetic values outside the real range at most 1
//   categorical, boolean, text  d_j = 0 when equal, else 1
//   missing              0 when both are missing, 1 when one is
// so d lies in [0, 1]. Each d_j is a metric, hence so is d, which the
// nearest-neighbour search relies on.
//
// Figures (train = --real, the synthesizer's training data):
//   exact copies   synthetic rows equal to a train row in every compared
//                  column (hashes of the values: 64-bit, so a false match is
//                  vanishingly unlikely), against the same share for holdout
//                  rows as the natural baseline
//   DCR            distance to closest record: for a sample of synthetic rows
//                  and of holdout rows, the distance to the nearest train
//                  row; the headline is the share of synthetic rows closer to
//                  train than the holdout's 5th percentile (about 5% when the
//                  synthetic rows are no closer to train than new real rows)
//   NNDR           nearest-neighbour distance ratio d1 / d2 (nearest over
//                  second nearest train row; 0/0 counts as 1): near 0 means a
//                  row sits on one specific real record
//   MIA AUC        a distance-based membership-inference attack: the attacker
//                  scores a real row by its distance to the nearest synthetic
//                  row and guesses "was in training" when it is small; AUC of
//                  that score over a sample of train rows (members) against
//                  as many holdout rows (non-members). 0.5 = no signal.
//   k-anonymity    over --quasi columns: the size of the smallest group of
//                  rows sharing all quasi-identifier values (numbers as
//                  exact values), and the share of rows in groups below 5
//   l-diversity    (distinct l-diversity, Machanavajjhala et al. 2007) with
//                  --sensitive: the fewest distinct sensitive values in any
//                  quasi-identifier group
//   attribute      with --quasi and --sensitive: an attacker who knows a real
//   inference      person's quasi-identifiers and holds the synthetic table
//                  guesses the sensitive value. The synthetic rows are grouped
//                  by their quasi-identifier values (cells); a target takes
//                  the cell with the same values, or else the nearest cell
//                  (Gower distance over the quasi-identifiers alone), and the
//                  guess is the cell's most common value (categorical: the
//                  CategoricalCAP idea of SDMetrics with a nearest-cell
//                  fallback) or its median, right when within ±5% of the real
//                  range (numeric, datetime). Baseline: the best single guess
//                  from the synthetic marginal (its mode; numeric: the centre
//                  of the densest ±5% window), scored on the same rows. Lift =
//                  accuracy / baseline. Targets are a sample of the training
//                  rows (members) and, with --holdout, as many holdout rows:
//                  what the synthetic data gives away about members beyond
//                  what it says about anyone is the member-minus-holdout gap.
//
// Sampling and search, for speed: DCR and NNDR use a seeded random sample of
// up to `dcr_sample` synthetic rows and as many holdout rows, the attack up to
// `attack_sample` members and as many non-members; each query searches ALL
// train (or synthetic) rows exactly. The search is LAESA-style pivot
// filtering (Micó, Oncina and Vidal 1994, "A new version of the
// nearest-neighbour approximating and eliminating search algorithm", Pattern
// Recognition Letters 15(1)): distances from every reference row to a few
// pivot rows are precomputed, rows are visited in order of their distance to
// the first pivot, and the triangle inequality |d(q,p) - d(r,p)| <= d(q,r)
// skips rows that cannot be nearer than the best found; the remaining
// distances stop adding columns once past the best. Results are exact up to
// float rounding, identical for any thread count, and the same for a seed.
//
// Thread safety: EvaluatePrivacy only reads the table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/table.h"

namespace seedforge::eval {

struct PrivacyOptions {
  uint64_t seed = 1;
  int threads = 1;
  size_t dcr_sample = 5000;    // synthetic (and holdout) rows for DCR / NNDR
  size_t attack_sample = 2000; // members (and non-members) for the attack
  std::vector<std::string> quasi;
  std::string sensitive;
};

struct DistanceSummary {
  size_t rows = 0;
  double min = 0, p5 = 0, median = 0, mean = 0;
};

struct AnonymityResult {
  bool computed = false;
  std::vector<std::string> quasi;
  size_t k_synthetic = 0, k_real = 0;
  size_t groups_synthetic = 0, groups_real = 0;
  double below5_synthetic = 0, below5_real = 0;  // share of rows in groups of fewer than 5
  std::string sensitive;                         // empty: no l-diversity
  size_t l_synthetic = 0, l_real = 0;
};

// Attribute inference (see above). NaN figures: not computed.
struct AttributeInferenceResult {
  bool computed = false;
  std::vector<std::string> quasi;
  std::string sensitive;
  bool numeric = false;      // numeric or datetime sensitive column: right within ±tolerance
  double tolerance = 0;      // numeric: kAttributeTolerance × the real range, in the column's units
  size_t cells = 0;          // distinct quasi-identifier combinations among synthetic rows
  std::string baseline_guess;  // the marginal guess, as text (numeric: %g)
  // Members: sampled training rows whose sensitive value is not missing.
  size_t targets = 0;
  double accuracy = 0, baseline = 0, lift = 0;
  double exact_match_share = 0;  // of targets whose quasi-identifier values occur in the synthetic rows
  // Non-members (holdout rows), NaN / 0 without holdout.
  size_t holdout_targets = 0;
  double holdout_accuracy = 0, holdout_baseline = 0;
};

// A numeric guess is right within this share of the real range.
constexpr double kAttributeTolerance = 0.05;

struct PrivacyResult {
  std::string table;
  std::vector<std::string> columns;  // compared columns
  size_t train_rows = 0, synthetic_rows = 0, holdout_rows = 0;
  bool has_holdout = false;
  size_t exact_copies = 0;
  double exact_copy_rate = 0;     // of synthetic rows
  double holdout_copy_rate = 0;   // of holdout rows (baseline); NaN without holdout
  DistanceSummary dcr_synthetic, dcr_holdout;
  double dcr_threshold = 0;       // holdout's 5th percentile DCR
  double dcr_share_below = 0;     // synthetic share below it; NaN without holdout
  DistanceSummary nndr_synthetic, nndr_holdout;
  double mia_auc = 0;             // NaN without holdout
  size_t mia_members = 0;
  AnonymityResult anonymity;
  AttributeInferenceResult attribute_inference;
};

// Gower distance over the columns of a table, scaled by the real rows.
class GowerSpace {
 public:
  explicit GowerSpace(const TableSet& table);
  // Over the given columns only, in that order (ids too, as categories).
  GowerSpace(const TableSet& table, const std::vector<size_t>& columns);

  size_t dims() const { return continuous_.size(); }
  const std::vector<size_t>& columns() const { return columns_; }  // table column per dim

  // Rows of `data` (indices into it) as a row-major dims() x rows matrix:
  // continuous values scaled by 1/R (NaN missing), codes as floats (-1 missing).
  std::vector<float> Encode(const TableData& data, const std::vector<size_t>& rows) const;

  // Gower distance; may stop early and return any value > bound once the
  // distance is known to exceed it.
  float Distance(const float* a, const float* b, float bound) const;

 private:
  void AddColumn(const TableSet& table, size_t c);

  std::vector<size_t> columns_;
  std::vector<uint8_t> continuous_;
  std::vector<double> scale_, offset_;  // x -> (x - offset) * scale
};

// Exact k-nearest-neighbour search (k <= 2) under a GowerSpace, see above.
class NeighbourIndex {
 public:
  NeighbourIndex(const GowerSpace& space, std::vector<float> rows, uint64_t seed);

  // Distances to the k nearest rows, ascending (k = 1 or 2). With fewer rows
  // than k the rest is +infinity. `nearest`, when given, receives the
  // position in `rows` of the nearest row (of the first found among ties).
  void Nearest(const float* query, int k, float* out, size_t* nearest = nullptr) const;
  size_t size() const { return n_; }

 private:
  static constexpr int kPivots = 6;
  const GowerSpace& space_;
  size_t n_, d_;
  std::vector<float> rows_;         // sorted by distance to the first pivot
  std::vector<size_t> original_;    // position in the constructor's rows, per sorted row
  std::vector<float> pivot_dist_;   // n x kPivots
  std::vector<float> pivots_;       // kPivots x d
  int pivots_used_ = 0;
};

// Privacy figures for one table. Quasi and sensitive names must be columns
// of the table (UsageError otherwise); the sensitive column must not be a
// quasi-identifier.
PrivacyResult EvaluatePrivacy(const TableSet& table, const PrivacyOptions& options);

}  // namespace seedforge::eval
