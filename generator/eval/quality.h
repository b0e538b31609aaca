// Fidelity: SDMetrics' QualityReport over a Dataset, plus per-column extras
// and the data behind the report's plots.
//
// Properties, as SDMetrics defines them (reports/single_table/_properties and
// reports/multi_table/_properties):
//   Column Shapes       per scored column: KSComplement (numerical, datetime)
//                       or TVComplement (categorical, boolean)
//   Column Pair Trends  per pair of scored columns of a table:
//                       CorrelationSimilarity (Pearson) when both are
//                       continuous, else ContingencySimilarity, a continuous
//                       column binned first into 10 equal-width bins, the
//                       real and the synthetic column each over its own range
//   Cardinality         per link: KSComplement of the number of children per
//                       parent row (0 included), real against synthetic
//   Intertable Trends   per link: every (parent column, child column) pair of
//                       the child table joined to its parent, scored as in
//                       Column Pair Trends
// Each property score is the mean of its non-NaN item scores over all tables
// (SDMetrics' details['Score'].mean()); the overall score is the mean of the
// property scores: Column Shapes and Column Pair Trends for a single table,
// all four for several tables. Id and text columns are excluded.
//
// Thread safety: EvaluateQuality only reads the dataset.
#pragma once

#include <string>
#include <vector>

#include "eval/table.h"

namespace seedforge::eval {

struct ShapeRow {
  std::string table, column;
  ColumnKind kind;
  std::string metric;  // "KSComplement" or "TVComplement"
  double score;
  // Extras (NaN where they do not apply to the kind).
  double wasserstein;      // continuous: normalised by the real range
  double jensen_shannon;   // bits; continuous on 20 bins over both ranges
  double chi2_statistic;   // discrete: test of homogeneity on counts
  int chi2_dof;
  double chi2_p_value;
  double missing_real, missing_synthetic;  // shares of rows
  double range_coverage;                   // continuous
  double category_coverage;                // discrete
  size_t new_categories = 0;               // categories only the synthetic data has
  size_t unparsed_synthetic = 0;           // synthetic values not of the column's kind
  // Plot data: shares per bin (continuous: `bins` equal-width bins on
  // [lo, hi]) or per label (discrete: the most common labels, then
  // "(other)" and "(missing)" when present).
  double lo = 0, hi = 0;
  std::vector<std::string> labels;
  std::vector<double> real_share, synthetic_share;
};

struct PairRow {
  std::string table;  // for intertable rows: the child table
  std::string parent_table, foreign_key;  // intertable rows only
  std::string column_a, column_b;  // intertable: parent column, child column
  std::string metric;  // "CorrelationSimilarity" or "ContingencySimilarity"
  double score;
  double real_correlation, synthetic_correlation;  // NaN for contingency
};

struct CardinalityRow {
  Link link;
  double score;
  double real_mean_children, synthetic_mean_children;
  size_t real_max_children, synthetic_max_children;
  double real_orphans, synthetic_orphans;  // share of child rows whose key matches no parent
};

struct ExcludedColumn {
  std::string table, column;
  ColumnKind kind;
  std::string reason;
};

struct QualityResult {
  std::vector<ShapeRow> shapes;
  std::vector<PairRow> pairs;
  std::vector<CardinalityRow> cardinality;
  std::vector<PairRow> intertable;
  std::vector<ExcludedColumn> excluded;
  double column_shapes = 0, column_pair_trends = 0;
  double cardinality_score = 0, intertable_trends = 0;  // NaN without links
  double overall = 0;
};

QualityResult EvaluateQuality(const Dataset& dataset, int threads);

struct PropertyScore {
  const char* name;  // "Column Shapes", "Column Pair Trends", ...
  double score;
};

// The properties that make up the overall score, in the order reports show
// them: Column Shapes and Column Pair Trends, and for several tables also
// Cardinality and Intertable Trends.
std::vector<PropertyScore> PropertyScores(const QualityResult& quality, bool multi_table);

}  // namespace seedforge::eval
