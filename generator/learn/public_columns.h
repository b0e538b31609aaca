// The learned columns of a model trained under differential privacy, made
// only from what is public (DpOptions::public_columns: the domain's or the
// user's bounds and category lists) and the table's schema, never from the
// values: the observed ranges, category lists, frequencies and NULL rates
// that LearnColumns reads from the data would each leak something about its
// rows, and a model keeps them (the model file, sampling's clipping to
// [min, max]). docs/privacy-neural.md says what is taken as public.
// What is not public may be estimated under DP with a share of the budget
// (--bounds-budget): DpBounds and EstimateDpColumn, the one rule that the
// private copula and the private neural models follow (docs/privacy.md).
//
// Thread safety: pure functions, but for DpNoise (one per fit).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

namespace seedforge::internal {

// Data-derived bounds: these quantiles of the non-NULL values.
constexpr double kDpLowQuantile = 0.005;
constexpr double kDpHighQuantile = 0.995;

// Secret randomness for privacy noise: keyed from the operating system's
// generator, never from the seed (noise that anyone can recompute from a
// known seed protects nothing), so a private fit is not reproducible.
class DpNoise {
 public:
  DpNoise();
  double Normal() { return stream_.Normal(); }
  double Laplace(double scale);
  // A secret key for further streams of the same fit (the copula's per-row
  // draws inside a discrete value's interval: the privacy proof couples the
  // draws of a table with one row fewer, which holds only if nobody can
  // recompute them).
  uint64_t Key() { return stream_.Next(); }

 private:
  double Open() { return (static_cast<double>(stream_.Next() >> 11) + 0.5) * 0x1.0p-53; }  // in (0, 1)
  RandomStream stream_;
};

// What is public about one learned column, and after EstimateDpColumn what
// was estimated for it under DP (docs/privacy.md, "Preprocessing").
struct DpColumnPlan {
  std::optional<double> lo, hi;         // numbers, dates, timestamps
  std::vector<std::string> categories;  // categorical
  std::string source;                   // where they come from, for DpAccount::public_columns
  bool needs_budget = false;            // a bound or the category list is not public
};

// Data-derived bounds of numeric values `x` (non-NULL), keeping a public
// side when one is given: the 0.5% and 99.5% quantiles of two Laplace
// histograms; pure epsilon-DP.
std::pair<double, double> DpBounds(const std::vector<double>& x, std::optional<double> lo, std::optional<double> hi,
                                   double epsilon, DpNoise& noise);

// Fills what `plan` lacks for column `column` of `table` (of type `type`:
// bounds, rounded outward for whole numbers, or the category list), spending
// (epsilon, delta): categories by the stability histogram ((epsilon,
// delta)-DP), bounds by DpBounds (pure epsilon-DP, delta unused). The one
// rule of the copula and the neural models. Throws UsageError when no
// category is frequent enough to release.
void EstimateDpColumn(const DataTable& table, int column, DataType type, DpColumnPlan& plan, double epsilon,
                      double delta, DpNoise& noise);

// The preprocessing a private neural fit spent on columns without public
// bounds or categories (PublicModelColumns with a budget).
struct DpPreprocessing {
  double epsilon = 0, delta = 0;                 // spent in total, split evenly over `estimated`
  std::map<std::string, std::string> estimated;  // column name -> "name: [min, max] (DP-estimated ...)"
};

// Per learned column of `table` (LearnColumns' columns: the same names,
// types, decimals and date formats): min and max from the public bounds
// (numbers, dates, timestamps), the categories in the order of the public
// list (categorical), uniform frequencies, NULL rate 0 (unknown; a private
// neural model replaces both with estimates from its own samples). `model`
// names the synthesizer in messages.
// A numeric column without public bounds or a categorical one without
// public categories is estimated (EstimateDpColumn) when `pre` is given and
// dp.preprocessing_share > 0: share x epsilon and share x `delta` in all,
// recorded in `pre`, split evenly over those columns.
// Throws UsageError naming the column when a column lacks public bounds or
// categories and no budget is set aside for it, when bounds are inverted or
// not finite, or when public_columns names no learned column. A value
// outside its public category list is encoded as NULL (the transformer's
// rule), as the private copula counts it.
std::vector<ModelColumn> PublicModelColumns(const DataTable& table, const DpOptions& dp, const std::string& model,
                                           double delta = 0, DpPreprocessing* pre = nullptr);

// "name: [min, max]", "name: 3 categories", "name: boolean" per column,
// for DpAccount::public_columns.
std::vector<std::string> DescribePublicColumns(const std::vector<ModelColumn>& columns);

}  // namespace seedforge::internal
