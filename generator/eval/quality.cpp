#include "eval/quality.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "eval/metrics.h"
#include "seedforge/pipeline.h"

namespace seedforge::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kPlotBins = 24;         // histogram bars per continuous column
constexpr int kJsBins = 20;           // bins of the Jensen–Shannon histogram
constexpr size_t kPlotLabels = 12;    // categories shown before "(other)"

double NanMean(const std::vector<double>& v) {
  double sum = 0;
  size_t n = 0;
  for (double x : v) {
    if (std::isnan(x)) continue;
    sum += x;
    ++n;
  }
  return n == 0 ? kNaN : sum / n;
}

// Bin numbers of a continuous column for a contingency table, as SDMetrics'
// ColumnPairTrends computes them: each side of a pair (real, synthetic) is
// binned on its own range (SdmetricsDiscretize). pandas turns a datetime into
// int64 nanoseconds before binning; scaling our seconds by 1e9 gives the same
// doubles (for whole seconds the product is exact before its one rounding,
// as numpy's int64-to-float64 conversion is), so values on a bin edge fall
// on the same side as in SDMetrics.
std::vector<int32_t> PairBins(const EncodedValues& column, ColumnKind kind) {
  if (kind != ColumnKind::kDatetime) return SdmetricsDiscretize(column.values);
  std::vector<double> nanoseconds(column.values.begin(), column.values.end());
  for (double& v : nanoseconds) v *= 1e9;
  return SdmetricsDiscretize(nanoseconds);
}

// One column of a pair: its values, and for a continuous column its bin
// numbers (PairBins).
struct PairSide {
  std::string name;
  ColumnKind kind;
  const EncodedValues* real;
  const EncodedValues* synthetic;
  std::vector<int32_t> real_bins, synthetic_bins;

  std::span<const int32_t> RealCodes() const { return IsContinuous(kind) ? real_bins : real->codes; }
  std::span<const int32_t> SyntheticCodes() const {
    return IsContinuous(kind) ? synthetic_bins : synthetic->codes;
  }
};

PairSide MakePairColumn(const std::string& name, ColumnKind kind, const EncodedValues& real,
                          const EncodedValues& synthetic) {
  PairSide column{name, kind, &real, &synthetic, {}, {}};
  if (IsContinuous(kind)) {
    column.real_bins = PairBins(real, kind);
    column.synthetic_bins = PairBins(synthetic, kind);
  }
  return column;
}

PairRow ScorePair(const PairSide& a, const PairSide& b) {
  PairRow row;
  row.column_a = a.name;
  row.column_b = b.name;
  if (IsContinuous(a.kind) && IsContinuous(b.kind)) {
    CorrelationResult r = CorrelationSimilarity(a.real->values, b.real->values, a.synthetic->values,
                                                b.synthetic->values);
    row.metric = "CorrelationSimilarity";
    row.score = r.score;
    row.real_correlation = r.real;
    row.synthetic_correlation = r.synthetic;
  } else {
    row.metric = "ContingencySimilarity";
    row.score = ContingencySimilarity(a.RealCodes(), b.RealCodes(), a.SyntheticCodes(), b.SyntheticCodes());
    row.real_correlation = row.synthetic_correlation = kNaN;
  }
  return row;
}

ShapeRow ScoreColumn(const TableSet& table, size_t c) {
  const ColumnEncoding& info = table.columns[c];
  const EncodedValues& real = table.real.columns[c];
  const EncodedValues& syn = table.synthetic.columns[c];
  ShapeRow row;
  row.table = table.name;
  row.column = info.name;
  row.kind = info.kind;
  row.unparsed_synthetic = syn.unparsed;
  row.wasserstein = row.jensen_shannon = row.chi2_statistic = row.chi2_p_value = kNaN;
  row.range_coverage = row.category_coverage = kNaN;
  row.chi2_dof = 0;
  if (IsContinuous(info.kind)) {
    row.metric = "KSComplement";
    row.score = KsComplement(real.values, syn.values);
    row.wasserstein = WassersteinNormalized(real.values, syn.values);
    row.range_coverage = RangeCoverage(real.values, syn.values);
    row.missing_real = MissingRate(real.values);
    row.missing_synthetic = MissingRate(syn.values);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto* values : {&real.values, &syn.values}) {
      for (double v : *values) {
        if (std::isnan(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    if (lo > hi) lo = hi = 0;
    row.jensen_shannon = JensenShannon(Histogram(real.values, lo, hi, kJsBins), Histogram(syn.values, lo, hi, kJsBins));
    row.lo = lo;
    row.hi = hi;
    auto shares = [&](const std::vector<double>& values) {
      std::vector<double> counts = Histogram(values, lo, hi, kPlotBins);
      double total = std::accumulate(counts.begin(), counts.end(), 0.0);
      for (double& x : counts) x = total > 0 ? x / total : 0;
      return counts;
    };
    row.real_share = shares(real.values);
    row.synthetic_share = shares(syn.values);
    return row;
  }
  row.metric = "TVComplement";
  row.score = TvComplement(real.codes, syn.codes);
  size_t labels = info.labels.size();
  std::vector<double> rc = CodeCounts(real.codes, labels), sc = CodeCounts(syn.codes, labels);
  ChiSquareResult chi = ChiSquareHomogeneity(rc, sc);
  row.chi2_statistic = chi.statistic;
  row.chi2_dof = chi.dof;
  row.chi2_p_value = chi.p_value;
  row.jensen_shannon = JensenShannon(rc, sc);
  row.category_coverage = CategoryCoverage(real.codes, syn.codes);
  row.missing_real = MissingRate(real.codes);
  row.missing_synthetic = MissingRate(syn.codes);
  for (size_t code = 0; code < sc.size(); ++code) {
    if (sc[code] > 0 && (code >= rc.size() || rc[code] == 0)) ++row.new_categories;
  }
  // Plot: the most common labels over both sides, then the rest.
  const double nr = static_cast<double>(std::max<size_t>(real.codes.size(), 1));
  const double ns = static_cast<double>(std::max<size_t>(syn.codes.size(), 1));
  std::vector<size_t> order(labels);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return rc[x] / nr + sc[x] / ns > rc[y] / nr + sc[y] / ns;
  });
  while (!order.empty() && rc[order.back()] == 0 && sc[order.back()] == 0) order.pop_back();
  double other_r = 0, other_s = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i < kPlotLabels || order.size() == kPlotLabels + 1) {
      row.labels.push_back(info.labels[order[i]]);
      row.real_share.push_back(rc[order[i]] / nr);
      row.synthetic_share.push_back(sc[order[i]] / ns);
    } else {
      other_r += rc[order[i]] / nr;
      other_s += sc[order[i]] / ns;
    }
  }
  if (order.size() > kPlotLabels + 1) {
    row.labels.push_back("(other " + std::to_string(order.size() - kPlotLabels) + ")");
    row.real_share.push_back(other_r);
    row.synthetic_share.push_back(other_s);
  }
  if (row.missing_real > 0 || row.missing_synthetic > 0) {
    row.labels.push_back("(missing)");
    row.real_share.push_back(row.missing_real);
    row.synthetic_share.push_back(row.missing_synthetic);
  }
  return row;
}

// Parent row of each child row (SIZE_MAX when the key matches no parent),
// by the label of the key, as pandas' merge matches values.
std::vector<size_t> MatchParents(const ColumnEncoding& child_info, const EncodedValues& child_key,
                                 const ColumnEncoding& parent_info, const EncodedValues& parent_key) {
  std::unordered_map<std::string_view, size_t> parent_row;
  parent_row.reserve(parent_key.codes.size());
  for (size_t r = 0; r < parent_key.codes.size(); ++r) {
    int32_t code = parent_key.codes[r];
    if (code >= 0) parent_row.emplace(parent_info.labels[code], r);
  }
  std::vector<size_t> out(child_key.codes.size(), SIZE_MAX);
  for (size_t r = 0; r < child_key.codes.size(); ++r) {
    int32_t code = child_key.codes[r];
    if (code < 0) continue;
    auto it = parent_row.find(child_info.labels[code]);
    if (it != parent_row.end()) out[r] = it->second;
  }
  return out;
}

// Children per parent row, in parent row order.
std::vector<double> ChildCounts(const ColumnEncoding& child_info, const EncodedValues& child_key,
                                const ColumnEncoding& parent_info, const EncodedValues& parent_key,
                                double* orphans) {
  std::vector<size_t> parent = MatchParents(child_info, child_key, parent_info, parent_key);
  // Children per key label; parents sharing a key each get its count, as
  // SDMetrics' get_cardinality_distribution (a join on the key) does.
  std::unordered_map<std::string_view, double> per_key;
  size_t unmatched = 0, keyed = 0;
  for (size_t r = 0; r < parent.size(); ++r) {
    if (child_key.codes[r] < 0) continue;
    ++keyed;
    if (parent[r] == SIZE_MAX) {
      ++unmatched;
      continue;
    }
    per_key[child_info.labels[child_key.codes[r]]] += 1;
  }
  *orphans = keyed == 0 ? 0.0 : static_cast<double>(unmatched) / keyed;
  std::vector<double> counts(parent_key.codes.size(), 0.0);
  for (size_t r = 0; r < counts.size(); ++r) {
    int32_t code = parent_key.codes[r];
    if (code < 0) continue;
    auto it = per_key.find(parent_info.labels[code]);
    if (it != per_key.end()) counts[r] = it->second;
  }
  return counts;
}

EncodedValues Gather(const EncodedValues& column, const std::vector<size_t>& rows) {
  EncodedValues out;
  if (!column.values.empty()) {
    out.values.reserve(rows.size());
    for (size_t r : rows) out.values.push_back(column.values[r]);
  } else {
    out.codes.reserve(rows.size());
    for (size_t r : rows) out.codes.push_back(column.codes[r]);
  }
  return out;
}

void EvaluateLink(const Dataset& dataset, const Link& link, int threads, QualityResult& result) {
  const TableSet& child = dataset.tables[dataset.Find(link.child)];
  const TableSet& parent = dataset.tables[dataset.Find(link.parent)];
  const int ck = child.Find(link.child_column), pk = parent.Find(link.parent_column);
  const ColumnEncoding& ci = child.columns[ck];
  const ColumnEncoding& pi = parent.columns[pk];

  CardinalityRow card;
  card.link = link;
  std::vector<double> real_counts = ChildCounts(ci, child.real.columns[ck], pi, parent.real.columns[pk],
                                                &card.real_orphans);
  std::vector<double> syn_counts = ChildCounts(ci, child.synthetic.columns[ck], pi, parent.synthetic.columns[pk],
                                               &card.synthetic_orphans);
  card.score = KsComplement(real_counts, syn_counts);
  auto mean = [](const std::vector<double>& v) {
    return v.empty() ? kNaN : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  };
  auto max = [](const std::vector<double>& v) {
    return v.empty() ? size_t{0} : static_cast<size_t>(*std::max_element(v.begin(), v.end()));
  };
  card.real_mean_children = mean(real_counts);
  card.synthetic_mean_children = mean(syn_counts);
  card.real_max_children = max(real_counts);
  card.synthetic_max_children = max(syn_counts);
  result.cardinality.push_back(card);

  // Intertable trends: the child joined to its parent (inner join).
  auto joined_rows = [&](const TableData& c, const TableData& p, std::vector<size_t>& child_rows,
                         std::vector<size_t>& parent_rows) {
    std::vector<size_t> match = MatchParents(ci, c.columns[ck], pi, p.columns[pk]);
    for (size_t r = 0; r < match.size(); ++r) {
      if (match[r] == SIZE_MAX) continue;
      child_rows.push_back(r);
      parent_rows.push_back(match[r]);
    }
  };
  std::vector<size_t> rc, rp, sc, sp;
  joined_rows(child.real, parent.real, rc, rp);
  joined_rows(child.synthetic, parent.synthetic, sc, sp);
  std::vector<EncodedValues> storage;
  std::vector<PairSide> parent_columns, child_columns;
  std::vector<size_t> parent_index, child_index;
  for (size_t c = 0; c < parent.columns.size(); ++c) {
    if (IsScored(parent.columns[c].kind)) parent_index.push_back(c);
  }
  for (size_t c = 0; c < child.columns.size(); ++c) {
    if (IsScored(child.columns[c].kind)) child_index.push_back(c);
  }
  storage.reserve(2 * (parent_index.size() + child_index.size()));
  for (size_t c : parent_index) {
    storage.push_back(Gather(parent.real.columns[c], rp));
    storage.push_back(Gather(parent.synthetic.columns[c], sp));
    parent_columns.push_back(MakePairColumn(parent.columns[c].name, parent.columns[c].kind,
                                            storage[storage.size() - 2], storage.back()));
  }
  for (size_t c : child_index) {
    storage.push_back(Gather(child.real.columns[c], rc));
    storage.push_back(Gather(child.synthetic.columns[c], sc));
    child_columns.push_back(MakePairColumn(child.columns[c].name, child.columns[c].kind,
                                           storage[storage.size() - 2], storage.back()));
  }
  std::vector<PairRow> rows(parent_columns.size() * child_columns.size());
  ParallelFor(rows.size(), threads, [&](size_t i) {
    PairRow row = ScorePair(parent_columns[i / child_columns.size()], child_columns[i % child_columns.size()]);
    row.table = link.child;
    row.parent_table = link.parent;
    row.foreign_key = link.child_column;
    rows[i] = std::move(row);
  });
  result.intertable.insert(result.intertable.end(), rows.begin(), rows.end());
}

}  // namespace

QualityResult EvaluateQuality(const Dataset& dataset, int threads) {
  QualityResult result;
  for (const TableSet& table : dataset.tables) {
    std::vector<size_t> scored;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (IsScored(table.columns[c].kind)) {
        scored.push_back(c);
      } else {
        result.excluded.push_back({table.name, table.columns[c].name, table.columns[c].kind, table.columns[c].reason});
      }
    }
    std::vector<ShapeRow> shapes(scored.size());
    ParallelFor(scored.size(), threads, [&](size_t i) { shapes[i] = ScoreColumn(table, scored[i]); });
    result.shapes.insert(result.shapes.end(), shapes.begin(), shapes.end());

    std::vector<PairSide> columns(scored.size());
    ParallelFor(scored.size(), threads, [&](size_t i) {
      size_t c = scored[i];
      columns[i] = MakePairColumn(table.columns[c].name, table.columns[c].kind, table.real.columns[c],
                                  table.synthetic.columns[c]);
    });
    std::vector<std::pair<size_t, size_t>> pairs;
    for (size_t a = 0; a < columns.size(); ++a) {
      for (size_t b = a + 1; b < columns.size(); ++b) pairs.emplace_back(a, b);
    }
    std::vector<PairRow> rows(pairs.size());
    ParallelFor(pairs.size(), threads, [&](size_t i) {
      rows[i] = ScorePair(columns[pairs[i].first], columns[pairs[i].second]);
      rows[i].table = table.name;
    });
    result.pairs.insert(result.pairs.end(), rows.begin(), rows.end());
  }
  for (const Link& link : dataset.links) EvaluateLink(dataset, link, threads, result);

  auto scores = [](const auto& rows) {
    std::vector<double> v;
    for (const auto& r : rows) v.push_back(r.score);
    return NanMean(v);
  };
  result.column_shapes = scores(result.shapes);
  result.column_pair_trends = scores(result.pairs);
  result.cardinality_score = scores(result.cardinality);
  result.intertable_trends = scores(result.intertable);
  std::vector<double> properties;
  for (const PropertyScore& p : PropertyScores(result, dataset.multi_table)) properties.push_back(p.score);
  result.overall = NanMean(properties);
  return result;
}

std::vector<PropertyScore> PropertyScores(const QualityResult& quality, bool multi_table) {
  std::vector<PropertyScore> out = {{"Column Shapes", quality.column_shapes},
                                    {"Column Pair Trends", quality.column_pair_trends}};
  if (multi_table) {
    out.push_back({"Cardinality", quality.cardinality_score});
    out.push_back({"Intertable Trends", quality.intertable_trends});
  }
  return out;
}

}  // namespace seedforge::eval
