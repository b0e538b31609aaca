// Picks: how a child chooses its parent along a link that does not count
// it (`pick:` next to `references:`; docs/domain-files.md, "Picking
// parents"): by the parents' weights, among the parents whose column
// matches the row's, never the parent of the row's other reference, or
// distinct among the children of one counting parent.
//
// The parents are read once per run: every parent row's weight and match
// columns are made again (in batches, through the steps that make them)
// into a PickTable of O(parents) numbers. Each child then draws from its
// own stream keyed by the link, so a pick is a pure function of (seed,
// entity, link, row), as every other value is.
#include <algorithm>
#include <functional>
#include <unordered_set>

#include "generate/engine.h"
#include "seedforge/pipeline.h"
#include "seedforge/random.h"

namespace seedforge {

namespace {

// Draws that may hit the parent a row must avoid (distinct_from) or one a
// sibling took (distinct) before the pick walks on to the next free parent:
// enough that a free parent of any sizeable weight is found by chance.
constexpr int kRedraws = 64;

// The match key of row i: a hash of the text of its match columns (a
// number and its text match; kinds need not agree), nullopt when any is NULL.
std::optional<uint64_t> MatchKey(const std::vector<BatchColumn>& columns, const std::vector<int>& match, size_t i,
                                 std::string& text) {
  uint64_t key = 0x9e3779b97f4a7c15ULL;
  for (int c : match) {
    const BatchColumn& column = columns[c];
    if (column.IsNull(i)) return std::nullopt;
    text.clear();
    column.AppendText(i, text);
    key = Mix64(key ^ std::hash<std::string>{}(text));
  }
  return key;
}

// A value as a weight: NULL, negatives and NaN weigh nothing.
double Weight(const BatchColumn& column, size_t i) {
  if (column.IsNull(i)) return 0;
  double value = 0;
  switch (column.kind) {
    case ValueKind::kFloat: value = column.floats[i]; break;
    case ValueKind::kDecimal: value = static_cast<double>(column.ints[i]) / Pow10(column.scale); break;
    case ValueKind::kText:
    case ValueKind::kUuid: value = std::strtod(column.texts[i].c_str(), nullptr); break;
    default: value = static_cast<double>(column.ints[i]); break;
  }
  return value > 0 ? value : 0;
}

}  // namespace

std::pair<uint64_t, uint64_t> PickTable::Range(const std::optional<uint64_t>& key) const {
  if (groups.empty() || !key) return {0, parents};
  auto at = std::lower_bound(groups.begin(), groups.end(), *key,
                             [](const Group& g, uint64_t k) { return g.key < k; });
  if (at == groups.end() || at->key != *key) return {0, parents};
  return {at->begin, at->end};
}

uint64_t PickTable::Draw(std::pair<uint64_t, uint64_t> range, RandomStream& random) const {
  const auto [begin, end] = range;
  if (!cumulative.empty()) {
    // Sums run over all entries: a range weighs its last sum less the one
    // before it.
    const double base = begin > 0 ? cumulative[begin - 1] : 0;
    const double total = cumulative[end - 1] - base;
    if (total > 0) {
      const double u = base + random.Uniform() * total;
      const auto at = std::upper_bound(cumulative.begin() + static_cast<int64_t>(begin),
                                       cumulative.begin() + static_cast<int64_t>(end), u);
      return std::min<uint64_t>(static_cast<uint64_t>(at - cumulative.begin()), end - 1);
    }
  }
  return begin + random.Below(end - begin);
}

void Generator::Impl::PlanPick(int e, int l) {
  const DomainEntity& def = domain.entities[e];
  const LinkPick& pick = *def.links[l].pick;
  LinkStep& link = states[e].links[l];
  if (link.self || link.grouped || link.unique) {
    // Validation refuses the first two; a one-to-one link gives each parent
    // one child by a permutation, which no weight or match could keep.
    throw InputError(pick.where, "'" + def.name + "': 'pick' on the link to '" + def.links[l].parent +
                                     "', which is one-to-one (its columns are unique): each parent has exactly one "
                                     "child there; remove 'pick'");
  }
  auto plan = std::make_unique<PickPlan>();
  plan->def = &pick;
  plan->entity = e;
  std::vector<int> parent_read;
  for (const LinkPick::Match& m : pick.match) {
    plan->child_match.push_back(m.child_column);
    plan->parent_match.push_back(m.parent_column);
    parent_read.push_back(m.parent_column);
  }
  if (pick.weight_column >= 0) parent_read.push_back(pick.weight_column);
  plan->child_steps = StepsMaking(e, plan->child_match);
  plan->parent_steps = StepsMaking(link.parent, parent_read);
  plan->other_link = pick.distinct_from_link;
  if (pick.distinct) {
    plan->counting_link = def.CountingLink();
    plan->distinct_key = DeriveKey(options.seed, def.name, "distinct:" + std::to_string(l) + ":" + def.links[l].parent);
  }
  link.pick = std::move(plan);
}

const PickTable& Generator::Impl::PickTableOf(const LinkStep& link) const {
  PickPlan& plan = *link.pick;
  std::call_once(plan.built, [&] {
    PickTable& table = plan.table;
    const LinkPick& pick = *plan.def;
    table.parents = plans[link.parent].rows;
    if (pick.weight_column < 0 && plan.parent_match.empty()) return;  // uniform over all parents
    std::vector<double> weights;
    std::vector<uint64_t> keys;  // per parent; parents with a NULL match value join no group
    std::vector<uint8_t> unmatched;
    if (pick.weight_column >= 0) weights.resize(table.parents);
    if (!plan.parent_match.empty()) {
      keys.resize(table.parents);
      unmatched.resize(table.parents);
    }
    std::vector<uint64_t> rows;
    std::vector<BatchColumn> columns;
    std::vector<uint32_t> index;
    std::string text;
    for (uint64_t first = 0; first < table.parents; first += kBatchRows) {
      const uint64_t count = std::min<uint64_t>(kBatchRows, table.parents - first);
      rows.resize(count);
      for (uint64_t i = 0; i < count; ++i) rows[i] = first + i;
      Regenerate(link.parent, rows, plan.parent_steps, columns, index);
      for (uint64_t i = 0; i < count; ++i) {
        if (!weights.empty()) weights[first + i] = Weight(columns[pick.weight_column], index[i]);
        if (keys.empty()) continue;
        const std::optional<uint64_t> key = MatchKey(columns, plan.parent_match, index[i], text);
        keys[first + i] = key.value_or(0);
        unmatched[first + i] = !key;
      }
    }
    if (!keys.empty()) {
      // Parents with a NULL match value go last, in no group: only rows
      // matching nothing (which draw from all parents) reach them.
      table.order.resize(table.parents);
      for (uint64_t p = 0; p < table.parents; ++p) table.order[p] = p;
      std::stable_sort(table.order.begin(), table.order.end(), [&](uint64_t a, uint64_t b) {
        return std::pair(unmatched[a], keys[a]) < std::pair(unmatched[b], keys[b]);
      });
      for (uint64_t i = 0; i < table.parents && !unmatched[table.order[i]]; ++i) {
        const uint64_t key = keys[table.order[i]];
        if (table.groups.empty() || table.groups.back().key != key) table.groups.push_back({key, i, i});
        table.groups.back().end = i + 1;
      }
    }
    if (!weights.empty()) {
      table.cumulative.resize(table.parents);
      double sum = 0;
      for (uint64_t i = 0; i < table.parents; ++i) table.cumulative[i] = sum += weights[table.Parent(i)];
    }
  });
  return plan.table;
}

void Generator::Impl::PickParents(const LinkStep& link, std::span<const uint64_t> rows,
                                  const std::vector<BatchColumn>* columns, std::vector<uint64_t>& parents) const {
  const PickPlan& plan = *link.pick;
  const PickTable& table = PickTableOf(link);
  const size_t n = rows.size();
  parents.resize(n);
  // The row's match columns: those made so far, or made again.
  std::vector<BatchColumn> own;
  std::vector<uint32_t> index(n);
  for (size_t i = 0; i < n; ++i) index[i] = static_cast<uint32_t>(i);
  if (!plan.child_match.empty() && !columns) {
    Regenerate(plan.entity, rows, plan.child_steps, own, index);
    columns = &own;
  }
  std::vector<uint64_t> other;
  std::vector<uint8_t> other_null;
  if (plan.other_link >= 0) {
    ParentRows(states[plan.entity].links[plan.other_link], rows, other, other_null, nullptr, columns);
  }
  std::vector<uint64_t> group_parent;
  std::vector<uint8_t> group_null;
  std::vector<int64_t> ordinals;
  if (plan.counting_link >= 0) {
    ParentRows(states[plan.entity].links[plan.counting_link], rows, group_parent, group_null, &ordinals);
  }
  // distinct: the sequence of distinct entries drawn for the last counting
  // parent (and match group) seen; siblings come in runs, so one is kept.
  struct Sequence {
    bool valid = false;
    uint64_t parent = 0;
    std::pair<uint64_t, uint64_t> range;
    RandomStream random{0, 0};
    std::vector<uint64_t> entries;
    std::unordered_set<uint64_t> taken;
  } sequence;
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    const std::optional<uint64_t> key =
        plan.child_match.empty() ? std::nullopt : MatchKey(*columns, plan.child_match, index[i], text);
    std::pair<uint64_t, uint64_t> range = table.Range(key);
    if (plan.counting_link >= 0) {
      if (!sequence.valid || sequence.parent != group_parent[i] || sequence.range != range) {
        sequence.valid = true;
        sequence.parent = group_parent[i];
        sequence.range = range;
        sequence.random = RandomStream(plan.distinct_key ^ Mix64(range.first), group_parent[i]);
        sequence.entries.clear();
        sequence.taken.clear();
      }
      // The k-th child takes the k-th distinct entry: the first k are the
      // same whichever sibling asks, so siblings agree without talking.
      const uint64_t size = range.second - range.first;
      const uint64_t wanted = static_cast<uint64_t>(ordinals[i] - 1) % size;
      while (sequence.entries.size() <= wanted) {
        uint64_t entry = table.Draw(range, sequence.random);
        for (int tries = 1; sequence.taken.count(entry) && tries < kRedraws; ++tries) {
          entry = table.Draw(range, sequence.random);
        }
        // Walk on to the next free entry: deterministic, so the prefix
        // stays the same for every sibling.
        while (sequence.taken.count(entry)) entry = entry + 1 < range.second ? entry + 1 : range.first;
        sequence.taken.insert(entry);
        sequence.entries.push_back(entry);
      }
      parents[i] = table.Parent(sequence.entries[wanted]);
      continue;
    }
    RandomStream random(link.key, rows[i]);
    uint64_t entry = table.Draw(range, random);
    if (plan.other_link >= 0 && !other_null[i] && table.Parent(entry) == other[i]) {
      // Never the other reference's parent: redraw, then walk on; a group
      // of that one parent leaves all parents to choose from.
      if (range.second - range.first == 1) range = {0, table.parents};
      for (int tries = 1; table.Parent(entry) == other[i] && tries < kRedraws; ++tries) entry = table.Draw(range, random);
      if (table.Parent(entry) == other[i] && range.second - range.first > 1) {
        entry = entry + 1 < range.second ? entry + 1 : range.first;
      }
    }
    parents[i] = table.Parent(entry);
  }
}

void Generator::Impl::CheckPicks() {
  // Tables are made in plan order (parents first: a parent's weight may
  // come through its own picks), and `distinct` groups are checked against
  // the parents they choose among.
  std::vector<Diagnostic> problems;
  for (int e : order) {
    const DomainEntity& def = domain.entities[e];
    for (size_t l = 0; l < def.links.size(); ++l) {
      const LinkStep& link = states[e].links[l];
      if (!link.pick) continue;
      PickTableOf(link);
      if (link.pick->counting_link < 0) continue;
      const LinkStep& counting = states[e].links[link.pick->counting_link];
      uint64_t most = counting.most_drawn;
      if (counting.rows != counting.drawn_total && counting.drawn_total > 0) {
        using Wide = unsigned __int128;
        most = static_cast<uint64_t>((Wide{most} * counting.rows + counting.drawn_total - 1) / counting.drawn_total + 1);
      }
      const uint64_t available = plans[link.parent].rows;
      if (most > available) {
        const std::string& group = def.links[link.pick->counting_link].parent;
        problems.push_back({link.pick->def->where,
                            "'" + def.name + "': 'pick: {distinct: true}' on the link to '" + def.links[l].parent +
                                "' gives the children of one '" + group + "' row distinct '" + def.links[l].parent +
                                "' rows, but a '" + group + "' row has up to " + std::to_string(most) +
                                " children and '" + def.links[l].parent + "' has " + std::to_string(available) +
                                " rows; ask for more '" + def.links[l].parent + "' rows or fewer '" + def.name + "'"});
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

}  // namespace seedforge
