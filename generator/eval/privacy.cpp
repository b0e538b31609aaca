#include "eval/privacy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "eval/metrics.h"
#include "seedforge/error.h"
#include "seedforge/pipeline.h"
#include "seedforge/random.h"

namespace seedforge::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
// Slack for float rounding in the triangle-inequality tests: distances are
// means of at most a few hundred terms in [0, 1], so rounding stays far below.
constexpr float kSlack = 1e-5f;

// A seeded sample of k of the indices [0, n), ascending (all of them when
// k >= n): a partial Fisher–Yates shuffle.
std::vector<size_t> SampleRows(size_t n, size_t k, uint64_t key) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  if (k >= n) return all;
  RandomStream rng(key, 0);
  for (size_t i = 0; i < k; ++i) std::swap(all[i], all[i + rng.Below(n - i)]);
  all.resize(k);
  std::sort(all.begin(), all.end());
  return all;
}

DistanceSummary Summarize(std::vector<double> values) {
  DistanceSummary s;
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  s.rows = values.size();
  if (values.empty()) {
    s.min = s.p5 = s.median = s.mean = kNaN;
    return s;
  }
  std::sort(values.begin(), values.end());
  s.min = values.front();
  s.p5 = SortedQuantile(values, 0.05);
  s.median = SortedQuantile(values, 0.5);
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  return s;
}

uint64_t ValueBits(const EncodedValues& column, size_t row) {
  if (column.codes.empty()) {
    double v = column.values[row];
    if (std::isnan(v)) return 0x7ff8000000000001ULL;  // one bit pattern for every NaN
    if (v == 0) v = 0;                                 // -0 equals 0
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
  }
  return static_cast<uint64_t>(static_cast<int64_t>(column.codes[row]));
}

uint64_t RowHash(const TableData& data, const std::vector<size_t>& columns, size_t row) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (size_t c : columns) h = Mix64(h ^ Mix64(ValueBits(data.columns[c], row) + c));
  return h;
}

struct GroupStats {
  size_t k = 0, groups = 0, l = 0;
  double below5 = 0;
};

GroupStats Groups(const TableData& data, const std::vector<size_t>& quasi, int sensitive) {
  GroupStats stats;
  if (data.rows == 0) return stats;
  std::unordered_map<uint64_t, size_t> counts;
  std::unordered_map<uint64_t, std::unordered_set<uint64_t>> values;
  std::vector<uint64_t> keys(data.rows);
  for (size_t r = 0; r < data.rows; ++r) {
    keys[r] = RowHash(data, quasi, r);
    ++counts[keys[r]];
    if (sensitive >= 0) values[keys[r]].insert(ValueBits(data.columns[sensitive], r));
  }
  stats.groups = counts.size();
  stats.k = SIZE_MAX;
  size_t small_rows = 0;
  for (const auto& [key, n] : counts) {
    stats.k = std::min(stats.k, n);
    if (n < 5) small_rows += n;
  }
  stats.below5 = static_cast<double>(small_rows) / data.rows;
  if (sensitive >= 0) {
    stats.l = SIZE_MAX;
    for (const auto& [key, set] : values) stats.l = std::min(stats.l, set.size());
  }
  return stats;
}

// The attribute-inference attacker's knowledge: the synthetic rows grouped
// by their quasi-identifier values, one guess per group (cell). Not copied:
// the index refers to the space.
class CellAttacker {
 public:
  CellAttacker(const CellAttacker&) = delete;
  CellAttacker& operator=(const CellAttacker&) = delete;
  CellAttacker(const TableSet& table, const std::vector<size_t>& quasi, size_t sensitive, double tolerance,
               uint64_t seed)
      : space_(table, quasi), sensitive_(sensitive), tolerance_(tolerance) {
    const TableData& syn = table.synthetic;
    const EncodedValues& s = syn.columns[sensitive];
    numeric_ = s.codes.empty();
    // Cells in order of their first row, so that everything below is the
    // same for a seed whatever the thread count.
    std::unordered_map<uint64_t, size_t> cell_of;
    std::vector<size_t> first_row;
    std::vector<std::vector<double>> values;             // numeric
    std::vector<std::unordered_map<int32_t, size_t>> counts;  // categorical
    std::vector<double> marginal_values;
    std::unordered_map<int32_t, size_t> marginal_counts;
    for (size_t r = 0; r < syn.rows; ++r) {
      if (s.IsMissing(r)) continue;
      auto [it, added] = cell_of.emplace(RowHash(syn, quasi, r), first_row.size());
      if (added) {
        first_row.push_back(r);
        values.emplace_back();
        counts.emplace_back();
      }
      if (numeric_) {
        values[it->second].push_back(s.values[r]);
        marginal_values.push_back(s.values[r]);
      } else {
        ++counts[it->second][s.codes[r]];
        ++marginal_counts[s.codes[r]];
      }
    }
    guesses_.resize(first_row.size());
    for (size_t c = 0; c < first_row.size(); ++c) {
      if (numeric_) {
        std::sort(values[c].begin(), values[c].end());
        guesses_[c] = SortedQuantile(values[c], 0.5);
      } else {
        guesses_[c] = Mode(counts[c]);
      }
    }
    if (numeric_) {
      baseline_ = DensestWindow(std::move(marginal_values));
    } else if (!marginal_counts.empty()) {
      baseline_ = Mode(marginal_counts);
    }
    index_ = std::make_unique<NeighbourIndex>(space_, space_.Encode(syn, first_row), seed);
  }

  size_t cells() const { return guesses_.size(); }
  double baseline_guess() const { return baseline_; }

  // Attacks `rows` of `data` (rows with a missing sensitive value are
  // skipped): targets, right guesses, right baseline guesses, exact cells.
  struct Score {
    size_t targets = 0, right = 0, baseline_right = 0, exact = 0;
  };
  Score Attack(const TableData& data, std::vector<size_t> rows, int threads) const {
    const EncodedValues& s = data.columns[sensitive_];
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](size_t r) { return s.IsMissing(r); }), rows.end());
    Score score;
    score.targets = rows.size();
    if (rows.empty() || guesses_.empty()) return score;
    std::vector<float> queries = space_.Encode(data, rows);
    std::vector<uint8_t> right(rows.size()), baseline_right(rows.size()), exact(rows.size());
    ParallelFor(
        rows.size(), threads,
        [&](size_t i) {
          float distance;
          size_t cell;
          index_->Nearest(queries.data() + i * space_.dims(), 1, &distance, &cell);
          const double truth = numeric_ ? s.values[rows[i]] : s.codes[rows[i]];
          right[i] = Right(guesses_[cell], truth);
          baseline_right[i] = Right(baseline_, truth);
          exact[i] = distance == 0;
        },
        16);
    for (size_t i = 0; i < rows.size(); ++i) {
      score.right += right[i];
      score.baseline_right += baseline_right[i];
      score.exact += exact[i];
    }
    return score;
  }

 private:
  bool Right(double guess, double truth) const {
    return numeric_ ? std::fabs(guess - truth) <= tolerance_ : guess == truth;
  }

  // The most common code; the smallest among ties.
  static double Mode(const std::unordered_map<int32_t, size_t>& counts) {
    int32_t best = -1;
    size_t most = 0;
    for (const auto& [code, n] : counts) {
      if (n > most || (n == most && code < best)) {
        best = code;
        most = n;
      }
    }
    return best;
  }

  // The centre of the window of width 2 × tolerance that holds the most
  // values (the leftmost such window): the best single numeric guess.
  double DensestWindow(std::vector<double> v) const {
    if (v.empty()) return kNaN;
    std::sort(v.begin(), v.end());
    size_t best = 0, most = 0, hi = 0;
    for (size_t lo = 0; lo < v.size(); ++lo) {
      hi = std::max(hi, lo);
      while (hi < v.size() && v[hi] - v[lo] <= 2 * tolerance_) ++hi;
      if (hi - lo > most) {
        most = hi - lo;
        best = lo;
      }
    }
    return v[best] + tolerance_;
  }

  GowerSpace space_;
  size_t sensitive_;
  double tolerance_;
  bool numeric_ = false;
  std::vector<double> guesses_;  // per cell: a code, or a value
  double baseline_ = kNaN;
  std::unique_ptr<NeighbourIndex> index_;
};

AttributeInferenceResult InferAttributes(const TableSet& table, const std::vector<size_t>& quasi, size_t sensitive,
                                         const PrivacyOptions& options, const std::string& scope) {
  AttributeInferenceResult a;
  a.computed = true;
  a.quasi = options.quasi;
  a.sensitive = options.sensitive;
  const ColumnEncoding& column = table.columns[sensitive];
  a.numeric = IsContinuous(column.kind);
  if (a.numeric) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : table.real.columns[sensitive].values) {
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    a.tolerance = hi > lo ? kAttributeTolerance * (hi - lo) : 0;
  }
  CellAttacker attacker(table, quasi, sensitive, a.tolerance, DeriveKey(options.seed, scope, "aia-pivots"));
  a.cells = attacker.cells();
  const double guess = attacker.baseline_guess();
  if (std::isnan(guess)) {
    a.baseline_guess = "";
  } else if (a.numeric) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%g", guess);
    a.baseline_guess = buffer;
  } else {
    a.baseline_guess = column.labels[static_cast<size_t>(guess)];
  }
  auto share = [](size_t part, size_t whole) { return whole ? static_cast<double>(part) / whole : kNaN; };
  CellAttacker::Score members = attacker.Attack(
      table.real, SampleRows(table.real.rows, options.attack_sample, DeriveKey(options.seed, scope, "aia-members")),
      options.threads);
  a.targets = members.targets;
  a.accuracy = share(members.right, members.targets);
  a.baseline = share(members.baseline_right, members.targets);
  a.lift = a.baseline > 0 ? a.accuracy / a.baseline : kNaN;
  a.exact_match_share = share(members.exact, members.targets);
  a.holdout_accuracy = a.holdout_baseline = kNaN;
  if (table.holdout) {
    CellAttacker::Score others = attacker.Attack(
        *table.holdout,
        SampleRows(table.holdout->rows, options.attack_sample, DeriveKey(options.seed, scope, "aia-non-members")),
        options.threads);
    a.holdout_targets = others.targets;
    a.holdout_accuracy = share(others.right, others.targets);
    a.holdout_baseline = share(others.baseline_right, others.targets);
  }
  return a;
}

}  // namespace

GowerSpace::GowerSpace(const TableSet& table) {
  // Discrete columns first: a mismatch adds a whole 1, so the early exit in
  // Distance comes sooner.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      ColumnKind kind = table.columns[c].kind;
      if (kind == ColumnKind::kId || IsContinuous(kind) != (pass == 1)) continue;
      AddColumn(table, c);
    }
  }
}

GowerSpace::GowerSpace(const TableSet& table, const std::vector<size_t>& columns) {
  for (size_t c : columns) AddColumn(table, c);
}

void GowerSpace::AddColumn(const TableSet& table, size_t c) {
  columns_.push_back(c);
  double offset = 0, scale = 1;
  bool continuous = IsContinuous(table.columns[c].kind);
  if (continuous) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : table.real.columns[c].values) {
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (hi > lo) {
      offset = lo;
      scale = 1.0 / (hi - lo);
    } else {
      continuous = false;  // R = 0: equal or not, like a category
    }
  }
  continuous_.push_back(continuous);
  offset_.push_back(offset);
  scale_.push_back(scale);
}

std::vector<float> GowerSpace::Encode(const TableData& data, const std::vector<size_t>& rows) const {
  const size_t d = dims();
  std::vector<float> out(rows.size() * d);
  for (size_t j = 0; j < d; ++j) {
    const EncodedValues& column = data.columns[columns_[j]];
    for (size_t i = 0; i < rows.size(); ++i) {
      float v;
      if (column.codes.empty()) {
        double x = column.values[rows[i]];
        v = std::isnan(x) ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>((x - offset_[j]) * scale_[j]);
      } else {
        int32_t code = column.codes[rows[i]];
        v = code < 0 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(code);
      }
      out[i * d + j] = v;
    }
  }
  return out;
}

float GowerSpace::Distance(const float* a, const float* b, float bound) const {
  const size_t d = dims();
  if (d == 0) return 0;
  const float limit = bound * static_cast<float>(d);
  float sum = 0;
  for (size_t j = 0; j < d; ++j) {
    const float x = a[j], y = b[j];
    float dj;
    if (x == y) {
      dj = 0;
    } else if (std::isnan(x) || std::isnan(y)) {
      dj = std::isnan(x) && std::isnan(y) ? 0.0f : 1.0f;
    } else {
      dj = continuous_[j] ? std::min(1.0f, std::fabs(x - y)) : 1.0f;
    }
    sum += dj;
    if (sum > limit) break;
  }
  return sum / static_cast<float>(d);
}

NeighbourIndex::NeighbourIndex(const GowerSpace& space, std::vector<float> rows, uint64_t seed)
    : space_(space), d_(space.dims()) {
  n_ = d_ == 0 ? 0 : rows.size() / d_;
  if (n_ == 0) return;
  pivots_used_ = static_cast<int>(std::min<size_t>(kPivots, n_));
  // Pivots: one random row, then farthest-first over a sample (pivots far
  // apart and near the edge of the data prune best).
  RandomStream rng(DeriveKey(seed, "report", "pivots"), 0);
  std::vector<size_t> candidates = SampleRows(n_, 2000, DeriveKey(seed, "report", "pivot-candidates"));
  std::vector<float> nearest_pivot(candidates.size(), kInf);
  std::vector<size_t> chosen = {static_cast<size_t>(rng.Below(n_))};
  while (static_cast<int>(chosen.size()) < pivots_used_) {
    const float* last = &rows[chosen.back() * d_];
    size_t best = 0;
    float best_distance = -1;
    for (size_t i = 0; i < candidates.size(); ++i) {
      nearest_pivot[i] = std::min(nearest_pivot[i], space_.Distance(last, &rows[candidates[i] * d_], kInf));
      if (nearest_pivot[i] > best_distance) {
        best_distance = nearest_pivot[i];
        best = candidates[i];
      }
    }
    chosen.push_back(best);
  }
  pivots_.resize(kPivots * d_);
  for (int p = 0; p < pivots_used_; ++p) {
    std::copy_n(&rows[chosen[p] * d_], d_, &pivots_[p * d_]);
  }
  std::vector<float> distances(n_ * kPivots, 0.0f);
  for (size_t r = 0; r < n_; ++r) {
    for (int p = 0; p < pivots_used_; ++p) {
      distances[r * kPivots + p] = space_.Distance(&pivots_[p * d_], &rows[r * d_], kInf);
    }
  }
  std::vector<size_t> order(n_);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return distances[x * kPivots] < distances[y * kPivots]; });
  rows_.resize(n_ * d_);
  pivot_dist_.resize(n_ * kPivots);
  original_ = order;
  for (size_t i = 0; i < n_; ++i) {
    std::copy_n(&rows[order[i] * d_], d_, &rows_[i * d_]);
    std::copy_n(&distances[order[i] * kPivots], kPivots, &pivot_dist_[i * kPivots]);
  }
}

void NeighbourIndex::Nearest(const float* query, int k, float* out, size_t* nearest) const {
  float best[2] = {kInf, kInf};
  size_t best_row = 0;
  if (n_ > 0) {
    float dq[kPivots] = {};
    for (int p = 0; p < pivots_used_; ++p) dq[p] = space_.Distance(query, &pivots_[p * d_], kInf);
    // First row whose first-pivot distance is >= the query's.
    size_t lo_end = 0, hi_end = n_;
    while (lo_end < hi_end) {
      size_t mid = (lo_end + hi_end) / 2;
      if (pivot_dist_[mid * kPivots] < dq[0]) {
        lo_end = mid + 1;
      } else {
        hi_end = mid;
      }
    }
    ptrdiff_t lo = static_cast<ptrdiff_t>(lo_end) - 1;
    size_t hi = lo_end;
    while (true) {
      const float bound = best[k - 1] + kSlack;
      const float gap_lo = lo >= 0 ? dq[0] - pivot_dist_[lo * kPivots] : kInf;
      const float gap_hi = hi < n_ ? pivot_dist_[hi * kPivots] - dq[0] : kInf;
      const bool lo_ok = gap_lo <= bound, hi_ok = gap_hi <= bound;
      if (!lo_ok && !hi_ok) break;  // every remaining row is farther than the best
      size_t r = lo_ok && (!hi_ok || gap_lo <= gap_hi) ? static_cast<size_t>(lo--) : hi++;
      const float* pd = &pivot_dist_[r * kPivots];
      bool pruned = false;
      for (int p = 1; p < pivots_used_; ++p) {
        if (std::fabs(dq[p] - pd[p]) > bound) {
          pruned = true;
          break;
        }
      }
      if (pruned) continue;
      float dist = space_.Distance(query, &rows_[r * d_], best[k - 1]);
      if (dist < best[0]) {
        best[1] = best[0];
        best[0] = dist;
        best_row = r;
      } else if (k > 1 && dist < best[1]) {
        best[1] = dist;
      }
    }
  }
  for (int i = 0; i < k; ++i) out[i] = best[i];
  if (nearest != nullptr) *nearest = n_ > 0 ? original_[best_row] : 0;
}

PrivacyResult EvaluatePrivacy(const TableSet& table, const PrivacyOptions& options) {
  PrivacyResult result;
  result.table = table.name;
  result.train_rows = table.real.rows;
  result.synthetic_rows = table.synthetic.rows;
  result.has_holdout = table.holdout.has_value();
  result.holdout_rows = result.has_holdout ? table.holdout->rows : 0;
  GowerSpace space(table);
  for (size_t c : space.columns()) result.columns.push_back(table.columns[c].name);
  const std::string scope = "report/privacy/" + table.name;

  // Exact copies, over every row.
  std::unordered_set<uint64_t> train_rows;
  train_rows.reserve(table.real.rows);
  for (size_t r = 0; r < table.real.rows; ++r) train_rows.insert(RowHash(table.real, space.columns(), r));
  for (size_t r = 0; r < table.synthetic.rows; ++r) {
    result.exact_copies += train_rows.count(RowHash(table.synthetic, space.columns(), r));
  }
  result.exact_copy_rate = table.synthetic.rows ? static_cast<double>(result.exact_copies) / table.synthetic.rows : kNaN;
  result.holdout_copy_rate = kNaN;
  if (result.has_holdout && table.holdout->rows > 0) {
    size_t copies = 0;
    for (size_t r = 0; r < table.holdout->rows; ++r) {
      copies += train_rows.count(RowHash(*table.holdout, space.columns(), r));
    }
    result.holdout_copy_rate = static_cast<double>(copies) / table.holdout->rows;
  }
  train_rows = {};

  // Distances to the closest train rows.
  std::vector<size_t> all_train(table.real.rows);
  std::iota(all_train.begin(), all_train.end(), 0);
  NeighbourIndex train_index(space, space.Encode(table.real, all_train), options.seed);
  auto nearest_two = [&](const TableData& data, const std::vector<size_t>& rows, std::vector<double>& dcr,
                         std::vector<double>& nndr) {
    std::vector<float> queries = space.Encode(data, rows);
    dcr.assign(rows.size(), kNaN);
    nndr.assign(rows.size(), kNaN);
    ParallelFor(
        rows.size(), options.threads,
        [&](size_t i) {
          float best[2];
          train_index.Nearest(queries.data() + i * space.dims(), 2, best);
          dcr[i] = best[0];
          if (std::isfinite(best[1])) nndr[i] = best[1] == 0 ? 1.0 : best[0] / best[1];
        },
        16);
  };
  std::vector<double> syn_dcr, syn_nndr, hold_dcr, hold_nndr;
  std::vector<size_t> syn_rows = SampleRows(table.synthetic.rows, options.dcr_sample,
                                            DeriveKey(options.seed, scope, "dcr-synthetic"));
  nearest_two(table.synthetic, syn_rows, syn_dcr, syn_nndr);
  result.dcr_synthetic = Summarize(syn_dcr);
  result.nndr_synthetic = Summarize(syn_nndr);
  result.dcr_threshold = result.dcr_share_below = result.mia_auc = kNaN;
  result.dcr_holdout = result.nndr_holdout = Summarize({});
  if (result.has_holdout && table.holdout->rows > 0 && table.real.rows > 0) {
    std::vector<size_t> hold_rows = SampleRows(table.holdout->rows, options.dcr_sample,
                                               DeriveKey(options.seed, scope, "dcr-holdout"));
    nearest_two(*table.holdout, hold_rows, hold_dcr, hold_nndr);
    result.dcr_holdout = Summarize(hold_dcr);
    result.nndr_holdout = Summarize(hold_nndr);
    result.dcr_threshold = result.dcr_holdout.p5;
    size_t below = 0;
    for (double d : syn_dcr) below += d < result.dcr_threshold;
    result.dcr_share_below = syn_dcr.empty() ? kNaN : static_cast<double>(below) / syn_dcr.size();

    // Membership inference: distance of members / non-members to the
    // nearest synthetic row.
    size_t m = std::min({options.attack_sample, table.real.rows, table.holdout->rows});
    if (m > 0 && table.synthetic.rows > 0) {
      std::vector<size_t> all_syn(table.synthetic.rows);
      std::iota(all_syn.begin(), all_syn.end(), 0);
      NeighbourIndex syn_index(space, space.Encode(table.synthetic, all_syn), options.seed + 1);
      auto attack = [&](const TableData& data, const std::string& name) {
        std::vector<size_t> rows = SampleRows(data.rows, m, DeriveKey(options.seed, scope, name));
        std::vector<float> queries = space.Encode(data, rows);
        std::vector<double> scores(rows.size());
        ParallelFor(
            rows.size(), options.threads,
            [&](size_t i) {
              float best;
              syn_index.Nearest(queries.data() + i * space.dims(), 1, &best);
              scores[i] = -best;  // nearer to a synthetic row = more likely a member
            },
            16);
        return scores;
      };
      std::vector<double> members = attack(table.real, "attack-members");
      std::vector<double> non_members = attack(*table.holdout, "attack-non-members");
      result.mia_members = m;
      result.mia_auc = RocAuc(members, non_members);
    }
  }

  // k-anonymity and l-diversity.
  if (!options.quasi.empty()) {
    AnonymityResult& a = result.anonymity;
    std::vector<size_t> quasi;
    for (const std::string& name : options.quasi) {
      int c = table.Find(name);
      if (c < 0) throw UsageError("--quasi: table '" + table.name + "' has no column '" + name + "'");
      quasi.push_back(c);
    }
    int sensitive = -1;
    if (!options.sensitive.empty()) {
      sensitive = table.Find(options.sensitive);
      if (sensitive < 0) {
        throw UsageError("--sensitive: table '" + table.name + "' has no column '" + options.sensitive + "'");
      }
    }
    a.computed = true;
    a.quasi = options.quasi;
    a.sensitive = options.sensitive;
    GroupStats s = Groups(table.synthetic, quasi, sensitive), r = Groups(table.real, quasi, sensitive);
    a.k_synthetic = s.k;
    a.groups_synthetic = s.groups;
    a.below5_synthetic = s.below5;
    a.l_synthetic = s.l;
    a.k_real = r.k;
    a.groups_real = r.groups;
    a.below5_real = r.below5;
    a.l_real = r.l;
    if (sensitive >= 0) {
      if (std::find(quasi.begin(), quasi.end(), static_cast<size_t>(sensitive)) != quasi.end()) {
        throw UsageError("--sensitive " + options.sensitive + " is also a quasi-identifier; name it once");
      }
      result.attribute_inference = InferAttributes(table, quasi, sensitive, options, scope);
    }
  }
  return result;
}

}  // namespace seedforge::eval
