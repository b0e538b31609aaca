// Values from children (`aggregate:`): a parent's count, sum, min, max,
// first or last of a column of the children grouped under it, computed by
// making those children again, never stored (docs/domain-files.md, "Values
// from children").
#include <algorithm>
#include <functional>
#include <string>

#include "generate/engine.h"

namespace seedforge {

namespace {

// Child rows made at once: the memory of an aggregate is this many rows
// whatever a parent's number of children.
constexpr size_t kChildChunk = 8192;

// One parent's fold of its children's values, NULLs skipped.
struct Fold {
  uint64_t values = 0;  // non-NULL values seen
  int64_t number = 0;   // integer-backed kinds: sum or best so far
  double real = 0;      // floats
  std::string text;     // text and uuid
};

}  // namespace

void Generator::Impl::AddAggregateSteps(int e) {
  EntityState& state = states[e];
  const DomainEntity& def = domain.entities[e];
  for (size_t c = 0; c < def.columns.size(); ++c) {
    if (def.columns[c].source != ColumnSource::kAggregate) continue;
    state.aggregates.push_back({static_cast<int>(c), {}});
    state.column_step[c] = static_cast<int>(state.steps.size());
    state.steps.push_back({Step::Kind::kAggregate, static_cast<int>(state.aggregates.size()) - 1,
                           {static_cast<int>(c)}, {}});
  }
}

void Generator::Impl::PlanAggregates(int e) {
  // Which steps of the child entity make the column read (after its rules:
  // a rule step takes its column over).
  const DomainEntity& def = domain.entities[e];
  for (AggregateStep& step : states[e].aggregates) {
    const DomainColumn& col = def.columns[step.column];
    const Aggregate& aggregate = col.aggregate;
    if (aggregate.child_column >= 0) {
      const EntityState& child = states[aggregate.child_entity];
      step.child_steps.assign(child.steps.size(), false);
      std::function<void(int)> need = [&](int s) {
        if (step.child_steps[s]) return;
        step.child_steps[s] = true;
        for (int n : child.steps[s].needs) need(n);
      };
      need(child.column_step[aggregate.child_column]);
    }
    // Scaled down below its drawn total (--rows), a group can be empty even
    // where every parent draws children: a NOT NULL min, max, first or
    // last would have no value to take.
    const LinkStep& link = states[aggregate.child_entity].links[aggregate.link];
    const bool needs_value = aggregate.op != Aggregate::Op::kCount && aggregate.op != Aggregate::Op::kSum;
    if (col.not_null && needs_value && link.rows < link.drawn_total) {
      const std::string child = domain.entities[aggregate.child_entity].name;
      throw UsageError("--rows " + child + "=" + std::to_string(link.rows) + " is fewer than the " +
                       std::to_string(link.drawn_total) + " '" + child + "' rows its parents draw, so some '" +
                       def.name + "' rows could have none, and the NOT NULL column '" + def.name + "." + col.name +
                       "' ('aggregate: " + aggregate.Shown() + "') no value");
    }
  }
}

ColumnBounds Generator::Impl::AggregateBounds(int e, int c, int depth) const {
  const Aggregate& aggregate = domain.entities[e].columns[c].aggregate;
  const uint64_t most = states[aggregate.child_entity].links[aggregate.link].MaxChildren();
  const std::string what = "'aggregate: " + aggregate.Shown() + "'";
  ColumnBounds bounds;
  if (aggregate.op == Aggregate::Op::kCount) {
    bounds.range = ValueRange{0, static_cast<long double>(most)};
    bounds.source = what + " (up to " + std::to_string(most) + " children per row)";
    return bounds;
  }
  bounds = Bounds(aggregate.child_entity, aggregate.child_column, depth + 1);
  if (bounds.source.empty()) return bounds;
  if (aggregate.op == Aggregate::Op::kSum && bounds.range) {
    const long double n = static_cast<long double>(most);
    bounds.range = ValueRange{std::min(0.0L, n * bounds.range->min), std::max(0.0L, n * bounds.range->max)};
    bounds.source = what + " (up to " + std::to_string(most) + " children with values from " + bounds.source + ")";
  } else {
    bounds.source = what + " (of values from " + bounds.source + ")";
  }
  return bounds;
}

void Generator::Impl::FillAggregate(int e, const AggregateStep& step, std::span<const uint64_t> rows,
                                    std::vector<BatchColumn>& columns) const {
  const DomainColumn& col = domain.entities[e].columns[step.column];
  const Aggregate& aggregate = col.aggregate;
  const LinkStep& link = states[aggregate.child_entity].links[aggregate.link];
  const size_t n = rows.size();
  BatchColumn& out = columns[step.column];
  PrepareColumn(out, kinds[e][step.column], scales[e][step.column], n);

  // Each row's children: a seek per run of rows, then one count draw per
  // row (a batch of the parent entity itself is one run).
  std::vector<uint64_t> first(n), count(n);
  ChildGroups groups(*this, link);
  for (size_t i = 0; i < n; ++i) {
    const bool ahead_in_block = i > 0 && rows[i] > groups.parent && rows[i] / kParentBlock == groups.parent / kParentBlock;
    if (ahead_in_block) {
      while (groups.parent < rows[i]) groups.Next();
    } else {
      groups.SeekParent(rows[i]);
    }
    first[i] = groups.first;
    count[i] = groups.count;
  }
  using Op = Aggregate::Op;
  if (aggregate.op == Op::kCount && aggregate.child_column < 0) {
    for (size_t i = 0; i < n; ++i) out.ints[i] = static_cast<int64_t>(count[i]);
    return;
  }

  // The children in chunks, folded into their parent's value in child
  // order (so a float sum is the same on any thread count).
  const ValueKind kind = kinds[aggregate.child_entity][aggregate.child_column];
  const bool text = kind == ValueKind::kText || kind == ValueKind::kUuid;
  std::vector<Fold> folds(n);
  std::vector<uint64_t> chunk;
  std::vector<uint32_t> owner, index;
  std::vector<BatchColumn> child_columns;
  auto fold = [&] {
    if (chunk.empty()) return;
    Regenerate(aggregate.child_entity, chunk, step.child_steps, child_columns, index);
    const BatchColumn& values = child_columns[aggregate.child_column];
    for (size_t k = 0; k < chunk.size(); ++k) {
      const size_t v = index[k];
      if (values.IsNull(v)) continue;
      Fold& f = folds[owner[k]];
      const bool seen = f.values++ > 0;
      if (aggregate.op == Op::kCount) continue;
      if (kind == ValueKind::kFloat) {
        const double x = values.floats[v];
        if (!seen || aggregate.op == Op::kLast || (aggregate.op == Op::kMin && x < f.real) ||
            (aggregate.op == Op::kMax && x > f.real)) {
          f.real = x;
        } else if (aggregate.op == Op::kSum) {
          f.real += x;
        }
      } else if (text) {
        const std::string& x = values.texts[v];
        if (!seen || aggregate.op == Op::kLast || (aggregate.op == Op::kMin && x < f.text) ||
            (aggregate.op == Op::kMax && x > f.text)) {
          f.text = x;
        }
      } else {
        const int64_t x = values.ints[v];
        if (!seen || aggregate.op == Op::kLast || (aggregate.op == Op::kMin && x < f.number) ||
            (aggregate.op == Op::kMax && x > f.number)) {
          f.number = x;
        } else if (aggregate.op == Op::kSum && __builtin_add_overflow(f.number, x, &f.number)) {
          throw InputError(aggregate.where, "column '" + domain.entities[e].name + "." + col.name +
                                                "': the sum of a row's children goes beyond 64-bit integers");
        }
      }
    }
    chunk.clear();
    owner.clear();
  };
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t row = first[i]; row < first[i] + count[i]; ++row) {
      chunk.push_back(row);
      owner.push_back(static_cast<uint32_t>(i));
      if (chunk.size() == kChildChunk) fold();
    }
  }
  fold();

  // SQL's answers for a row with no values: a count is 0, anything else
  // NULL, but a NOT NULL sum is 0 (as COALESCE(sum, 0)).
  for (size_t i = 0; i < n; ++i) {
    const Fold& f = folds[i];
    if (aggregate.op == Op::kCount) {
      out.ints[i] = static_cast<int64_t>(f.values);
    } else if (f.values == 0 && !(aggregate.op == Op::kSum && col.not_null)) {
      out.SetNull(i);
    } else if (kind == ValueKind::kFloat) {
      out.floats[i] = f.real;
    } else if (text) {
      out.texts[i] = f.text;
    } else {
      out.ints[i] = f.number;
    }
  }
}

}  // namespace seedforge
