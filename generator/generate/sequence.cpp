// Ordered histories (docs/domain-files.md, "Ordered histories"): columns
// whose values follow the row's place among its parent's children.
//   sequence: true    the k-th of n children takes the k-th order statistic
//                     of n uniform draws over the window: S_k / S_{n+1} of
//                     sums of exponential spacings (Devroye, Non-Uniform
//                     Random Variate Generation, 1986, V.2), drawn from a
//                     stream keyed by the parent row;
//   sequence: true    on a learned column: each child's value drawn by the
//                     model as usual, then the k-th child takes the k-th
//                     smallest of its siblings' (made again when the batch
//                     holds only some of them);
//   sequence: {gap}   the first child's drawn value, then delays drawn from
//                     each row's own stream, scaled down to fit the window;
//   step_of           the funnel state at the row's ordinal;
//   next_of           a column of the next sibling, made again from its key.
// Every value is a function of (seed, entity, row): a batch that starts in
// the middle of a parent's children walks that parent's children from its
// first, once per batch, which costs O(children) per parent.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "generate/engine.h"
#include "seedforge/calendar.h"
#include "seedforge/random.h"

namespace seedforge {

void Generator::Impl::PlanHistories(int e) {
  const DomainEntity& def = domain.entities[e];
  EntityState& state = states[e];
  auto add = [&](HistoryStep history, int needs_column) {
    const int c = history.column;
    state.histories.push_back(std::move(history));
    const int step = static_cast<int>(state.steps.size());
    std::vector<int> needs;
    if (needs_column >= 0) needs.push_back(state.column_step[needs_column]);
    state.steps.push_back({Step::Kind::kHistory, static_cast<int>(state.histories.size()) - 1, {c}, needs});
    state.column_step[c] = step;
  };
  // Sequences first: they take their column over from its draw (and rule)
  // step, so that a next_of reading the column reads the ordered values.
  for (size_t c = 0; c < def.columns.size(); ++c) {
    const DomainColumn& col = def.columns[c];
    if (!col.sequence) continue;
    HistoryStep history;
    history.kind = col.sequence->gaps                       ? HistoryStep::Kind::kGaps
                   : col.source == ColumnSource::kLearned ? HistoryStep::Kind::kSorted
                                                          : HistoryStep::Kind::kSpread;
    history.column = static_cast<int>(c);
    history.link = def.CountingLink();
    history.key = DeriveKey(options.seed, def.name, "sequence:" + col.name);
    for (size_t r = 0; r < state.rules.size(); ++r) {
      if (state.rules[r].column == static_cast<int>(c)) history.rule = static_cast<int>(r);
    }
    add(std::move(history), static_cast<int>(c));
  }
  for (size_t c = 0; c < def.columns.size(); ++c) {
    const DomainColumn& col = def.columns[c];
    if (col.source != ColumnSource::kStep && col.source != ColumnSource::kNextOf) continue;
    HistoryStep history;
    history.kind = col.source == ColumnSource::kStep ? HistoryStep::Kind::kStep : HistoryStep::Kind::kNextOf;
    history.column = static_cast<int>(c);
    history.link = col.link;
    history.source = col.next_of_column;
    add(std::move(history), -1);
  }
  // A next_of may read a column whose step comes later in this list.
  for (size_t s = 0; s < state.steps.size(); ++s) {
    if (state.steps[s].kind != Step::Kind::kHistory) continue;
    const HistoryStep& history = state.histories[state.steps[s].index];
    if (history.kind == HistoryStep::Kind::kNextOf) state.steps[s].needs = {state.column_step[history.source]};
  }
}

void Generator::Impl::FinishHistories(int e) {
  const DomainEntity& def = domain.entities[e];
  EntityState& state = states[e];
  for (size_t s = 0; s < state.steps.size(); ++s) {
    if (state.steps[s].kind != Step::Kind::kHistory) continue;
    HistoryStep& history = state.histories[state.steps[s].index];
    const int c = history.column;
    const DomainColumn& col = def.columns[c];
    // The steps that make what this one reads, for rows made again.
    history.before.assign(state.steps.size(), false);
    std::function<void(int)> need = [&](int n) {
      if (history.before[n]) return;
      history.before[n] = true;
      for (int m : state.steps[n].needs) need(m);
    };
    for (int n : state.steps[s].needs) need(n);
    const ValueKind kind = kinds[e][c];
    switch (history.kind) {
      case HistoryStep::Kind::kStep:
      case HistoryStep::Kind::kSorted: break;
      case HistoryStep::Kind::kNextOf:
        kinds[e][c] = kinds[e][history.source];
        scales[e][c] = scales[e][history.source];
        history.offset = static_cast<int64_t>(col.next_of_days) * (kinds[e][c] == ValueKind::kTimestamp ? kMicrosPerDay : 1);
        break;
      case HistoryStep::Kind::kSpread:
      case HistoryStep::Kind::kGaps: {
        auto range = DrawnRange(e, c);
        if (!range) {
          throw InputError(col.sequence->where, "column '" + def.name + "." + col.name + "': 'sequence' spreads "
                                                "values over the window its provider draws from, and provider '" +
                                                col.provider + "' has none (give it from/to or min/max)");
        }
        history.range = *range;
        history.unit = kind == ValueKind::kTimestamp ? 1'000'000 : 1;
        // Delays in steps of `unit`: whole seconds, days, or the number
        // in the column's decimals.
        auto steps = [&](const ColumnSequence::Delay& delay) {
          long double amount = delay.amount;
          if (delay.unit == ColumnSequence::Delay::Unit::kDays && kind == ValueKind::kTimestamp) amount *= 86400;
          if (kind == ValueKind::kDecimal) amount *= std::pow(10.0L, scales[e][c]);
          return static_cast<int64_t>(std::llround(std::min(amount, 9.0e18L / history.unit)));
        };
        history.gap_min = steps(col.sequence->gap_min);
        history.gap_max = std::max(history.gap_min, steps(col.sequence->gap_max));
        break;
      }
    }
  }
}

const std::vector<int64_t>& Generator::Impl::BatchOrdinals(int e, int link, std::span<const uint64_t> rows,
                                                           BatchParents& batch_parents) const {
  FindParents(states[e], link, rows, batch_parents);
  batch_parents.ordinals.resize(states[e].links.size());
  std::vector<int64_t>& ordinals = batch_parents.ordinals[link];
  if (ordinals.size() != rows.size()) {
    std::vector<uint64_t> parents;
    std::vector<uint8_t> null;
    ParentRows(states[e].links[link], rows, parents, null, &ordinals);
  }
  return ordinals;
}

void Generator::Impl::FillHistory(int e, const HistoryStep& history, std::span<const uint64_t> rows,
                                  BatchParents& batch_parents, std::vector<BatchColumn>& columns) const {
  switch (history.kind) {
    case HistoryStep::Kind::kSpread:
    case HistoryStep::Kind::kGaps: FillSequence(e, history, rows, batch_parents, columns); break;
    case HistoryStep::Kind::kSorted: FillSorted(e, history, rows, batch_parents, columns); break;
    case HistoryStep::Kind::kNextOf: FillNextOf(e, history, rows, batch_parents, columns); break;
    case HistoryStep::Kind::kStep: {
      const std::vector<int64_t>& ordinals = BatchOrdinals(e, history.link, rows, batch_parents);
      const std::vector<std::string>& names = states[e].links[history.link].per_parent.states;
      BatchColumn& out = columns[history.column];
      PrepareColumn(out, ValueKind::kText, 0, rows.size());
      // A funnel parent has at most one child per state (its count is
      // clamped to the number of states).
      for (size_t i = 0; i < rows.size(); ++i) out.texts[i] = names[static_cast<size_t>(ordinals[i] - 1)];
      break;
    }
  }
}

namespace {

constexpr int64_t kNoLower = std::numeric_limits<int64_t>::min();
constexpr int64_t kNoUpper = std::numeric_limits<int64_t>::max();

// Division rounding towards plus infinity.
int64_t CeilDiv(int64_t a, int64_t b) { return -FloorDiv(-a, b); }

}  // namespace

template <typename Run>
void Generator::Impl::ForEachSiblingRun(const LinkStep& link, const std::vector<uint64_t>& parents, Run run) const {
  ChildGroups groups(*this, link);
  bool positioned = false;
  for (size_t i = 0; i < parents.size();) {
    size_t j = i + 1;
    while (j < parents.size() && parents[j] == parents[i]) ++j;
    const uint64_t p = parents[i];
    if (!positioned || p < groups.parent || p / kParentBlock != groups.parent / kParentBlock) {
      groups.SeekParent(p);
      positioned = true;
    }
    while (groups.parent < p) groups.Next();
    run(i, j, groups.count);
    i = j;
  }
}

void Generator::Impl::FillSequence(int e, const HistoryStep& history, std::span<const uint64_t> rows,
                                   BatchParents& batch_parents, std::vector<BatchColumn>& columns) const {
  const EntityState& state = states[e];
  const LinkStep& link = state.links[history.link];
  const size_t n = rows.size();
  const std::vector<int64_t>& ordinals = BatchOrdinals(e, history.link, rows, batch_parents);
  const std::vector<uint64_t>& parents = batch_parents.rows[history.link];
  BatchColumn& out = columns[history.column];
  const bool nullable = !domain.entities[e].columns[history.column].not_null;
  // The window of each row: what the provider draws, narrowed by the
  // column's rules (the same for all siblings: validated). Where the rules'
  // window misses the provider's, the rules' alone, as a rule's redraw does.
  std::vector<int64_t> low(n, history.range.first), high(n, history.range.second);
  if (history.rule >= 0) {
    // Found by the rule's step, which came first (a need of this one).
    const auto& [rule_low, rule_high] = batch_parents.rule_windows[history.rule];
    for (size_t i = 0; i < n; ++i) {
      const int64_t lo = std::max(low[i], rule_low[i]), hi = std::min(high[i], rule_high[i]);
      if (lo <= hi || rule_low[i] > rule_high[i]) {
        low[i] = lo;
        high[i] = hi;
      } else {
        // A window open on one side that misses the provider's: its bound.
        low[i] = rule_low[i] != kNoLower ? rule_low[i] : rule_high[i];
        high[i] = rule_high[i] != kNoUpper ? rule_high[i] : rule_low[i];
      }
    }
  }
  // Gaps: the first child's value as drawn (and moved by rules), made again
  // for runs that start past the first child.
  std::vector<int64_t> first_value(n, 0);
  std::vector<uint8_t> first_null(n, 0);
  if (history.kind == HistoryStep::Kind::kGaps) {
    std::vector<uint64_t> first_rows;
    std::vector<size_t> first_at;
    for (size_t i = 0; i < n; ++i) {
      first_value[i] = out.ints[i];
      first_null[i] = out.IsNull(i);
      if (ordinals[i] != 1 && (i == 0 || parents[i] != parents[i - 1])) {
        first_rows.push_back(rows[i] - static_cast<uint64_t>(ordinals[i] - 1));
        first_at.push_back(i);
      }
    }
    if (!first_rows.empty()) {
      std::vector<BatchColumn> made;
      std::vector<uint32_t> index;
      Regenerate(e, first_rows, history.before, made, index);
      for (size_t k = 0; k < first_rows.size(); ++k) {
        first_value[first_at[k]] = made[history.column].ints[index[k]];
        first_null[first_at[k]] = made[history.column].IsNull(index[k]);
      }
    }
  }
  const int64_t unit = history.unit;
  std::vector<long double> at_ordinal;  // per row of the run: S_k, or the delays' sum up to k
  // Each parent's number of children as the plan counts it (scaled when
  // --rows names this entity).
  ForEachSiblingRun(link, parents, [&](size_t i, size_t j, uint64_t count) {
    const uint64_t p = parents[i];
    const int64_t children = static_cast<int64_t>(count);
    const int64_t first_ordinal = ordinals[i], last_ordinal = ordinals[j - 1];
    at_ordinal.assign(static_cast<size_t>(last_ordinal - first_ordinal + 1), 0);
    long double total = 0;
    if (history.kind == HistoryStep::Kind::kSpread) {
      // S_k = E_1 + ... + E_k, exponential spacings from the parent's stream.
      RandomStream random(history.key, p);
      for (int64_t k = 1; k <= children + 1; ++k) {
        total += -std::log1p(-random.Uniform());
        if (k >= first_ordinal && k <= last_ordinal) at_ordinal[k - first_ordinal] = total;
      }
    } else {
      // Delays before children 2..n, each from its own row's stream.
      const uint64_t first_row = rows[i] - static_cast<uint64_t>(first_ordinal - 1);
      for (int64_t k = 2; k <= children; ++k) {
        RandomStream random(history.key, first_row + static_cast<uint64_t>(k - 1));
        total += static_cast<long double>(random.Between(history.gap_min, history.gap_max));
        if (k >= first_ordinal && k <= last_ordinal) at_ordinal[k - first_ordinal] = total;
      }
    }
    for (size_t r = i; r < j; ++r) {
      const int64_t k = ordinals[r];
      const long double at = at_ordinal[k - first_ordinal];
      if (history.kind == HistoryStep::Kind::kGaps) {
        if (first_null[i]) {
          out.SetNull(r);
          continue;
        }
        // Scaled down to fit when the chain would pass the upper bound.
        const int64_t base = first_value[i];
        const long double room = high[i] >= base ? static_cast<long double>(FloorDiv(high[i] - base, unit)) : 0;
        const long double steps = total > room ? std::floor(at * room / total) : at;
        out.ints[r] = base + static_cast<int64_t>(steps) * unit;
        continue;
      }
      if (low[i] > high[i]) {
        // An empty window: as a rule does, NULL where allowed, else its lower bound.
        if (nullable) {
          out.SetNull(r);
        } else {
          out.ints[r] = low[i];
        }
        continue;
      }
      const int64_t first = CeilDiv(low[i], unit), last = FloorDiv(high[i], unit);
      if (first > last) {
        out.ints[r] = low[i];
        continue;
      }
      // Order statistics over the window; shifted by k - 1 steps over a
      // window narrowed by n - 1, so that siblings differ where it has room.
      const long double u = total > 0 ? std::min(at / total, 1.0L) : 0;
      const int64_t width = last - first;
      const int64_t value = width >= children - 1
                                ? first + (k - 1) + static_cast<int64_t>(std::floor(u * (width - (children - 1))))
                                : first + static_cast<int64_t>(std::floor(u * width));
      out.ints[r] = std::min(value, last) * unit;
    }
  });
}

void Generator::Impl::FillSorted(int e, const HistoryStep& history, std::span<const uint64_t> rows,
                                 BatchParents& batch_parents, std::vector<BatchColumn>& columns) const {
  const std::vector<int64_t>& ordinals = BatchOrdinals(e, history.link, rows, batch_parents);
  const std::vector<uint64_t>& parents = batch_parents.rows[history.link];
  BatchColumn& out = columns[history.column];
  const bool floats = out.kind == ValueKind::kFloat;
  struct Drawn {
    bool null;
    int64_t number;
    double real;
  };
  auto before = [](const Drawn& a, const Drawn& b) {  // NULLs last
    if (a.null != b.null) return b.null;
    return a.number != b.number ? a.number < b.number : a.real < b.real;
  };
  auto drawn = [&](const BatchColumn& from, size_t at) {
    return Drawn{from.IsNull(at), floats ? 0 : from.ints[at], floats ? from.floats[at] : 0.0};
  };
  std::vector<Drawn> siblings;
  ForEachSiblingRun(states[e].links[history.link], parents, [&](size_t i, size_t j, uint64_t children) {
    siblings.clear();
    // The batch holds them all when its run is rows first..first+n-1 in order
    // (a copy's parents made again come in any order, with repeats).
    bool whole = ordinals[i] == 1 && j - i == children;
    for (size_t r = i + 1; whole && r < j; ++r) whole = rows[r] == rows[r - 1] + 1 && ordinals[r] == ordinals[r - 1] + 1;
    if (whole) {
      for (size_t r = i; r < j; ++r) siblings.push_back(drawn(out, r));
    } else {
      // Some siblings lie outside the batch: all of them made again.
      std::vector<uint64_t> sibling_rows(children);
      const uint64_t first_row = rows[i] - static_cast<uint64_t>(ordinals[i] - 1);
      for (uint64_t k = 0; k < children; ++k) sibling_rows[k] = first_row + k;
      std::vector<BatchColumn> made;
      std::vector<uint32_t> index;
      Regenerate(e, sibling_rows, history.before, made, index);
      for (uint64_t k = 0; k < children; ++k) siblings.push_back(drawn(made[history.column], index[k]));
    }
    std::stable_sort(siblings.begin(), siblings.end(), before);
    for (size_t r = i; r < j; ++r) {
      const Drawn& v = siblings[static_cast<size_t>(ordinals[r] - 1)];
      if (v.null) {
        out.SetNull(r);
      } else if (floats) {
        if (!out.nulls.empty()) out.nulls[r] = 0;
        out.floats[r] = v.real;
      } else {
        if (!out.nulls.empty()) out.nulls[r] = 0;
        out.ints[r] = v.number;
      }
    }
  });
}

void Generator::Impl::FillNextOf(int e, const HistoryStep& history, std::span<const uint64_t> rows,
                                 BatchParents& batch_parents, std::vector<BatchColumn>& columns) const {
  const EntityState& state = states[e];
  const size_t n = rows.size();
  FindParents(state, history.link, rows, batch_parents);
  const std::vector<uint64_t>& parents = batch_parents.rows[history.link];
  const int c = history.column;
  BatchColumn& out = columns[c];
  PrepareColumn(out, kinds[e][c], scales[e][c], n);
  auto take = [&](size_t i, const BatchColumn& from, size_t at) {
    if (from.IsNull(at)) {
      out.SetNull(i);
    } else if (out.kind == ValueKind::kFloat) {
      out.floats[i] = from.floats[at];
    } else {
      out.ints[i] = from.ints[at] + history.offset;
    }
  };
  // The next row is mostly in the batch; the rest (a batch's last row) are
  // made again, with their parents, and must share the row's parent.
  std::vector<uint64_t> missing;
  std::vector<size_t> missing_at;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t next = rows[i] + 1;
    if (next >= plans[e].rows) {
      out.SetNull(i);
    } else if (i + 1 < n && rows[i + 1] == next) {
      if (parents[i + 1] == parents[i]) {
        take(i, columns[history.source], i + 1);
      } else {
        out.SetNull(i);
      }
    } else {
      missing.push_back(next);
      missing_at.push_back(i);
    }
  }
  if (missing.empty()) return;
  std::vector<BatchColumn> made;
  std::vector<uint32_t> index;
  Regenerate(e, missing, history.before, made, index);
  std::vector<uint64_t> next_parents;
  std::vector<uint8_t> null;
  ParentRows(state.links[history.link], missing, next_parents, null);
  for (size_t k = 0; k < missing.size(); ++k) {
    if (next_parents[k] == parents[missing_at[k]]) {
      take(missing_at[k], made[history.source], index[k]);
    } else {
      out.SetNull(missing_at[k]);
    }
  }
}

}  // namespace seedforge
