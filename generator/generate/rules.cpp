// Date rules across entities: planning the chains of links a rule reads,
// and narrowing a column's values to the window its bounds leave
// (docs/domain-files.md, "Rules across entities").
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "generate/engine.h"
#include "seedforge/calendar.h"
#include "seedforge/random.h"

namespace seedforge {

std::vector<bool> Generator::Impl::StepsMaking(int entity, const std::vector<int>& columns) const {
  const EntityState& state = states[entity];
  std::vector<bool> steps(state.steps.size(), false);
  std::function<void(int)> need = [&](int s) {
    if (steps[s]) return;
    steps[s] = true;
    for (int n : state.steps[s].needs) need(n);
  };
  for (int c : columns) need(state.column_step[c]);
  return steps;
}

void Generator::Impl::PlanSource(int e, RuleSource& source, const std::vector<int>& read) const {
  // Which steps of each entity the chain of links makes again: the columns
  // read at its end, and the nullable links' columns on the way.
  int entity = e;
  for (int l : source.path) {
    const DomainEntity& def = domain.entities[entity];
    RuleHop hop;
    hop.entity = entity;
    hop.link = l;
    hop.nullable = true;
    for (int c : states[entity].links[l].child_columns) hop.nullable = hop.nullable && !def.columns[c].not_null;
    if (hop.nullable && entity != e) hop.link_steps = StepsMaking(entity, states[entity].links[l].child_columns);
    source.hops.push_back(std::move(hop));
    entity = states[entity].links[l].parent;
  }
  source.steps = StepsMaking(source.target, read);
}

void Generator::Impl::PlanRules(int e) {
  for (RuleStep& rule : states[e].rules) {
    for (size_t s = 0; s < rule.sources.size(); ++s) {
      RuleSource& source = rule.sources[s];
      if (source.path.empty()) continue;
      std::vector<int> read;
      for (const RuleBound& bound : rule.bounds) {
        if (bound.source == static_cast<int>(s)) read.push_back(bound.column);
      }
      PlanSource(e, source, read);
    }
  }
}

std::optional<std::pair<int64_t, int64_t>> Generator::Impl::DrawnRange(int e, int c) const {
  const EntityState& state = states[e];
  const DomainColumn& col = domain.entities[e].columns[c];
  std::optional<ValueRange> range;
  ValueKind drawn = kinds[e][c];
  if (col.source == ColumnSource::kProvider) {
    for (const ProviderStep& p : state.providers) {
      for (size_t f = 0; f < p.field_column.size(); ++f) {
        if (p.field_column[f] == c) range = p.provider->Range(f, std::max<uint64_t>(plans[e].rows, 1));
      }
    }
  } else if (col.source == ColumnSource::kLearned && state.learned.source) {
    const int m = state.learned.model_column[c];
    range = state.learned.source->Range(m);
    drawn = state.learned.source->Columns()[m].second;
  }
  if (!range) return std::nullopt;
  // Decimals are stored in units of 10^-scale; providers give numbers.
  if (kinds[e][c] == ValueKind::kDecimal && drawn == ValueKind::kDecimal) {
    const long double unit = std::pow(10.0L, scales[e][c]);
    range = ValueRange{range->min * unit, range->max * unit};
  }
  if (!(range->min >= -9.2e18L && range->max <= 9.2e18L)) return std::nullopt;
  int64_t low = static_cast<int64_t>(std::ceil(range->min)), high = static_cast<int64_t>(std::floor(range->max));
  if (drawn == ValueKind::kTimestamp && kinds[e][c] == ValueKind::kDate) {
    low = FloorDiv(low, kMicrosPerDay);
    high = FloorDiv(high, kMicrosPerDay);
  } else if (drawn == ValueKind::kDate && kinds[e][c] == ValueKind::kTimestamp) {
    low *= kMicrosPerDay;
    high = high * kMicrosPerDay + kMicrosPerDay - 1;
  }
  if (low > high) return std::nullopt;
  return std::make_pair(low, high);
}

void Generator::Impl::PlanRuleRanges(int e) {
  // A value a rule moves is redrawn where the window meets what the
  // provider or model draws (the provider redraws it, keeping its shape,
  // when it can); a column drawn in the simulation window stays in it.
  EntityState& state = states[e];
  for (RuleStep& rule : state.rules) {
    const int c = rule.column;
    rule.range = DrawnRange(e, c);
    for (const ProviderStep& p : state.providers) {
      for (size_t f = 0; f < p.field_column.size(); ++f) {
        if (p.field_column[f] != c) continue;
        rule.drawer = p.provider.get();
        rule.drawer_field = f;
      }
    }
    if (rule.range && DrawsInWindow(e, c)) rule.binding = rule.range;
  }
}

void Generator::Impl::RuleParents(const RuleSource& source, std::span<const uint64_t> rows,
                                  BatchParents& batch_parents, const std::vector<BatchColumn>& columns,
                                  std::vector<uint32_t>& reached, std::vector<uint64_t>& parents) const {
  reached.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) reached[i] = static_cast<uint32_t>(i);
  parents.assign(rows.begin(), rows.end());
  std::vector<uint64_t> next;
  std::vector<uint8_t> null;
  std::vector<BatchColumn> hop_columns;
  std::vector<uint32_t> index;
  for (size_t h = 0; h < source.hops.size(); ++h) {
    const RuleHop& hop = source.hops[h];
    const LinkStep& link = states[hop.entity].links[hop.link];
    // Rows whose link is NULL have no parent: the first hop's link columns
    // are in this batch; a later hop's are made again.
    if (hop.nullable) {
      const BatchColumn* link_column = nullptr;
      if (h == 0) {
        link_column = &columns[link.child_columns.front()];
      } else {
        Regenerate(hop.entity, parents, hop.link_steps, hop_columns, index);
        link_column = &hop_columns[link.child_columns.front()];
      }
      size_t kept = 0;
      for (size_t k = 0; k < parents.size(); ++k) {
        if (link_column->IsNull(h == 0 ? reached[k] : index[k])) continue;
        reached[kept] = reached[k];
        parents[kept++] = parents[k];
      }
      reached.resize(kept);
      parents.resize(kept);
    }
    // The first hop's parents are the batch's, found once.
    const std::vector<uint64_t>* found = &next;
    const std::vector<uint8_t>* found_null = &null;
    if (h == 0) {
      FindParents(states[hop.entity], hop.link, rows, batch_parents, &columns);
      found = &batch_parents.rows[hop.link];
      found_null = &batch_parents.null[hop.link];
    } else {
      ParentRows(link, parents, next, null);
    }
    size_t kept = 0;
    for (size_t k = 0; k < parents.size(); ++k) {
      const size_t at = h == 0 ? reached[k] : k;
      if ((*found_null)[at]) continue;
      reached[kept] = reached[k];
      parents[kept++] = (*found)[at];
    }
    reached.resize(kept);
    parents.resize(kept);
  }
}

namespace {

// The bound a rule reads, `value` of `from`'s kind plus the rule's offset,
// in `to`'s kind. A date and a timestamp compare as SQL compares them, the
// date at midnight: a timestamp as a lower bound of a date rounds up to the
// next midnight, as an upper bound down.
int64_t BoundIn(int64_t value, ValueKind from, ValueKind to, const RuleBound& bound) {
  const bool date = from == ValueKind::kDate;
  int64_t day = date ? value : FloorDiv(value, kMicrosPerDay);
  const int64_t time = date ? 0 : value - day * kMicrosPerDay;
  if (bound.years != 0) {
    int year = 0;
    unsigned month = 0, mday = 0;
    CivilFromDays(day, year, month, mday);
    day = DaysFromCivil(year + bound.years, month, mday);  // 29 February counts on to 1 March
  }
  day += bound.days;
  if (to == ValueKind::kDate) {
    if (date) return day;
    return day + (bound.side == DateRule::Side::kLower && time > 0 ? 1 : 0);
  }
  return day * kMicrosPerDay + time;
}

constexpr int64_t kNoLower = std::numeric_limits<int64_t>::min();
constexpr int64_t kNoUpper = std::numeric_limits<int64_t>::max();

// A value for a row whose drawn value `value` lies outside the window
// [lower, upper]: uniform where the window meets what the provider or model
// draws (`range`), else uniform in the window, else (a window open on one
// side that the range misses) the nearest bound. Timestamps are drawn in
// whole seconds, as the timestamp provider draws them.
int64_t Redraw(int64_t value, int64_t lower, int64_t upper, const RuleStep& rule, ValueKind kind,
               RandomStream& random) {
  const std::optional<std::pair<int64_t, int64_t>>& range = rule.range;
  int64_t low = lower, high = upper;
  if (range && std::max(lower, range->first) <= std::min(upper, range->second)) {
    low = std::max(lower, range->first);
    high = std::min(upper, range->second);
  }
  if (low == kNoLower || high == kNoUpper) return std::clamp(value, lower, upper);
  if (rule.drawer) {
    if (std::optional<int64_t> drawn = rule.drawer->DrawIn(rule.drawer_field, low, high, random)) return *drawn;
  }
  if (kind != ValueKind::kTimestamp) return random.Between(low, high);
  constexpr int64_t kMicrosPerSecond = 1'000'000;
  const int64_t first = -FloorDiv(-low, kMicrosPerSecond), last = FloorDiv(high, kMicrosPerSecond);
  return first <= last ? random.Between(first, last) * kMicrosPerSecond : low;
}

}  // namespace

void Generator::Impl::RuleWindows(int e, const RuleStep& rule, std::span<const uint64_t> rows,
                                  BatchParents& batch_parents, std::vector<BatchColumn>& columns,
                                  std::vector<int64_t>& lowest, std::vector<int64_t>& highest) const {
  const size_t n = rows.size();
  const ValueKind kind = kinds[e][rule.column];
  // Per source and row, the tightest bounds that source gives (needed when
  // a row drops a link), and per row those of all sources.
  const size_t sources = rule.sources.size();
  std::vector<int64_t> lower(sources * n, kNoLower), upper(sources * n, kNoUpper);
  const int64_t first = rule.binding ? rule.binding->first : kNoLower;
  const int64_t last = rule.binding ? rule.binding->second : kNoUpper;
  lowest.assign(n, first);
  highest.assign(n, last);
  std::vector<uint32_t> reached, index;
  std::vector<uint64_t> parents;
  std::vector<BatchColumn> parent_columns;
  for (size_t s = 0; s < sources; ++s) {
    const RuleSource& source = rule.sources[s];
    const std::vector<BatchColumn>* read = &columns;
    int entity = e;
    if (source.hops.empty()) {
      index.resize(n);
      reached.resize(n);
      for (size_t i = 0; i < n; ++i) index[i] = reached[i] = static_cast<uint32_t>(i);
    } else {
      RuleParents(source, rows, batch_parents, columns, reached, parents);
      Regenerate(source.target, parents, source.steps, parent_columns, index);
      read = &parent_columns;
      entity = source.target;
    }
    for (const RuleBound& bound : rule.bounds) {
      if (bound.source != static_cast<int>(s)) continue;
      const BatchColumn& values = (*read)[bound.column];
      const ValueKind from = kinds[entity][bound.column];
      if (from != ValueKind::kDate && from != ValueKind::kTimestamp) continue;  // refused by validation
      for (size_t k = 0; k < reached.size(); ++k) {
        if (values.IsNull(index[k])) continue;  // a NULL bound bounds nothing
        const int64_t v = BoundIn(values.ints[index[k]], from, kind, bound);
        const size_t at = s * n + reached[k];
        if (bound.side == DateRule::Side::kLower) {
          lower[at] = std::max(lower[at], v);
          lowest[reached[k]] = std::max(lowest[reached[k]], v);
        } else {
          upper[at] = std::min(upper[at], v);
          highest[reached[k]] = std::min(highest[reached[k]], v);
        }
      }
    }
  }
  BatchColumn& out = columns[rule.column];
  std::vector<uint8_t> dropped(sources);
  for (size_t i = 0; i < n; ++i) {
    if (out.IsNull(i)) continue;
    int64_t low = lowest[i], high = highest[i];
    // An empty window: drop the row's nullable links the rules read, one
    // at a time in the order the rules name them (a transaction is not tied
    // to a campaign that ran while its account was closed).
    if (low > high && !rule.drops.empty()) {
      std::fill(dropped.begin(), dropped.end(), 0);
      for (size_t d = 0; d < rule.drops.size() && low > high; ++d) {
        for (int s : rule.drops[d].sources) dropped[s] = 1;
        for (int c : states[e].links[rule.drops[d].link].child_columns) columns[c].SetNull(i);
        low = first;
        high = last;
        for (size_t s = 0; s < sources; ++s) {
          if (dropped[s]) continue;
          low = std::max(low, lower[s * n + i]);
          high = std::min(high, upper[s * n + i]);
        }
      }
    }
    lowest[i] = low;
    highest[i] = high;
  }
}

void Generator::Impl::ApplyRules(int e, const RuleStep& rule, std::span<const uint64_t> rows,
                                 BatchParents& batch_parents, std::vector<BatchColumn>& columns) const {
  const size_t n = rows.size();
  const ValueKind kind = kinds[e][rule.column];
  std::vector<int64_t> lowest, highest;
  RuleWindows(e, rule, rows, batch_parents, columns, lowest, highest);
  BatchColumn& out = columns[rule.column];
  const bool nullable = !domain.entities[e].columns[rule.column].not_null;
  for (size_t i = 0; i < n; ++i) {
    if (out.IsNull(i)) continue;
    const int64_t low = lowest[i], high = highest[i];
    int64_t& value = out.ints[i];
    if (low > high) {
      // Still empty: NULL where allowed, else the latest lower bound (every
      // `after` holds, a `before` does not).
      if (nullable) {
        out.SetNull(i);
      } else {
        value = low;
      }
    } else if (value < low || value > high) {
      RandomStream random(rule.key, rows[i]);
      value = Redraw(value, low, high, rule, kind, random);
    }
  }
  batch_parents.rule_windows.resize(states[e].rules.size());
  batch_parents.rule_windows[&rule - states[e].rules.data()] = {std::move(lowest), std::move(highest)};
}

}  // namespace seedforge
