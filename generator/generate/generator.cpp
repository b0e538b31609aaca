#include "seedforge/generator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "domain/derive.h"
#include "generate/engine.h"
#include "seedforge/calendar.h"
#include "seedforge/load_order.h"
#include "seedforge/pipeline.h"
#include "seedforge/random.h"

namespace seedforge {

namespace {

// The kind a column of SQL type `type` takes a model's `sampled` values as,
// or nullopt when they cannot go there (text into an integer column).
std::optional<std::pair<ValueKind, int>> LearnedTarget(const SqlType& type, bool type_given, ValueKind sampled) {
  using F = SqlType::Family;
  const bool numeric = sampled == ValueKind::kInt || sampled == ValueKind::kFloat ||
                       sampled == ValueKind::kDecimal || sampled == ValueKind::kBool;
  const bool temporal = sampled == ValueKind::kDate || sampled == ValueKind::kTimestamp;
  if (!type_given) return std::make_pair(sampled, 0);
  if (type.array) return std::nullopt;
  if (type.IsInteger()) return numeric ? std::optional(std::make_pair(ValueKind::kInt, 0)) : std::nullopt;
  switch (type.family) {
    case F::kNumeric:
      if (!numeric) return std::nullopt;
      if (type.precision == 0) return std::make_pair(sampled == ValueKind::kBool ? ValueKind::kInt : sampled, 0);
      return std::make_pair(ValueKind::kDecimal, type.scale);
    case F::kReal:
    case F::kDouble:
      return numeric ? std::optional(std::make_pair(ValueKind::kFloat, 0)) : std::nullopt;
    case F::kBoolean:
      return sampled == ValueKind::kBool ? std::optional(std::make_pair(ValueKind::kBool, 0)) : std::nullopt;
    case F::kDate:
      return temporal ? std::optional(std::make_pair(ValueKind::kDate, 0)) : std::nullopt;
    case F::kTimestamp:
    case F::kTimestampTz:
      return temporal ? std::optional(std::make_pair(ValueKind::kTimestamp, 0)) : std::nullopt;
    case F::kUuid:
      return sampled == ValueKind::kText || sampled == ValueKind::kUuid ? std::optional(std::make_pair(sampled, 0))
                                                                       : std::nullopt;
    default:
      return type.IsText() || type.TakesText() ? std::optional(std::make_pair(ValueKind::kText, 0)) : std::nullopt;
  }
}

// Converts a sampled column in place to the kind LearnedTarget chose.
void ConvertLearned(BatchColumn& column, ValueKind kind, int scale) {
  if (column.kind == kind && column.scale == scale) return;
  const size_t n = column.size();
  const ValueKind from = column.kind;
  // The value as a double (numeric kinds), for rounding to the target.
  auto as_double = [&](size_t i) {
    if (from == ValueKind::kFloat) return column.floats[i];
    if (from == ValueKind::kDecimal) return static_cast<double>(column.ints[i]) / Pow10(column.scale);
    return static_cast<double>(column.ints[i]);
  };
  if (kind == ValueKind::kText) {
    std::vector<std::string> texts(n);
    for (size_t i = 0; i < n; ++i) {
      if (!column.IsNull(i)) column.AppendText(i, texts[i]);
    }
    column.texts = std::move(texts);
  } else if (kind == ValueKind::kFloat) {
    std::vector<double> floats(n, 0);
    for (size_t i = 0; i < n; ++i) {
      if (!column.IsNull(i)) floats[i] = as_double(i);
    }
    column.floats = std::move(floats);
  } else if (kind == ValueKind::kInt || kind == ValueKind::kDecimal) {
    std::vector<int64_t> ints(n, 0);
    const double unit = Pow10(kind == ValueKind::kDecimal ? scale : 0);
    // The plan chose the scale so that the model's range fits an int64
    // (LearnedScale); the clamp only keeps a stray value defined.
    constexpr double kLimit = 9.2e18;
    for (size_t i = 0; i < n; ++i) {
      if (!column.IsNull(i)) ints[i] = std::llround(std::clamp(as_double(i) * unit, -kLimit, kLimit));
    }
    column.ints = std::move(ints);
  } else if (kind == ValueKind::kDate && from == ValueKind::kTimestamp) {
    for (int64_t& v : column.ints) v = FloorDiv(v, kMicrosPerDay);
  } else if (kind == ValueKind::kTimestamp && from == ValueKind::kDate) {
    for (int64_t& v : column.ints) v *= kMicrosPerDay;
  }
  column.kind = kind;
  column.scale = scale;
}

// The decimals a learned column of numeric(p, `scale`) keeps. A model's
// values are doubles, exact to 15 significant digits (DBL_DIG): more
// decimals would print binary noise (1.1 as 1.100000000000000088), and at a
// large scale overflow the int64 of 10^-scale units a decimal is kept in.
int LearnedScale(int scale, const std::optional<ValueRange>& range) {
  long double magnitude = range ? std::max(std::fabs(range->min), std::fabs(range->max)) : 0;
  int integer_digits = 1;
  for (; magnitude >= 10; magnitude /= 10) ++integer_digits;
  return std::clamp(std::numeric_limits<double>::digits10 - integer_digits, 0, scale);
}

}  // namespace

void Generator::Impl::PlanCounts() {
  const size_t n = domain.entities.size();
  plans.resize(n);
  for (const auto& [name, rows] : options.rows) {
    if (domain.FindEntity(name) < 0) {
      std::string message = "--rows: domain '" + domain.name + "' has no entity '" + name + "'";
      std::vector<std::string> names;
      for (const DomainEntity& e : domain.entities) names.push_back(e.name);
      auto close = ClosestNames(name, names);
      if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
      throw UsageError(message);
    }
  }
  // Rows asked for, and those they imply up the counting chain: N children
  // at a mean of m per parent come from round(N / m) parents (of a parent
  // given no --rows), so that a parent keeps its natural number of
  // children. The first child in file order that implies a count sets it.
  asked_rows.assign(n, std::nullopt);
  for (size_t i = 0; i < n; ++i) {
    auto given = options.rows.find(domain.entities[i].name);
    if (given != options.rows.end()) asked_rows[i] = given->second;
  }
  for (size_t i = 0; i < n; ++i) {
    // Counting links form a forest (validated): the walk up ends.
    for (size_t child = i; asked_rows[child];) {
      const DomainEntity& e = domain.entities[child];
      const int counting = e.CountingLink();
      if (counting < 0) break;
      const int parent = domain.FindEntity(e.links[counting].parent);
      const Cardinality& per_parent = *e.links[counting].per_parent;
      if (asked_rows[parent]) break;
      // A count read from the parents is known only once they are made: a
      // first plan probes a few parents (Generator's constructor), the
      // second divides by the mean they had.
      const bool from_column = per_parent.kind == Cardinality::Kind::kColumn;
      const auto measured = column_means.find(static_cast<int>(child));
      if (from_column && measured == column_means.end()) {
        asked_rows[parent] = std::min<uint64_t>(*asked_rows[child], kProbeParents);
        probed.push_back(static_cast<int>(child));
        child = static_cast<size_t>(parent);
        continue;
      }
      const double mean = from_column ? measured->second : ImpliedMean(per_parent);
      if (!(mean > 0)) break;
      const double rows = static_cast<double>(*asked_rows[child]);
      double parents = rows > 0 ? std::max(1.0, std::round(rows / mean)) : 0;
      // A count drawn from the parent row alone: the fewest parents whose
      // drawn children reach N, so that the counts are only ever scaled
      // down (never past a funnel's states, a 0-or-1 link, a max) and each
      // parent keeps its natural share. The plan draws these counts again.
      if (!per_parent.ReadsParent() && rows > 0 && rows / mean < static_cast<double>(kMaxGroupedParents)) {
        const uint64_t key = CountKey(options.seed, e, counting);
        uint64_t drawn = 0, p = 0;
        const uint64_t wanted = *asked_rows[child];
        for (; drawn < wanted && p < kMaxGroupedParents; ++p) {
          RandomStream random(key, p);
          drawn += static_cast<uint64_t>(per_parent.Sample(random));
        }
        parents = static_cast<double>(std::max<uint64_t>(1, p));
      }
      if (!(parents <= static_cast<double>(kMaxRows))) {
        throw UsageError("--rows " + e.name + "=" + std::to_string(*asked_rows[child]) + " at " +
                         fmt::format("{:g}", mean) + " per '" + e.links[counting].parent + "' row would need more than " +
                         std::to_string(kMaxRows) + " '" + e.links[counting].parent + "' rows");
      }
      asked_rows[parent] = static_cast<uint64_t>(parents);
      child = static_cast<size_t>(parent);
    }
  }
  std::vector<bool> done(n, false);
  for (size_t i = 0; i < n; ++i) plans[i].def = &visible.entities[i];
  // Counting links form a forest (validated), so this settles in n rounds.
  for (size_t round = 0; round <= n; ++round) {
    for (size_t i = 0; i < n; ++i) {
      if (done[i]) continue;
      const DomainEntity& e = domain.entities[i];
      int counting = e.CountingLink();
      if (counting >= 0) {
        int parent = domain.FindEntity(e.links[counting].parent);
        if (!done[parent]) continue;
        plans[i].grouped_link = counting;  // rows counted in PlanGroupedCounts
      } else if (asked_rows[i]) {
        plans[i].rows = *asked_rows[i];
      } else {
        const double base = static_cast<double>(e.rows.value_or(options.default_rows));
        const double scaled = std::round(base * options.scale);
        if (!(scaled <= static_cast<double>(kMaxRows))) {
          throw UsageError("'" + e.name + "': " + std::to_string(static_cast<uint64_t>(base)) + " rows x --scale " +
                           fmt::format("{:g}", options.scale) + " is more than the " + std::to_string(kMaxRows) +
                           " rows a run accepts per entity");
        }
        plans[i].rows = static_cast<uint64_t>(scaled);
      }
      done[i] = true;
    }
  }
  CountNamedRows();
  // The entities not counted per parent are settled now: a cheap first
  // check before PlanGroupedCounts draws counts parent by parent.
  CheckRowBudget(UngroupedRows());
}

uint64_t Generator::Impl::UngroupedRows() const {
  uint64_t rows = 0;
  for (const EntityPlan& plan : plans) {
    if (plan.grouped_link < 0) rows += plan.rows;  // each at most kMaxRows: no overflow
  }
  return rows;
}

void Generator::Impl::CheckRowBudget(uint64_t planned) const {
  if (options.row_budget > 0 && planned > options.row_budget) throw RowBudgetExceeded(planned, options.row_budget);
}

void Generator::Impl::PlanGroupedCounts() {
  // Grouped entities: count children per parent, in parent order (which
  // PlanCounts settled, parents first). A child given rows (or implied by
  // its own child's) keeps the drawn counts' shape, scaled to its total.
  std::vector<bool> counted(domain.entities.size(), false);
  // Rows settled so far, for options.row_budget.
  uint64_t settled = UngroupedRows();
  for (size_t round = 0; round <= domain.entities.size(); ++round) {
    for (size_t e = 0; e < domain.entities.size(); ++e) {
      EntityPlan& plan = plans[e];
      if (counted[e]) continue;
      if (plan.grouped_link < 0) {
        counted[e] = true;
        PlaceNamedRows(static_cast<int>(e));
        continue;
      }
      LinkStep& link = states[e].links[plan.grouped_link];
      if (!counted[link.parent] || (link.per_parent.ReadsParent() && !RateReady(static_cast<int>(e), counted))) continue;
      SetNamedFloors(static_cast<int>(e));
      const uint64_t last_named_parent = link.min_children.empty() ? 0 : link.min_children.back().first;
      link.fixed_drawn = 0;
      const uint64_t parents = plans[link.parent].rows;
      if (parents > kMaxGroupedParents) {
        const DomainLink& def = domain.entities[e].links[plan.grouped_link];
        throw InputError(def.where, "'" + domain.entities[e].name + "' counts its rows per '" + def.parent +
                                        "' row ('per_parent'), which the plan does parent by parent: at most " +
                                        std::to_string(kMaxGroupedParents) + " parents, and '" + def.parent +
                                        "' has " + std::to_string(parents));
      }
      // Every parent's count, block by block on the plan's threads (each
      // count is a pure function of the parent's row, so the sums are the
      // same for any thread count), then the blocks' running totals. Every
      // shard of a run (--shard) does this for all parents: its rows'
      // place depends on the counts of the parents before them, and its
      // range on the entity's total. Blocks go in rounds, so that a run
      // past the row budget stops after a round, not after every parent.
      const uint64_t blocks = (parents + kParentBlock - 1) / kParentBlock;
      const uint64_t round_blocks = 64 * static_cast<uint64_t>(std::max(1, options.threads));
      std::vector<uint64_t> block_sum(std::min(blocks, round_blocks)), block_most(block_sum.size());
      uint64_t total = 0;
      link.block_start.clear();
      link.most_drawn = 0;
      // Rows asked for are what the entity gets; otherwise what is drawn,
      // checked against the budget as it grows.
      const bool budget_as_drawn = !asked_rows[e].has_value();
      if (!budget_as_drawn) CheckRowBudget(settled + *asked_rows[e]);
      for (uint64_t first = 0; first < blocks; first += round_blocks) {
        const uint64_t last = std::min(blocks, first + round_blocks);
        ParallelFor(
            last - first, options.threads,
            [&](size_t i) {
              const uint64_t b = first + i;
              uint64_t sum = 0, most = 0;
              for (uint64_t p = b * kParentBlock; p < std::min(parents, (b + 1) * kParentBlock); ++p) {
                const uint64_t count = ChildCount(link, p);
                most = std::max(most, count);
                // Each count is at most kMaxRows: saturating keeps the sum
                // from overflowing and still too large.
                sum = std::min(sum + count, kMaxRows + 1);
              }
              block_sum[i] = sum;
              block_most[i] = most;
            },
            /*chunk=*/4);
        for (uint64_t b = first; b < last; ++b) {
          link.block_start.push_back(total);
          link.most_drawn = std::max(link.most_drawn, block_most[b - first]);
          if (!link.min_children.empty() && last_named_parent / kParentBlock == b) {
            link.fixed_drawn = total;
            for (uint64_t p = b * kParentBlock; p <= last_named_parent; ++p) {
              link.fixed_drawn = std::min(link.fixed_drawn + ChildCount(link, p), kMaxRows + 1);
            }
          }
          total += block_sum[b - first];
          if (total > kMaxRows) {
            const DomainLink& def = domain.entities[e].links[plan.grouped_link];
            throw InputError(def.where, "'" + domain.entities[e].name + "' would get more than " +
                                            std::to_string(kMaxRows) + " rows from " + std::to_string(parents) +
                                            " '" + def.parent + "' rows and 'per_parent'");
          }
          if (budget_as_drawn) CheckRowBudget(settled + total);
        }
      }
      link.drawn_total = total;
      link.rows = asked_rows[e].value_or(total);
      if (total == 0 && link.rows > 0) {
        const DomainLink& def = domain.entities[e].links[plan.grouped_link];
        throw UsageError("--rows " + domain.entities[e].name + "=" + std::to_string(link.rows) + ": '" +
                         domain.entities[e].name + "' counts its rows per '" + def.parent + "' row ('per_parent'), and its " +
                         std::to_string(parents) + " '" + def.parent + "' rows drew no children to scale up");
      }
      // Scaling up could give a parent more children than its 'per_parent'
      // allows (a funnel's states, a 0-or-1 link); refuse it.
      if (link.rows > total && link.per_parent.kind != Cardinality::Kind::kPoisson &&
          link.per_parent.kind != Cardinality::Kind::kLogNormal && link.per_parent.kind != Cardinality::Kind::kColumn) {
        const DomainLink& def = domain.entities[e].links[plan.grouped_link];
        throw UsageError("--rows " + domain.entities[e].name + "=" + std::to_string(link.rows) + ": the " +
                         std::to_string(parents) + " '" + def.parent + "' rows have " + std::to_string(total) + " '" +
                         domain.entities[e].name + "' rows between them, and each has at most " +
                         std::to_string(link.per_parent.max) + "; ask for fewer, or for more '" + def.parent +
                         "' rows (or leave their count out: it then follows)");
      }
      if (link.rows != total && link.fixed_drawn == total && total > 0) {
        const DomainLink& def = domain.entities[e].links[plan.grouped_link];
        throw UsageError("--rows " + domain.entities[e].name + "=" + std::to_string(link.rows) + ": every '" +
                         def.parent + "' row's children are kept as drawn around its named rows (scenarios), so "
                         "there is nothing to scale to " + std::to_string(link.rows) + "; ask for more '" +
                         def.parent + "' rows, or leave the count out");
      }
      if (link.rows < link.fixed_drawn) {
        throw UsageError("--rows " + domain.entities[e].name + "=" + std::to_string(link.rows) + ": '" +
                         domain.entities[e].name + "' needs at least " + std::to_string(link.fixed_drawn) +
                         " rows to keep its named rows (scenarios) and their places");
      }
      plan.rows = link.rows;
      settled += plan.rows;
      counted[e] = true;
      PlaceNamedRows(static_cast<int>(e));
    }
  }
}

void Generator::Impl::PlanOrder() { order = EntityLoadOrder(domain); }

void Generator::Impl::PlanEntity(int e, const ProviderRegistry& registry) {
  const DomainEntity& def = domain.entities[e];
  EntityState& state = states[e];
  const uint64_t seed = options.seed;
  const size_t n = def.columns.size();
  state.column_step.assign(n, -1);
  state.null_keys.resize(n);
  for (size_t c = 0; c < n; ++c) state.null_keys[c] = DeriveKey(seed, def.name, "null:" + def.columns[c].name);

  ProviderContext ctx;
  ctx.today = options.today;
  ctx.window = window;
  std::map<std::pair<std::string, std::string>, int> groups;
  for (size_t c = 0; c < n; ++c) {
    const DomainColumn& col = def.columns[c];
    if (col.source == ColumnSource::kProvider) {
      auto key = std::make_pair(col.provider, col.group);
      auto it = groups.find(key);
      if (it == groups.end()) {
        ProviderStep p;
        p.spec = registry.Find(col.provider);
        p.provider = p.spec->make(col.params, ctx);
        p.key = DeriveKey(seed, def.name, "provider:" + col.provider + "/" + col.group);
        p.field_column.assign(p.spec->fields.size(), -1);
        p.unique.reset(new bool[p.spec->fields.size()]());
        for (const ParamSpec& param : p.spec->params) {
          if (!param.is_column) continue;
          const ParamValue* v = col.params.Find(param.name);
          p.input_column.push_back(v ? def.FindColumn(v->scalar) : -1);
        }
        state.providers.push_back(std::move(p));
        int index = static_cast<int>(state.providers.size()) - 1;
        it = groups.emplace(key, static_cast<int>(state.steps.size())).first;
        state.steps.push_back({Step::Kind::kProvider, index, {}, {}});
      }
      Step& step = state.steps[it->second];
      ProviderStep& p = state.providers[step.index];
      int field = p.spec->FieldIndex(col.field);
      p.field_column[field] = static_cast<int>(c);
      p.unique[field] = col.unique || (col.primary_key && def.PrimaryKey().size() == 1);
      step.columns.push_back(static_cast<int>(c));
      state.column_step[c] = it->second;
    } else if (col.source == ColumnSource::kDerived) {
      DerivedStep d;
      d.column = static_cast<int>(c);
      d.tmpl = std::make_unique<DeriveTemplate>(col.derive);
      std::string error;
      for (const std::string& ref : DeriveTemplate::References(col.derive, &error)) {
        d.inputs.push_back(def.FindColumn(ref));
      }
      state.derived.push_back(std::move(d));
      state.column_step[c] = static_cast<int>(state.steps.size());
      state.steps.push_back({Step::Kind::kDerived, static_cast<int>(state.derived.size()) - 1,
                             {static_cast<int>(c)}, {}});
    }
  }
  if (def.model) {
    if (!options.model_loader) {
      throw InputError(def.model->where, "entity '" + def.name + "' has learned columns, but this command cannot load models");
    }
    LearnedStep& learned = state.learned;
    // A NOT NULL learned column must never be NULL, whatever NULLs the
    // sample data had: the sampler gets a constraint for each.
    ModelRef ref = *def.model;
    for (const DomainColumn& col : def.columns) {
      if (col.source == ColumnSource::kLearned && col.not_null) ref.constraints.emplace_back(col.learned + " IS NOT NULL", col.where);
    }
    const bool loaded = static_cast<size_t>(e) < loaded_sources.size() && loaded_sources[e];
    learned.source = loaded ? std::move(loaded_sources[e]) : options.model_loader(ref, domain.file);
    learned.key = DeriveKey(seed, def.name, "learned");
    learned.model_column.assign(n, -1);
    learned.kind.assign(n, ValueKind::kText);
    learned.scale.assign(n, 0);
    auto model_columns = learned.source->Columns();
    std::vector<Diagnostic> problems;
    std::vector<int> filled;
    for (size_t c = 0; c < n; ++c) {
      const DomainColumn& col = def.columns[c];
      if (col.source != ColumnSource::kLearned) continue;
      for (size_t m = 0; m < model_columns.size(); ++m) {
        if (model_columns[m].first == col.learned) learned.model_column[c] = static_cast<int>(m);
      }
      if (learned.model_column[c] < 0) {
        std::string names;
        for (const auto& [name, kind] : model_columns) names += (names.empty() ? "" : ", ") + name;
        problems.push_back({col.where, "the model of '" + def.name + "' has no column '" + col.learned +
                                           "' (it has: " + names + ")"});
        continue;
      }
      const ValueKind sampled = model_columns[learned.model_column[c]].second;
      auto target = LearnedTarget(col.type, col.type_given, sampled);
      if (!target) {
        problems.push_back({col.where, "column '" + def.name + "." + col.name + "' is " + col.type.ToSql() + ", but the model's '" +
                                           col.learned + "' is " + std::string(ValueKindName(sampled))});
        continue;
      }
      learned.kind[c] = target->first;
      learned.scale[c] = target->first == ValueKind::kDecimal
                             ? LearnedScale(target->second, learned.source->Range(learned.model_column[c]))
                             : target->second;
      state.column_step[c] = static_cast<int>(state.steps.size());
      filled.push_back(static_cast<int>(c));
    }
    for (const ModelRef::Given& given : def.model->given) learned.given.push_back(given.entity_column);
    if (!problems.empty()) throw InputError(std::move(problems));
    if (!filled.empty()) state.steps.push_back({Step::Kind::kLearned, 0, filled, {}});
  }
  for (size_t c = 0; c < n; ++c) {
    if (def.columns[c].source != ColumnSource::kOrdinal) continue;
    state.column_step[c] = static_cast<int>(state.steps.size());
    state.steps.push_back({Step::Kind::kOrdinal, static_cast<int>(c), {static_cast<int>(c)}, {}});
  }
  AddAggregateSteps(e);
  for (size_t l = 0; l < def.links.size(); ++l) {
    const DomainLink& link = def.links[l];
    LinkStep s;
    s.parent = domain.FindEntity(link.parent);
    s.self = s.parent == e;
    s.key = DeriveKey(seed, def.name, "link:" + std::to_string(l) + ":" + link.parent);
    bool all_unique = true;
    for (const std::string& c : link.columns) {
      int ci = def.FindColumn(c);
      s.child_columns.push_back(ci);
      const DomainColumn& col = def.columns[ci];
      all_unique = all_unique && (col.unique || (col.primary_key && def.PrimaryKey().size() == 1));
    }
    const DomainEntity& parent = domain.entities[s.parent];
    for (const std::string& c : link.parent_columns) s.parent_columns.push_back(parent.FindColumn(c));
    s.unique = all_unique && !s.self;
    s.grouped = plans[e].grouped_link == static_cast<int>(l);
    if (link.per_parent) {
      s.per_parent = *link.per_parent;
      s.count_key = CountKey(seed, def, static_cast<int>(l));
    }
    state.links.push_back(std::move(s));
    int step = static_cast<int>(state.steps.size());
    state.steps.push_back({Step::Kind::kLink, static_cast<int>(l), state.links.back().child_columns, {}});
    for (int c : state.links.back().child_columns) state.column_step[c] = step;
  }
  PlanComputed(e);
  // Rules: a step after the one that draws the column, which takes the
  // column over (what reads it reads the bounded values). It also takes
  // over the columns of nullable links it reads, which it may drop, so that
  // a later rule reading the same link sees the drop.
  for (size_t c = 0; c < n; ++c) {
    const DomainColumn& col = def.columns[c];
    if (col.rules.empty()) continue;
    RuleStep rule;
    rule.column = static_cast<int>(c);
    rule.draw_step = state.column_step[c];
    rule.key = DeriveKey(seed, def.name, "rule:" + col.name);
    std::vector<int> taken{static_cast<int>(c)};
    for (const DateRule& r : col.rules) {
      auto found = std::find_if(rule.sources.begin(), rule.sources.end(),
                                [&](const RuleSource& source) { return source.path == r.path; });
      if (found == rule.sources.end()) {
        RuleSource source;
        source.path = r.path;
        source.target = r.target_entity;
        rule.sources.push_back(std::move(source));
        found = rule.sources.end() - 1;
      }
      const int source = static_cast<int>(found - rule.sources.begin());
      rule.bounds.push_back({source, r.target_column, r.side, r.years, r.days});
      if (r.path.empty()) continue;
      const DomainLink& first = def.links[r.path.front()];
      bool nullable = true;
      for (const std::string& name : first.columns) nullable = nullable && !def.columns[def.FindColumn(name)].not_null;
      for (int lc : state.links[r.path.front()].child_columns) {
        if (std::find(taken.begin(), taken.end(), lc) != taken.end()) continue;
        rule.link_steps.push_back(state.column_step[lc]);
        if (nullable) taken.push_back(lc);
      }
      if (!nullable) continue;
      auto drop = std::find_if(rule.drops.begin(), rule.drops.end(),
                               [&](const RuleStep::Drop& d) { return d.link == r.path.front(); });
      if (drop == rule.drops.end()) {
        rule.drops.push_back({r.path.front(), {}});
        drop = rule.drops.end() - 1;
      }
      if (std::find(drop->sources.begin(), drop->sources.end(), source) == drop->sources.end()) {
        drop->sources.push_back(source);
      }
    }
    state.rules.push_back(std::move(rule));
    const int step = static_cast<int>(state.steps.size());
    state.steps.push_back({Step::Kind::kRule, static_cast<int>(state.rules.size()) - 1, taken, {}});
    for (int t : taken) state.column_step[t] = step;
  }
  PlanHistories(e);
  // Dependencies, then a topological order of the steps (no cycles: validated).
  for (Step& step : state.steps) {
    std::vector<int> reads;
    if (step.kind == Step::Kind::kProvider) {
      for (int c : state.providers[step.index].input_column) if (c >= 0) reads.push_back(c);
    } else if (step.kind == Step::Kind::kDerived) {
      reads = state.derived[step.index].inputs;
    } else if (step.kind == Step::Kind::kComputed) {
      reads = state.computed[step.index].inputs;
    } else if (step.kind == Step::Kind::kLearned) {
      reads = state.learned.given;  // made before the model draws given them
    } else if (step.kind == Step::Kind::kLink && def.links[step.index].pick) {
      // A pick reads the row's match columns and its other reference.
      const LinkPick& pick = *def.links[step.index].pick;
      for (const LinkPick::Match& m : pick.match) reads.push_back(m.child_column);
      if (pick.distinct_from_link >= 0) {
        const std::vector<int>& other = state.links[pick.distinct_from_link].child_columns;
        reads.insert(reads.end(), other.begin(), other.end());
      }
    } else if (step.kind == Step::Kind::kCopied) {
      const CopyStep& copy = state.copies[step.index];
      reads = state.links[copy.source.path.front()].child_columns;
    } else if (step.kind == Step::Kind::kRule) {
      const RuleStep& rule = state.rules[step.index];
      step.needs.push_back(rule.draw_step);
      step.needs.insert(step.needs.end(), rule.link_steps.begin(), rule.link_steps.end());
      for (const RuleBound& bound : rule.bounds) {
        if (rule.sources[bound.source].path.empty()) reads.push_back(bound.column);
      }
    }
    for (int c : reads) step.needs.push_back(state.column_step[c]);
  }
  std::vector<Step> sorted;
  std::vector<int> new_index(state.steps.size(), -1);
  std::function<void(int)> visit = [&](int s) {
    if (new_index[s] >= 0) return;
    new_index[s] = -2;
    for (int need : state.steps[s].needs) {
      if (new_index[need] == -1) visit(need);
    }
    new_index[s] = static_cast<int>(sorted.size());
    sorted.push_back(state.steps[s]);
  };
  for (size_t s = 0; s < state.steps.size(); ++s) visit(static_cast<int>(s));
  for (Step& step : sorted) {
    for (int& need : step.needs) need = new_index[need];
  }
  state.steps = std::move(sorted);
  for (size_t s = 0; s < state.steps.size(); ++s) {
    for (int c : state.steps[s].columns) state.column_step[c] = static_cast<int>(s);
  }
  state.all_steps.assign(state.steps.size(), true);
}

void Generator::Impl::PlanLinks(int e) {
  // Which parent steps make the referenced key columns.
  for (LinkStep& link : states[e].links) link.parent_steps = StepsMaking(link.parent, link.parent_columns);
}

void Generator::Impl::ResolveKinds() {
  // A column's kind is its provider field's; a reference takes its parent
  // column's (followed through chains of references).
  const size_t n = domain.entities.size();
  kinds.assign(n, {});
  scales.assign(n, {});
  for (size_t e = 0; e < n; ++e) {
    const DomainEntity& def = domain.entities[e];
    kinds[e].assign(def.columns.size(), ValueKind::kText);
    scales[e].assign(def.columns.size(), 0);
    for (size_t c = 0; c < def.columns.size(); ++c) {
      if (def.columns[c].source == ColumnSource::kOrdinal) kinds[e][c] = ValueKind::kInt;
      if (def.columns[c].source == ColumnSource::kComputed) {
        std::tie(kinds[e][c], scales[e][c]) = def.columns[c].type.StoredKind();
      }
      int m = states[e].learned.model_column.empty() ? -1 : states[e].learned.model_column[c];
      if (m >= 0) {
        kinds[e][c] = states[e].learned.kind[c];
        scales[e][c] = states[e].learned.scale[c];
      }
    }
    for (const ProviderStep& p : states[e].providers) {
      for (size_t f = 0; f < p.field_column.size(); ++f) {
        if (p.field_column[f] < 0) continue;
        kinds[e][p.field_column[f]] = p.spec->fields[f].kind;
        scales[e][p.field_column[f]] = p.spec->fields[f].scale;
      }
    }
  }
  std::function<std::pair<ValueKind, int>(int, int, int)> resolve = [&](int e, int c, int depth) {
    const DomainColumn& col = domain.entities[e].columns[c];
    if (col.source == ColumnSource::kCopied && col.copy.target_entity >= 0 && depth <= 64) {
      return resolve(col.copy.target_entity, col.copy.target_column, depth + 1);
    }
    if (col.source == ColumnSource::kAggregate && col.aggregate.op != Aggregate::Op::kCount && depth <= 64) {
      return resolve(col.aggregate.child_entity, col.aggregate.child_column, depth + 1);  // a sum keeps its kind
    }
    if (col.source == ColumnSource::kAggregate) return std::make_pair(ValueKind::kInt, 0);  // a count
    if (col.source != ColumnSource::kReference || depth > 64) return std::make_pair(kinds[e][c], scales[e][c]);
    const LinkStep& link = states[e].links[col.link];
    return resolve(link.parent, link.parent_columns[col.link_part], depth + 1);
  };
  for (size_t e = 0; e < n; ++e) {
    for (size_t c = 0; c < domain.entities[e].columns.size(); ++c) {
      auto [kind, scale] = resolve(static_cast<int>(e), static_cast<int>(c), 0);
      kinds[e][c] = kind;
      scales[e][c] = scale;
    }
  }
}

void Generator::Impl::CheckUnique() {
  std::vector<Diagnostic> problems;
  for (size_t e = 0; e < domain.entities.size(); ++e) {
    const DomainEntity& def = domain.entities[e];
    const uint64_t rows = plans[e].rows;
    for (const ProviderStep& p : states[e].providers) {
      for (size_t f = 0; f < p.field_column.size(); ++f) {
        if (p.field_column[f] < 0 || !p.unique[f]) continue;
        std::optional<uint64_t> space = p.provider->UniqueSpace(f);
        if (space && rows > *space) {
          const DomainColumn& col = def.columns[p.field_column[f]];
          problems.push_back({col.where, "column '" + def.name + "." + col.name + "' must be unique, but provider '" +
                                             p.spec->name + "." + p.spec->fields[f].name + "' has only " +
                                             std::to_string(*space) + " distinct values for " +
                                             std::to_string(rows) + " rows"});
        }
      }
    }
    for (size_t l = 0; l < states[e].links.size(); ++l) {
      const LinkStep& link = states[e].links[l];
      const DomainLink& ldef = def.links[l];
      uint64_t parents = plans[link.parent].rows;
      bool nullable = true;
      for (int c : link.child_columns) nullable = nullable && !def.columns[c].not_null;
      if (rows > 0 && parents == 0 && !nullable && !link.self) {
        problems.push_back({ldef.where, "'" + def.name + "' needs rows of '" + ldef.parent +
                                            "', which is asked for 0 rows"});
      }
      if (link.unique && rows > parents) {
        problems.push_back({ldef.where, "'" + def.name + "' references '" + ldef.parent +
                                            "' one-to-one (unique), so it cannot have more rows (" +
                                            std::to_string(rows) + ") than '" + ldef.parent + "' (" +
                                            std::to_string(parents) + ")"});
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

namespace {
// The longest text of a value of `kind` as the encoders and derived columns
// write it (BatchColumn::AppendText), in bytes; 0 when unknown.
size_t TextLength(ValueKind kind, const ColumnBounds& bounds) {
  auto digits = [](long double v) {
    size_t n = v < 0 ? 2 : 1;  // sign, first digit
    for (v = std::fabs(v); v >= 10; v /= 10) ++n;
    return n;
  };
  switch (kind) {
    case ValueKind::kText: return bounds.max_length;
    case ValueKind::kInt:
      return bounds.range ? std::max(digits(bounds.range->min), digits(bounds.range->max)) : 20;
    case ValueKind::kDecimal: return 21;  // int64 digits, sign and point
    case ValueKind::kFloat: return 24;    // shortest round trip of a double
    case ValueKind::kBool: return 5;
    case ValueKind::kDate: return 10;
    case ValueKind::kTimestamp: return 26;
    case ValueKind::kUuid: return 36;
  }
  return 0;
}
}  // namespace

ColumnBounds Generator::Impl::Bounds(int e, int c, int depth) const {
  const EntityState& state = states[e];
  const DomainColumn& col = domain.entities[e].columns[c];
  const uint64_t rows = plans[e].rows;
  ColumnBounds bounds;
  if (rows == 0 || depth > 64) return bounds;
  switch (col.source) {
    case ColumnSource::kProvider:
      for (const ProviderStep& p : state.providers) {
        for (size_t f = 0; f < p.field_column.size(); ++f) {
          if (p.field_column[f] != c) continue;
          bounds.range = p.provider->Range(f, rows);
          bounds.max_length = p.provider->MaxLength(f) ? p.provider->MaxLength(f) : p.spec->fields[f].max_length;
          bounds.source = "provider '" + p.spec->name + "." + p.spec->fields[f].name + "'";
        }
      }
      break;
    case ColumnSource::kLearned: {
      const int m = state.learned.model_column.empty() ? -1 : state.learned.model_column[c];
      if (m < 0) break;
      bounds.range = state.learned.source->Range(m);
      bounds.max_length = state.learned.source->MaxLength(m);
      bounds.source = "the model's column '" + col.learned + "'";
      break;
    }
    case ColumnSource::kOrdinal: {
      const uint64_t most = state.links[col.link].MaxChildren();
      bounds.range = ValueRange{1, static_cast<long double>(std::max<uint64_t>(1, most))};
      bounds.source = "'per_parent' (up to " + std::to_string(most) + " rows per parent)";
      break;
    }
    case ColumnSource::kAggregate: bounds = AggregateBounds(e, c, depth); break;
    case ColumnSource::kDerived: {
      for (const DerivedStep& d : state.derived) {
        if (d.column != c) continue;
        std::vector<size_t> lengths;
        for (int input : d.inputs) lengths.push_back(TextLength(kinds[e][input], Bounds(e, input, depth + 1)));
        bounds.max_length = d.tmpl->MaxLength(lengths);
        bounds.source = "'derive' (from the longest values of the columns it reads)";
      }
      break;
    }
    case ColumnSource::kCopied:
      bounds = Bounds(col.copy.target_entity, col.copy.target_column, depth + 1);
      if (!bounds.source.empty()) bounds.source = "'copy: " + col.copy.entity + "." + col.copy.column + "' (from " + bounds.source + ")";
      break;
    case ColumnSource::kComputed:
      for (const ComputeStep& step : state.computed) {
        if (step.column != c) continue;
        std::vector<size_t> lengths;
        for (int input : step.inputs) lengths.push_back(Bounds(e, input, depth + 1).max_length);
        bounds.max_length = step.expression->MaxTextLength(lengths);
        bounds.source = "'compute' (from its text literals and the longest values of the columns it reads)";
      }
      break;
    case ColumnSource::kReference: {
      const LinkStep& link = state.links[col.link];
      bounds = Bounds(link.parent, link.parent_columns[col.link_part], depth + 1);
      if (!bounds.source.empty()) {
        bounds.source = "its parent '" + domain.entities[link.parent].name + "." +
                        domain.entities[link.parent].columns[link.parent_columns[col.link_part]].name +
                        "' (from " + bounds.source + ")";
      }
      break;
    }
    default: break;
  }
  return bounds;
}

void Generator::Impl::CheckTypes() {
  // A value the column's type cannot hold would fail the load (or, in an
  // int64, wrap) long after the plan: refuse the plan instead, naming the
  // column, its type and what makes the values.
  std::vector<Diagnostic> problems;
  for (size_t e = 0; e < domain.entities.size(); ++e) {
    const DomainEntity& def = domain.entities[e];
    for (size_t c = 0; c < def.columns.size(); ++c) {
      const DomainColumn& col = def.columns[c];
      const ColumnBounds bounds = Bounds(static_cast<int>(e), static_cast<int>(c), 0);
      const std::string what = "column '" + def.name + "." + col.name + "'";
      if (bounds.range) {
        const std::optional<ValueRange>& r = bounds.range;
        auto text = [](long double v) {
          return v == std::floor(v) && std::fabs(v) < 1e30L ? fmt::format("{:.0f}", v) : fmt::format("{:g}", v);
        };
        const std::string values = text(r->min) + " to " + text(r->max);
        if (kinds[e][c] == ValueKind::kInt && !(r->min >= INT64_MIN && r->max <= INT64_MAX)) {
          problems.push_back({col.where, what + ": " + bounds.source + " makes values from " + values + " for " +
                                             std::to_string(plans[e].rows) + " rows, beyond 64-bit integers"});
        } else if (!col.type.HoldsNumbers(*r)) {
          problems.push_back({col.where, what + " is " + col.type.ToSql() + " (" + col.type.NumberLimits() + "), but " +
                                             bounds.source + " makes values from " + values + " for " +
                                             std::to_string(plans[e].rows) + " rows"});
        }
      }
      if (col.type.length > 0 && bounds.max_length > static_cast<size_t>(col.type.length) &&
          col.source != ColumnSource::kProvider) {  // providers: checked when the domain was parsed
        problems.push_back({col.where, what + " is " + col.type.ToSql() + ", but " + bounds.source +
                                           " has values up to " + std::to_string(bounds.max_length) + " characters"});
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

Generator::Generator(const Domain& domain, const ProviderRegistry& registry, const GenerateOptions& options)
    : impl_(std::make_unique<Impl>(domain, options)) {
  impl_->Plan(registry);
  if (impl_->probed.empty()) return;
  // --rows on children counted by a parent's column: the probe measured the
  // children per parent; plan again with the parents that mean implies.
  std::map<int, double> means;
  for (int child : impl_->probed) {
    const LinkStep& link = impl_->states[child].links[impl_->plans[child].grouped_link];
    const uint64_t parents = impl_->plans[link.parent].rows;
    means[child] = parents > 0 ? static_cast<double>(link.drawn_total) / static_cast<double>(parents) : 0;
  }
  // The models are the same: keep them (a neural model fitted from data
  // without the cache would otherwise train twice).
  std::vector<std::unique_ptr<LearnedSource>> sources;
  for (EntityState& state : impl_->states) sources.push_back(std::move(state.learned.source));
  impl_ = std::make_unique<Impl>(domain, options);
  impl_->column_means = std::move(means);
  impl_->loaded_sources = std::move(sources);
  impl_->Plan(registry);
}

void Generator::Impl::Plan(const ProviderRegistry& registry) {
  Impl& im = *this;
  im.PlanWindow();
  im.PlanCounts();
  im.PlanOrder();
  im.states.resize(domain.entities.size());
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanEntity(static_cast<int>(e), registry);
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanLinks(static_cast<int>(e));
  for (size_t e = 0; e < domain.entities.size(); ++e) {
    for (size_t l = 0; l < domain.entities[e].links.size(); ++l) {
      if (domain.entities[e].links[l].pick) im.PlanPick(static_cast<int>(e), static_cast<int>(l));
    }
  }
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanRules(static_cast<int>(e));
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanCopies(static_cast<int>(e));
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanRates(static_cast<int>(e));
  // Kinds and rule ranges before the counts too (neither depends on them):
  // a rate link's counts make its parents again.
  im.ResolveKinds();
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanRuleRanges(static_cast<int>(e));
  im.PlanGroupedCounts();
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanAggregates(static_cast<int>(e));
  im.ResolveKinds();
  for (size_t e = 0; e < domain.entities.size(); ++e) im.PlanRuleRanges(static_cast<int>(e));
  for (size_t e = 0; e < domain.entities.size(); ++e) im.FinishHistories(static_cast<int>(e));
  im.CheckUnique();
  im.CheckTypes();
  im.CheckPicks();
  im.FinishNamedRows();
}

Generator::~Generator() = default;

const Domain& Generator::domain() const { return impl_->visible; }
const GenerateOptions& Generator::options() const { return impl_->options; }
const std::vector<EntityPlan>& Generator::entities() const { return impl_->plans; }
const std::vector<int>& Generator::order() const { return impl_->order; }

void Generator::InitBatch(int entity, Batch& batch) const {
  const std::vector<int>& visible = impl_->visible_columns[entity];
  const size_t n = impl_->visible.entities[entity].columns.size();
  batch.columns.resize(n);
  for (size_t c = 0; c < n; ++c) {
    const int full = visible.empty() ? static_cast<int>(c) : visible[c];
    batch.columns[c].kind = impl_->kinds[entity][full];
    batch.columns[c].scale = impl_->scales[entity][full];
  }
}

void Generator::Generate(int entity, uint64_t first_row, size_t count, Batch& batch) const {
  std::vector<uint64_t> rows(count);
  for (size_t i = 0; i < count; ++i) rows[i] = first_row + i;
  batch.first_row = first_row;
  batch.size = count;
  const std::vector<int>& visible = impl_->visible_columns[entity];
  if (visible.empty()) {
    impl_->Fill(entity, rows, impl_->states[entity].all_steps, batch.columns);
    return;
  }
  // Hidden columns are made in a scratch row set; the visible ones are then
  // swapped into the batch (keeping both sides' string capacity).
  thread_local std::vector<BatchColumn> full;
  full.resize(impl_->domain.entities[entity].columns.size());
  for (size_t c = 0; c < visible.size(); ++c) std::swap(full[visible[c]], batch.columns[c]);
  impl_->Fill(entity, rows, impl_->states[entity].all_steps, full);
  for (size_t c = 0; c < visible.size(); ++c) std::swap(full[visible[c]], batch.columns[c]);
}

void Generator::Impl::ParentRows(const LinkStep& link, std::span<const uint64_t> rows,
                                 std::vector<uint64_t>& parents, std::vector<uint8_t>& null,
                                 std::vector<int64_t>* ordinals, const std::vector<BatchColumn>* columns) const {
  const size_t n = rows.size();
  parents.resize(n);
  null.assign(n, 0);
  const uint64_t parent_count = plans[link.parent].rows;
  if (ordinals) ordinals->resize(n);
  if (link.grouped) {
    // Rows ascend within a batch: locate the first row's parent from the
    // block index, then walk forward through consecutive rows.
    ChildGroups groups(*this, link);
    // The first child row of the block after `parent`'s.
    auto next_block_start = [&](uint64_t parent) {
      const size_t next = parent / kParentBlock + 1;
      return next < link.block_start.size() ? link.Scaled(link.block_start[next]) : std::numeric_limits<uint64_t>::max();
    };
    size_t i = 0;
    while (i < n) {
      groups.SeekChild(rows[i]);
      do {
        while (groups.first + groups.count <= rows[i]) groups.Next();
        parents[i] = groups.parent;
        if (ordinals) (*ordinals)[i] = static_cast<int64_t>(rows[i] - groups.first) + 1;
        ++i;
        // Walk on to the next row while it lies before the next block: no
        // dearer than locating it (the children of one parent, repeated by
        // a rule reading through two links, share one walk).
      } while (i < n && rows[i] >= groups.first && rows[i] < next_block_start(groups.parent));
    }
    return;
  }
  if (link.self) {
    for (size_t i = 0; i < n; ++i) {
      if (rows[i] == 0) {
        null[i] = 1;
        parents[i] = 0;  // regenerated like any row, then set NULL
      } else {
        RandomStream random(link.key, rows[i]);
        parents[i] = random.Below(rows[i]);
      }
    }
  } else if (parent_count == 0) {
    null.assign(n, 1);
    parents.assign(n, 0);
  } else if (link.pick) {
    PickParents(link, rows, columns, parents);
  } else if (link.unique) {
    IndexPermutation permute(link.key, parent_count);
    for (size_t i = 0; i < n; ++i) parents[i] = permute(rows[i]);
  } else {
    for (size_t i = 0; i < n; ++i) {
      RandomStream random(link.key, rows[i]);
      parents[i] = random.Below(parent_count);
    }
  }
  // Named rows have the parents they name (named_rows.cpp).
  if (link.named_parents.empty()) return;
  const uint64_t last = link.named_parents.back().first;
  for (size_t i = 0; i < n; ++i) {
    if (rows[i] > last) continue;
    auto it = std::lower_bound(link.named_parents.begin(), link.named_parents.end(),
                               std::pair<uint64_t, uint64_t>{rows[i], 0});
    if (it == link.named_parents.end() || it->first != rows[i]) continue;
    null[i] = it->second == LinkStep::kNoParent ? 1 : 0;
    parents[i] = it->second == LinkStep::kNoParent ? 0 : it->second;
  }
}

uint64_t LinkStep::MaxChildren() const {
  // Scaled counts differ from round(c * rows / drawn_total) by less than
  // one: at most ceil(c * rows / drawn_total) + 1 (of the rows past the
  // named ones' fixed places, which are not scaled).
  uint64_t most = static_cast<uint64_t>(std::max<int64_t>(per_parent.max, 0));
  for (const auto& [parent, least] : min_children) most = std::max(most, least);
  if (rows > drawn_total && drawn_total > fixed_drawn) {
    using Wide = unsigned __int128;
    const uint64_t total = drawn_total - fixed_drawn, target = rows - fixed_drawn;
    const Wide scaled = (Wide{most} * target + total - 1) / total + 1;
    most = scaled > rows ? rows : static_cast<uint64_t>(scaled);
  }
  return std::min(most, rows);
}

void Generator::Impl::ChildGroups::SeekBlock(size_t block) {
  parent = block * kParentBlock;
  drawn_ = link_.block_start[block];
  first = link_.Scaled(drawn_);
  Load();
}

void Generator::Impl::ChildGroups::Load() {
  drawn_count_ = impl_.ChildCount(link_, parent);
  count = link_.Scaled(drawn_ + drawn_count_) - first;
}

void Generator::Impl::ChildGroups::SeekParent(uint64_t p) {
  SeekBlock(static_cast<size_t>(p / kParentBlock));
  while (parent < p) Next();
}

void Generator::Impl::ChildGroups::SeekChild(uint64_t row) {
  // The last block whose first child is at or before `row` (scaled starts
  // never decrease); its parents or the following ones have the row.
  auto after = std::partition_point(link_.block_start.begin(), link_.block_start.end(),
                                    [&](uint64_t drawn) { return link_.Scaled(drawn) <= row; });
  SeekBlock(static_cast<size_t>(after - link_.block_start.begin()) - 1);
  while (first + count <= row) Next();
}

void Generator::Impl::ChildGroups::Next() {
  first += count;
  drawn_ += drawn_count_;
  ++parent;
  Load();
}

void Generator::Impl::Regenerate(int e, std::span<const uint64_t> rows, const std::vector<bool>& steps,
                                 std::vector<BatchColumn>& columns, std::vector<uint32_t>& index) const {
  // Each link or rule followed nests one level. Validation refuses the rule
  // cycles it sees; a key that depends on a rule reading back through a
  // cycle of links would still nest without end, so stop it here.
  constexpr int kMaxDepth = 256;
  thread_local int depth = 0;
  if (depth >= kMaxDepth) {
    throw InputError(domain.entities[e].where, "making a row of '" + domain.entities[e].name +
                                                   "' makes its parents again, which make it again without end "
                                                   "(a key or rule reads back through a cycle of links)");
  }
  ++depth;
  struct Leave {
    ~Leave() { --depth; }
  } leave;
  std::vector<uint64_t> distinct;
  index.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (distinct.empty() || distinct.back() != rows[i]) distinct.push_back(rows[i]);
    index[i] = static_cast<uint32_t>(distinct.size() - 1);
  }
  columns.resize(domain.entities[e].columns.size());
  Fill(e, distinct, steps, columns);
}

void Generator::Impl::FindParents(const EntityState& state, int link, std::span<const uint64_t> rows,
                                  BatchParents& parents, const std::vector<BatchColumn>* columns) const {
  if (parents.found.empty()) {
    parents.rows.resize(state.links.size());
    parents.null.resize(state.links.size());
    parents.found.assign(state.links.size(), false);
  }
  if (parents.found[link]) return;
  ParentRows(state.links[link], rows, parents.rows[link], parents.null[link], nullptr, columns);
  parents.found[link] = true;
}

void Generator::Impl::FillLink(const LinkStep& link, const std::vector<uint64_t>& parents,
                               const std::vector<uint8_t>& null, std::vector<BatchColumn>& columns) const {
  // Regenerate the parents' key columns, then spread them over the rows.
  std::vector<BatchColumn> parent_columns;
  std::vector<uint32_t> index;
  Regenerate(link.parent, parents, link.parent_steps, parent_columns, index);
  for (size_t k = 0; k < link.child_columns.size(); ++k) {
    BatchColumn& out = columns[link.child_columns[k]];
    Gather(parent_columns[link.parent_columns[k]], index, out);
    for (size_t i = 0; i < parents.size(); ++i) {
      if (null[i]) out.SetNull(i);
    }
  }
}

void Generator::Impl::Fill(int e, std::span<const uint64_t> rows, const std::vector<bool>& wanted,
                           std::vector<BatchColumn>& columns) const {
  const EntityState& state = states[e];
  const DomainEntity& def = domain.entities[e];
  const size_t n = rows.size();
  std::vector<BatchColumn*> outputs;
  std::vector<const BatchColumn*> inputs;
  BatchParents batch_parents;
  for (size_t s = 0; s < state.steps.size(); ++s) {
    if (!wanted[s]) continue;
    const Step& step = state.steps[s];
    switch (step.kind) {
      case Step::Kind::kProvider: {
        const ProviderStep& p = state.providers[step.index];
        outputs.assign(p.field_column.size(), nullptr);
        for (size_t f = 0; f < p.field_column.size(); ++f) {
          int c = p.field_column[f];
          if (c < 0) continue;
          PrepareColumn(columns[c], kinds[e][c], scales[e][c], n);
          outputs[f] = &columns[c];
        }
        inputs.clear();
        for (int c : p.input_column) inputs.push_back(c >= 0 ? &columns[c] : nullptr);
        FillArgs args;
        args.rows = rows;
        args.key = p.key;
        args.inputs = inputs;
        args.outputs = outputs;
        args.unique = std::span<const bool>(p.unique.get(), p.field_column.size());
        p.provider->Fill(args);
        break;
      }
      case Step::Kind::kDerived: {
        const DerivedStep& d = state.derived[step.index];
        BatchColumn& out = columns[d.column];
        PrepareColumn(out, ValueKind::kText, 0, n);
        inputs.clear();
        for (int c : d.inputs) inputs.push_back(&columns[c]);
        for (size_t i = 0; i < n; ++i) d.tmpl->Render(inputs, i, out.texts[i]);
        break;
      }
      case Step::Kind::kLink:
        FindParents(state, step.index, rows, batch_parents, &columns);
        FillLink(state.links[step.index], batch_parents.rows[step.index], batch_parents.null[step.index], columns);
        break;
      case Step::Kind::kRule:
        ApplyRules(e, state.rules[step.index], rows, batch_parents, columns);
        break;
      case Step::Kind::kHistory:
        FillHistory(e, state.histories[step.index], rows, batch_parents, columns);
        break;
      case Step::Kind::kComputed:
        FillComputed(e, state.computed[step.index], rows, columns);
        break;
      case Step::Kind::kCopied:
        FillCopy(e, state.copies[step.index], rows, batch_parents, columns);
        break;
      case Step::Kind::kAggregate:
        FillAggregate(e, state.aggregates[step.index], rows, columns);
        break;
      case Step::Kind::kLearned: {
        // The model fills all its columns at once; keep the ones asked for.
        const LearnedStep& learned = state.learned;
        std::vector<BatchColumn> sampled;
        if (learned.given.empty()) {
          learned.source->SampleRows(rows, learned.key, sampled);
        } else {
          std::vector<const BatchColumn*> given;
          for (int c : learned.given) given.push_back(&columns[c]);
          learned.source->SampleRowsGiven(rows, learned.key, given, sampled);
        }
        for (int c : step.columns) {
          if (!wanted[s]) continue;
          columns[c] = std::move(sampled[learned.model_column[c]]);
          ConvertLearned(columns[c], learned.kind[c], learned.scale[c]);
        }
        break;
      }
      case Step::Kind::kOrdinal: {
        const int c = step.index;
        BatchColumn& out = columns[c];
        PrepareColumn(out, ValueKind::kInt, 0, n);
        std::vector<uint64_t> parents;
        std::vector<uint8_t> null;
        ParentRows(state.links[def.columns[c].link], rows, parents, null, &out.ints);
        break;
      }
    }
    // NULLs by null_rate, after the column is made and before anything reads
    // it (a rule step only narrows columns whose own steps made them).
    // Named values replace what the step made before anything reads it.
    const bool has_named = !named.empty() && !named[e].rows.empty();
    if (step.kind != Step::Kind::kRule) {
      for (int c : step.columns) {
        double rate = def.columns[c].null_rate;
        if (rate <= 0) continue;
        BatchColumn& column = columns[c];
        for (size_t i = 0; i < n; ++i) {
          if (has_named && IsNamedCell(e, rows[i], c)) continue;
          RandomStream random(state.null_keys[c], rows[i]);
          if (random.Chance(rate)) column.SetNull(i);
        }
      }
    }
    if (has_named) StoreNamed(e, step, rows, columns);
    if (has_named && named_conflicts && step.kind == Step::Kind::kRule) {
      CheckNamedWindows(e, state.rules[step.index], rows, batch_parents);
    }
  }
}

}  // namespace seedforge
