// Time: the simulation window, and children counted in proportion to how
// long their parent is active inside it (docs/domain-files.md, "Time"); also
// children counted by a column of their parent (`per_parent: {column}`),
// which reads the parents the same way.
#include <algorithm>
#include <cmath>
#include <atomic>
#include <limits>

#include "generate/engine.h"
#include "seedforge/calendar.h"
#include "seedforge/random.h"

namespace seedforge {

void Generator::Impl::NewRun() {
  static std::atomic<uint64_t> runs{0};
  run = ++runs;
}

void Generator::Impl::PlanWindow() {
  NewRun();
  const std::optional<DomainTime>& time = domain.time;
  if (!time && !options.from && !options.to) return;
  if (!time && (!options.from || !options.to)) {
    throw UsageError(std::string(options.from ? "--from" : "--to") + " needs " + (options.from ? "--to" : "--from") +
                     " as well: domain '" + domain.name + "' declares no simulation window ('time:')");
  }
  // Validation checked the domain's bounds parse; a relative one is placed
  // by the run's date here.
  ProviderContext::Window w;
  w.from = options.from ? *options.from : *ParseTimeBound(time->from, options.today, false);
  w.to = options.to ? *options.to : *ParseTimeBound(time->to, options.today, true);
  if (w.from > w.to) {
    if (!options.from && !options.to) {
      std::string today;
      AppendDate(options.today, today);
      throw InputError(time->from_where, "'time': 'from' (" + time->from + ") is after 'to' (" + time->to +
                                             ") on the run's date, " + today);
    }
    const std::string from = options.from ? "--from" : "the domain's 'from' (" + time->from + ")";
    const std::string to = options.to ? "--to" : "the domain's 'to' (" + time->to + ")";
    throw UsageError("the simulation window is empty: " + from + " is after " + to);
  }
  window = w;
}

const std::optional<ProviderContext::Window>& Generator::window() const { return impl_->window; }

double Generator::Impl::ImpliedMean(const Cardinality& c) const {
  if (!c.rate || !window) return c.Mean();
  const double days = static_cast<double>(window->to + 1 - window->from) / static_cast<double>(kMicrosPerDay);
  return std::min(c.rate->rate * days / c.rate->per_days, static_cast<double>(c.max));
}

bool Generator::Impl::DrawsInWindow(int e, int c) const {
  const DomainColumn& col = domain.entities[e].columns[c];
  if (!window || col.source != ColumnSource::kProvider) return false;
  for (const ProviderStep& p : states[e].providers) {
    for (size_t f = 0; f < p.field_column.size(); ++f) {
      if (p.field_column[f] != c) continue;
      return p.spec->FindParam("from") && p.spec->FindParam("to") && !col.params.Has("from") && !col.params.Has("to");
    }
  }
  return false;
}

void Generator::Impl::PlanRates(int e) {
  for (LinkStep& link : states[e].links) {
    if (link.per_parent.kind == Cardinality::Kind::kColumn) {
      link.count_steps = StepsMaking(link.parent, {link.per_parent.column_index});
      continue;
    }
    if (!link.per_parent.rate) continue;
    const Cardinality::Rate& rate = *link.per_parent.rate;
    std::vector<int> read{rate.from_column};
    if (rate.to_column >= 0) read.push_back(rate.to_column);
    link.count_steps = StepsMaking(link.parent, read);
  }
}

bool Generator::Impl::RateReady(int e, const std::vector<bool>& counted) const {
  // Entities counted through a rate or a column (e's and others') wait for
  // all the rest: a parent's active or count columns may read any entity (through rules and
  // links), whose row count must be final when the parent is made again.
  auto through_rate = [&](int x) {
    for (int depth = 0; x >= 0 && depth <= static_cast<int>(plans.size()); ++depth) {
      const int l = plans[x].grouped_link;
      if (l < 0) return false;
      const LinkStep& link = states[x].links[l];
      if (link.per_parent.ReadsParent() || x == e) return true;
      x = link.parent;
    }
    return false;
  };
  for (size_t x = 0; x < plans.size(); ++x) {
    if (!counted[x] && static_cast<int>(x) != e && !through_rate(static_cast<int>(x))) return false;
  }
  return true;
}

namespace {

// One block of a rate or column link's child counts, as the thread last made it.
struct CountBlock {
  uint64_t run = 0;
  const LinkStep* link = nullptr;
  uint64_t block = 0;
  std::vector<uint64_t> counts;
};

// A timestamp (microseconds) of a date or timestamp column's stored value.
int64_t Micros(int64_t value, ValueKind kind) { return kind == ValueKind::kDate ? value * kMicrosPerDay : value; }

}  // namespace

uint64_t Generator::Impl::ParentChildCount(const LinkStep& link, uint64_t parent_row) const {
  // Planning and ParentRows walk parents in order from the start of a block,
  // so the block's counts are made at once: one Regenerate of its parents'
  // count columns instead of one per parent. A few blocks per thread are
  // kept, keyed by plan and link (a new plan may reuse an old one's address).
  constexpr size_t kKept = 16;
  thread_local std::vector<CountBlock> kept;
  if (parent_row >= plans[link.parent].rows) return 0;
  const uint64_t block = parent_row / kParentBlock;
  for (const CountBlock& b : kept) {
    if (b.run == run && b.link == &link && b.block == block) return b.counts[parent_row % kParentBlock];
  }
  const uint64_t first = block * kParentBlock;
  const uint64_t parents = std::min<uint64_t>(kParentBlock, plans[link.parent].rows - first);
  std::vector<uint64_t> rows(parents);
  for (uint64_t i = 0; i < parents; ++i) rows[i] = first + i;
  std::vector<BatchColumn> columns;
  std::vector<uint32_t> index;
  // Makes the parents again (and may fill `kept` for their own count links):
  // nothing of `kept` is held across it.
  Regenerate(link.parent, rows, link.count_steps, columns, index);
  CountBlock made{run, &link, block, std::vector<uint64_t>(parents, 0)};
  if (link.per_parent.rate) {
    RateCounts(link, rows, columns, index, made.counts);
  } else {
    ColumnCounts(link, columns, index, made.counts);
  }
  const uint64_t count = made.counts[parent_row % kParentBlock];
  if (kept.size() >= kKept) kept.erase(kept.begin());
  kept.push_back(std::move(made));
  return count;
}

void Generator::Impl::ColumnCounts(const LinkStep& link, const std::vector<BatchColumn>& columns,
                                   const std::vector<uint32_t>& index, std::vector<uint64_t>& counts) const {
  const int c = link.per_parent.column_index;
  const BatchColumn& column = columns[c];
  const double most = static_cast<double>(link.per_parent.max);
  for (size_t i = 0; i < counts.size(); ++i) {
    const uint32_t j = index[i];
    if (column.IsNull(j)) continue;  // NULL: no children
    const double value = NumberAt(column, j);
    // NaN and negatives: none; a fraction (a float model's draw) rounds.
    counts[i] = value > 0 ? static_cast<uint64_t>(std::llround(std::min(value, most))) : 0;
  }
}

void Generator::Impl::RateCounts(const LinkStep& link, const std::vector<uint64_t>& rows,
                                 const std::vector<BatchColumn>& columns, const std::vector<uint32_t>& index,
                                 std::vector<uint64_t>& counts) const {
  const uint64_t parents = rows.size();
  const Cardinality::Rate& rate = *link.per_parent.rate;
  const BatchColumn& from = columns[rate.from_column];
  // Without a TO column every parent stays active to the end of the window.
  const BatchColumn* to = rate.to_column >= 0 ? &columns[rate.to_column] : nullptr;
  const ValueKind from_kind = kinds[link.parent][rate.from_column];
  const ValueKind to_kind = to ? kinds[link.parent][rate.to_column] : from_kind;
  const double per = rate.per_days * static_cast<double>(kMicrosPerDay);
  Cardinality poisson;
  poisson.kind = Cardinality::Kind::kPoisson;
  poisson.min = 0;
  poisson.max = link.per_parent.max;
  for (uint64_t i = 0; i < parents; ++i) {
    // Active from `from` (NULL: never active) to `to` (NULL: still active),
    // as far as it meets the window; the window's `to` is inclusive.
    if (from.IsNull(index[i])) continue;
    const int64_t start = std::max(Micros(from.ints[index[i]], from_kind), window->from);
    const int64_t end = !to || to->IsNull(index[i]) ? window->to + 1
                                                     : std::min(Micros(to->ints[index[i]], to_kind), window->to + 1);
    if (end <= start) continue;
    poisson.lambda = rate.rate * static_cast<double>(end - start) / per;
    RandomStream random(link.count_key, rows[i]);
    counts[i] = static_cast<uint64_t>(poisson.Sample(random));
  }
}

}  // namespace seedforge
