// The engine's plan, shared by the files of generator/generate/: never
// included outside it. The public face is seedforge/generator.h; this is
// what Generator::Impl keeps per entity (steps, providers, links, rules)
// and the few helpers its files share.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "domain/derive.h"
#include "domain/expression.h"
#include "domain/named_value.h"
#include "seedforge/calendar.h"
#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {


// Parents per entry of a grouped link's index: the per-run memory of a
// grouped link is one integer per block, and locating a row costs at most
// one block of count draws.
constexpr uint64_t kParentBlock = 4096;

// Parents a grouped link may have. Planning draws every parent's child count
// (about 10 ns each) and keeps one integer per block: 10^10 parents take
// about two minutes and 20 MB; more would look like a hang.
constexpr uint64_t kMaxGroupedParents = 10'000'000'000;

struct ProviderStep {
  const ProviderSpec* spec = nullptr;
  std::unique_ptr<Provider> provider;
  uint64_t key = 0;
  std::vector<int> field_column;  // per field: column index or -1
  std::vector<int> input_column;  // per column parameter: column index or -1
  std::unique_ptr<bool[]> unique;  // per field
};

struct DerivedStep {
  int column = -1;
  std::unique_ptr<DeriveTemplate> tmpl;
  std::vector<int> inputs;
};

// The parents a `pick` chooses among (pick.cpp), made once per run from
// every parent row: grouped by their match value, each group's cumulative
// weights. 8 bytes a parent per list kept; nothing per child.
struct PickTable {
  uint64_t parents = 0;
  std::vector<uint64_t> order;     // match: parent rows by group; empty: row r is entry r
  std::vector<double> cumulative;  // weight: running sum over the entries; empty: uniform
  struct Group {
    uint64_t key = 0;
    uint64_t begin = 0, end = 0;  // entries
  };
  std::vector<Group> groups;  // match: sorted by key

  // The entries [begin, end) of the parents whose match value hashes to
  // `key`, or all of them (no match, no such parent).
  std::pair<uint64_t, uint64_t> Range(const std::optional<uint64_t>& key) const;
  uint64_t Parent(uint64_t entry) const { return order.empty() ? entry : order[entry]; }
  // An entry of [range.first, range.second), by weight (uniform when the
  // range weighs nothing).
  uint64_t Draw(std::pair<uint64_t, uint64_t> range, RandomStream& random) const;
};

// How the child of a link with `pick` chooses its parent (pick.cpp).
struct PickPlan {
  const LinkPick* def = nullptr;
  int entity = -1;                 // the child entity
  std::vector<int> child_match;    // per match: the child's column
  std::vector<int> parent_match;   // and the parent's
  std::vector<bool> child_steps;   // of the child: making its match columns
  std::vector<bool> parent_steps;  // of the parent: making its weight and match columns
  int other_link = -1;             // distinct_from: the row's other reference
  int counting_link = -1;          // distinct: the child's counting link
  uint64_t distinct_key = 0;       // distinct: the stream of a counting parent's sequence
  // Made on first use (planning counts may need it before the plan ends),
  // once, whatever thread asks first: the table is the same on any.
  std::once_flag built;
  PickTable table;
};

struct LinkStep {
  int parent = -1;
  std::vector<int> child_columns;
  std::vector<int> parent_columns;
  uint64_t key = 0;
  bool self = false;
  bool unique = false;    // one-to-one: each parent used at most once
  bool grouped = false;   // children come grouped by parent (per_parent)
  Cardinality per_parent;
  uint64_t count_key = 0;
  std::vector<uint64_t> block_start;  // grouped: drawn children before each parent block
  std::vector<bool> parent_steps;     // steps of the parent needed for its key
  // per_parent rate or column: steps of the parent making the columns the
  // count reads (active columns, count column)
  std::vector<bool> count_steps;
  // Grouped: the children the parents drew, and the rows the child entity
  // has. They differ when --rows sets the child's count: every parent's
  // count is then scaled (Scaled) so that they total exactly `rows`.
  uint64_t drawn_total = 0;
  uint64_t rows = 0;
  uint64_t most_drawn = 0;  // grouped: the most children one parent drew
  std::unique_ptr<PickPlan> pick;  // a link with `pick`

  // The first child row of the parent before which `drawn` children were
  // drawn: round(drawn * rows / drawn_total), so parent p has
  // Scaled(cum(p + 1)) - Scaled(cum(p)) children, computable from any
  // block start without per-parent storage.
  // The children of the parents up to the last one with named children
  // (`fixed_drawn` of them) are never scaled, so named rows keep their
  // places under --rows (named_rows.cpp).
  uint64_t Scaled(uint64_t drawn) const {
    if (rows == drawn_total || drawn <= fixed_drawn) return drawn;
    using Wide = unsigned __int128;  // counts are at most 10^15: products fit
    const uint64_t over = drawn - fixed_drawn, total = drawn_total - fixed_drawn, target = rows - fixed_drawn;
    return fixed_drawn + static_cast<uint64_t>((Wide{over} * target * 2 + total) / (Wide{total} * 2));
  }
  // Named rows (named_rows.cpp): the fewest children a parent row has (its
  // named children), by parent row; the drawn children up to and with the
  // last such parent; and the parent each named child row names along a
  // link that does not group (kNoParent: NULL), by child row.
  std::vector<std::pair<uint64_t, uint64_t>> min_children;
  uint64_t fixed_drawn = 0;
  static constexpr uint64_t kNoParent = ~uint64_t{0};
  std::vector<std::pair<uint64_t, uint64_t>> named_parents;
  // The most children one parent can have: per_parent's max, scaled.
  uint64_t MaxChildren() const;
};

// One hop of a rule's chain of links: from rows of `entity` to their parent
// rows along its link `link`.
struct RuleHop {
  int entity = -1;
  int link = -1;
  // The link's columns may be NULL: a row whose link is NULL has no parent.
  // After the first hop, that is only known by regenerating the link's
  // column, with `link_steps` of `entity`.
  bool nullable = false;
  std::vector<bool> link_steps;
};

// The row that some of a column's rules read: the row itself (no hops), or
// a parent at the end of a chain of links, regenerated from its key.
struct RuleSource {
  std::vector<RuleHop> hops;
  std::vector<int> path;   // link index per hop, as DateRule::path
  int target = -1;         // entity read
  std::vector<bool> steps; // steps of `target` that make the columns read
};

struct RuleBound {
  int source = -1;  // index into RuleStep::sources
  int column = -1;  // of the source's entity
  DateRule::Side side = DateRule::Side::kLower;
  int years = 0, days = 0;
};

// Rules of one column, applied after the provider or model drew its values.
struct RuleStep {
  int column = -1;
  int draw_step = -1;               // the step that draws the column
  std::vector<int> link_steps;      // steps making the first links' columns (read, maybe dropped)
  std::vector<RuleSource> sources;
  std::vector<RuleBound> bounds;
  // Links (of this entity) that a row drops when its window is empty,
  // in the order the rules name them, each with the sources read through it.
  struct Drop {
    int link = -1;
    std::vector<int> sources;
  };
  std::vector<Drop> drops;
  uint64_t key = 0;
  // What the provider or model draws, in stored units: a value moved into
  // the window is redrawn inside it where the two meet.
  std::optional<std::pair<int64_t, int64_t>> range;
  // The provider that draws the column, when a moved value is redrawn its
  // way (Provider::DrawIn: a seasonality profile).
  const Provider* drawer = nullptr;
  size_t drawer_field = 0;
  // A column drawn in the simulation window stays in it: the window bounds
  // the rule's too (stored units), and a nullable link whose bounds leave
  // no room inside it is dropped.
  std::optional<std::pair<int64_t, int64_t>> binding;
};

// A column that follows the row's place among its parent's children
// (sequence.cpp; docs/domain-files.md, "Ordered histories").
struct HistoryStep {
  enum class Kind {
    kSpread,  // sequence: true: order statistics of uniform draws over the window
    kSorted,  // sequence: true on a learned column: the siblings' model draws, sorted
    kGaps,    // sequence: {gap}: the first child's draw, then delays
    kStep,    // step_of: the funnel state at the row's ordinal
    kNextOf,  // next_of: a column of the next sibling
  };
  Kind kind = Kind::kSpread;
  int column = -1;
  int link = -1;    // the grouping link
  int source = -1;  // kNextOf: the column read in the next sibling
  int rule = -1;    // kSpread, kGaps: the column's RuleStep, or -1
  // What the provider draws, in stored units (the window before rules).
  std::pair<int64_t, int64_t> range{0, 0};
  int64_t unit = 1;  // stored units per step: 10^6 for timestamps (whole seconds)
  int64_t gap_min = 0, gap_max = 0;  // kGaps, in steps of `unit`
  int64_t offset = 0;                // kNextOf, in stored units
  uint64_t key = 0;
  // Steps of the entity that make the column before this one (kGaps: the
  // first child's draw; kNextOf: the column read), made again for rows
  // outside the batch.
  std::vector<bool> before;
};

struct Step {
  enum class Kind { kProvider, kDerived, kLink, kOrdinal, kLearned, kRule, kComputed, kCopied, kAggregate, kHistory };
  Kind kind;
  int index;                 // into providers / derived / links
  std::vector<int> columns;  // columns it fills
  std::vector<int> needs;    // steps it reads from
};

// A column computed from the row's children (aggregate.cpp): they are made
// again, group by group, with the steps that make the column read.
struct AggregateStep {
  int column = -1;
  std::vector<bool> child_steps;  // of the child entity; empty for a count of rows
};

// The learned columns of an entity: one model, sampled once per batch.
struct LearnedStep {
  std::unique_ptr<LearnedSource> source;
  uint64_t key = 0;
  std::vector<int> model_column;  // per entity column: index in the model's columns, or -1
  std::vector<int> given;         // entity columns conditioning the model row by row (ModelRef::given)
  // Per entity column: the kind (and decimal scale) its SQL type asks for;
  // a model's floats become numeric(p,s) decimals, integers, text...
  std::vector<ValueKind> kind;
  std::vector<int> scale;
};

// What the plan knows of the values a column will hold, to check them
// against its SQL type before anything is generated.
struct ColumnBounds {
  std::optional<ValueRange> range;  // numbers
  size_t max_length = 0;            // text, in bytes; 0 = unknown
  std::string source;               // who makes the values, for messages
};

// A `compute:` column: its expression over the row's other columns.
struct ComputeStep {
  int column = -1;
  std::shared_ptr<const Expression> expression;
  std::vector<int> inputs;  // entity column per Expression::Columns()
  uint64_t key = 0;         // stream of its draws (uniform, normal...)
};

// A `copy:` column: a parent's column, read through a chain of links.
struct CopyStep {
  int column = -1;
  RuleSource source;
  int target_column = -1;
};

struct EntityState {
  LearnedStep learned;
  std::vector<Step> steps;  // in an order where needs come first
  std::vector<int> column_step;
  std::vector<ProviderStep> providers;
  std::vector<DerivedStep> derived;
  std::vector<LinkStep> links;
  std::vector<RuleStep> rules;
  std::vector<HistoryStep> histories;
  std::vector<ComputeStep> computed;
  std::vector<CopyStep> copies;
  std::vector<AggregateStep> aggregates;
  std::vector<uint64_t> null_keys;  // per column
  std::vector<bool> all_steps;
};

// The stream key of the child counts along link `link` of `entity`: the
// plan's ChildCount and PlanCounts' walk for implied parents must agree.
inline uint64_t CountKey(uint64_t seed, const DomainEntity& entity, int link) {
  return DeriveKey(seed, entity.name, "count:" + std::to_string(link) + ":" + entity.links[link].parent);
}

// 10^scale for a decimal's scale, from a table: std::pow per value was a
// tenth of banking's generation time.
inline double Pow10(int scale) {
  static constexpr double kTable[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                      1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  return scale >= 0 && scale <= 18 ? kTable[scale] : std::pow(10.0, scale);
}

// A value as a number (a count or a weight read from a column): decimals
// scaled, text parsed (0 when it is no number). REQUIRES: !IsNull(i).
inline double NumberAt(const BatchColumn& column, size_t i) {
  switch (column.kind) {
    case ValueKind::kFloat: return column.floats[i];
    case ValueKind::kDecimal: return static_cast<double>(column.ints[i]) / Pow10(column.scale);
    case ValueKind::kText:
    case ValueKind::kUuid: return std::strtod(column.texts[i].c_str(), nullptr);
    default: return static_cast<double>(column.ints[i]);
  }
}

// Division rounding towards minus infinity: the day of a timestamp before 1970.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0); }

inline void PrepareColumn(BatchColumn& column, ValueKind kind, int scale, size_t n) {
  column.kind = kind;
  column.scale = scale;
  column.ClearNulls();
  column.Resize(n);
}

// dst[i] = src[index[i]]
inline void Gather(const BatchColumn& src, const std::vector<uint32_t>& index, BatchColumn& dst) {
  dst.kind = src.kind;
  dst.scale = src.scale;
  dst.ClearNulls();
  dst.Resize(index.size());
  for (size_t i = 0; i < index.size(); ++i) {
    uint32_t j = index[i];
    if (src.IsNull(j)) {
      dst.SetNull(i);
      continue;
    }
    if (src.kind == ValueKind::kFloat) {
      dst.floats[i] = src.floats[j];
    } else if (src.kind == ValueKind::kText || src.kind == ValueKind::kUuid) {
      dst.texts[i] = src.texts[j];
    } else {
      dst.ints[i] = src.ints[j];
    }
  }
}


struct Generator::Impl {
  const Domain& domain;
  GenerateOptions options;
  std::vector<EntityPlan> plans;
  std::vector<int> order;
  std::vector<EntityState> states;
  std::vector<std::vector<ValueKind>> kinds;  // per entity, per column
  std::vector<std::vector<int>> scales;
  // What outputs see: the domain without its hidden columns, and per entity
  // the indices of the columns that remain (empty = all of them).
  Domain visible;
  std::vector<std::vector<int>> visible_columns;

  Impl(const Domain& d, const GenerateOptions& o) : domain(d), options(o), visible(d) {
    visible_columns.resize(d.entities.size());
    for (size_t e = 0; e < d.entities.size(); ++e) {
      std::vector<DomainColumn>& columns = visible.entities[e].columns;
      bool any_hidden = false;
      for (const DomainColumn& c : columns) any_hidden |= c.hidden;
      if (!any_hidden) continue;
      for (size_t c = 0; c < columns.size(); ++c) {
        if (!columns[c].hidden) visible_columns[e].push_back(static_cast<int>(c));
      }
      std::erase_if(columns, [](const DomainColumn& c) { return c.hidden; });
    }
  }

  // Time (generate/time.cpp): the simulation window of the run, made
  // absolute with its reference date; `run` tells this plan's cached child
  // counts from another's.
  std::optional<ProviderContext::Window> window;
  uint64_t run = 0;
  void NewRun();  // a new `run`: counts cached before it are not read again
  void PlanWindow();
  void PlanRates(int e);
  // Whether entity e, counted by a per_parent rate, may be counted now: its
  // parents' active columns may read any entity not counted through it.
  bool RateReady(int e, const std::vector<bool>& counted) const;
  // A per_parent rate's or column's count for one parent; the counts of its
  // block of kParentBlock parents are made at once (one Regenerate) and kept
  // per thread, as planning and ParentRows walk parents in order.
  uint64_t ParentChildCount(const LinkStep& link, uint64_t parent_row) const;
  // The counts of a block of parents made again (`columns`, row i at index[i]).
  void RateCounts(const LinkStep& link, const std::vector<uint64_t>& rows, const std::vector<BatchColumn>& columns,
                  const std::vector<uint32_t>& index, std::vector<uint64_t>& counts) const;
  void ColumnCounts(const LinkStep& link, const std::vector<BatchColumn>& columns, const std::vector<uint32_t>& index,
                    std::vector<uint64_t>& counts) const;
  // Children per parent for --rows to imply parents from: a rate's as if
  // every parent were active through the whole window (its real mean
  // depends on parents not yet made), else the cardinality's mean.
  double ImpliedMean(const Cardinality& c) const;
  // Whether column c of entity e draws in the simulation window: a
  // provider with `from` and `to` parameters, given neither.
  bool DrawsInWindow(int e, int c) const;

  // Every step of the plan, in order (the constructor's work).
  void Plan(const ProviderRegistry& registry);
  void PlanCounts();
  // --rows on a child counted by a parent's column (`per_parent: {column}`):
  // the children per parent are known only once parents are made. A first
  // plan gives such parents at most kProbeParents rows and lists the child
  // in `probed`; the plan made again takes the mean each probe measured
  // (`column_means`, per child entity) to imply the parents' rows.
  static constexpr uint64_t kProbeParents = 4 * kParentBlock;
  std::vector<int> probed;
  std::map<int, double> column_means;
  std::vector<std::unique_ptr<LearnedSource>> loaded_sources;  // per entity: the probe's models, taken over
  void PlanOrder();
  void PlanEntity(int e, const ProviderRegistry& registry);
  void PlanLinks(int e);
  void PlanRules(int e);
  // The steps of `entity` that make `columns`, with what they need.
  std::vector<bool> StepsMaking(int entity, const std::vector<int>& columns) const;
  // Plans the hops of a chain of links from e (source.path) and the steps
  // of its end entity that make the `read` columns.
  void PlanSource(int e, RuleSource& source, const std::vector<int>& read) const;
  void PlanRuleRanges(int e);
  void PlanGroupedCounts();
  // Throws RowBudgetExceeded when `planned` passes options.row_budget.
  void CheckRowBudget(uint64_t planned) const;
  // The rows of the entities not counted per parent (settled by PlanCounts).
  uint64_t UngroupedRows() const;
  void AddAggregateSteps(int e);
  void PlanAggregates(int e);
  // The values a provider or model draws for column c, in stored units.
  std::optional<std::pair<int64_t, int64_t>> DrawnRange(int e, int c) const;
  void PlanHistories(int e);    // steps, while PlanEntity makes them
  void FinishHistories(int e);  // once steps are sorted and kinds known
  void ResolveKinds();
  void CheckUnique();
  void CheckTypes();
  ColumnBounds Bounds(int e, int c, int depth) const;
  ColumnBounds AggregateBounds(int e, int c, int depth) const;

  uint64_t ChildCount(const LinkStep& link, uint64_t parent_row) const {
    uint64_t count;
    if (link.per_parent.ReadsParent()) {
      count = ParentChildCount(link, parent_row);
    } else {
      RandomStream random(link.count_key, parent_row);
      count = static_cast<uint64_t>(link.per_parent.Sample(random));
    }
    if (link.min_children.empty() || parent_row > link.min_children.back().first) return count;
    return std::max(count, MinChildren(link, parent_row));
  }

  // Named rows (named_rows.cpp; docs/domain-files.md, "Named rows"). Each
  // named row takes fixed rows of its entity: the first rows in file order,
  // or, in an entity grouped by a parent, the first rows of its named
  // parent's children (whose count is at least the named ones). Its values
  // are stored over what the steps made, step by step, so that every
  // column read from it (rules, copies, counts, keys) sees them.
  struct NamedEntity {
    std::vector<uint64_t> rows;  // ascending
    std::vector<int> source;     // per row: its NamedRow in domain.named_rows
    // Per row: the named columns; no cell for a link column (its parent
    // is named: ParentRows), whose value nothing may change.
    struct Named {
      int column = -1;
      std::optional<NamedCell> cell;
      const NamedValue* value = nullptr;  // as written, for messages
    };
    std::vector<std::vector<Named>> cells;
    std::vector<bool> named_column;  // per column: named in some row
    // Unique columns: a value a named row takes and that another row
    // draws is replaced by the value the named row would have drawn.
    struct Remap {
      std::unordered_map<std::string, NamedCell> texts;  // text and uuid columns
      std::unordered_map<int64_t, NamedCell> numbers;    // the others (a float's bits)
    };
    std::map<int, Remap> remaps;
    // The index in `rows` of `row`, or -1.
    int Find(uint64_t row) const {
      if (rows.empty() || row > rows.back()) return -1;
      auto it = std::lower_bound(rows.begin(), rows.end(), row);
      return it != rows.end() && *it == row ? static_cast<int>(it - rows.begin()) : -1;
    }
  };
  std::vector<NamedEntity> named;            // per entity
  std::vector<uint64_t> named_first_row;     // per NamedRow: its first row
  std::vector<uint64_t> named_counts;        // per entity: its named rows
  // While set (on this thread), Fill stores no named value: the values the
  // named rows would have had, for the remaps of unique columns.
  static thread_local bool named_off;
  // While set, Fill reports a named value that a rule moves or a named link
  // a rule drops (the plan's check of named rows against generated ones).
  static thread_local std::vector<Diagnostic>* named_conflicts;
  uint64_t MinChildren(const LinkStep& link, uint64_t parent_row) const;
  void CountNamedRows();                  // PlanCounts: per entity
  void PlaceNamedRows(int e);             // once e's rows are counted
  void SetNamedFloors(int e);             // before e's rows are counted
  void FinishNamedRows();                 // links, remaps, conflict check
  // After step `step` of e made its columns for `rows`: named values stored
  // over them, remaps applied to the other cells of unique columns, and,
  // after a rule step while `named_conflicts` is set, a named value the
  // rule moved reported (ReportConflict).
  void StoreNamed(int e, const Step& step, std::span<const uint64_t> rows, std::vector<BatchColumn>& columns) const;
  bool IsNamedCell(int e, uint64_t row, int column) const;
  void ReportConflict(int e, int k, const NamedEntity::Named& n, const BatchColumn& column, size_t i) const;

  void Fill(int e, std::span<const uint64_t> rows, const std::vector<bool>& wanted,
            std::vector<BatchColumn>& columns) const;
  // The parent rows of a batch's rows along each link of its entity, found
  // once per Fill and shared by the link's step and the rules that read
  // through the link (a grouped link's walk costs up to a block of child
  // counts per batch).
  struct BatchParents {
    std::vector<std::vector<uint64_t>> rows;  // per link
    std::vector<std::vector<uint8_t>> null;
    std::vector<bool> found;
    std::vector<std::vector<int64_t>> ordinals;  // per grouped link, once a history step asks
    // Per rule of the entity, the windows its step found ([low, high] per
    // row), which a sequence of the same column spreads its values over.
    std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> rule_windows;
  };
  void FindParents(const EntityState& state, int link, std::span<const uint64_t> rows, BatchParents& parents,
                   const std::vector<BatchColumn>* columns = nullptr) const;
  // While `named_conflicts` is set: a named row whose rule leaves a NOT
  // NULL column no room (a named child of a parent never active, a date
  // before a named bound) is reported at the row.
  void CheckNamedWindows(int e, const RuleStep& rule, std::span<const uint64_t> rows,
                         const BatchParents& batch_parents) const;
  void FillLink(const LinkStep& link, const std::vector<uint64_t>& parents, const std::vector<uint8_t>& null,
                std::vector<BatchColumn>& columns) const;
  // Makes the `steps` of entity e for `rows` into `columns`, once per run of
  // equal rows (children grouped by parent share one): row i's values are at
  // index[i].
  void Regenerate(int e, std::span<const uint64_t> rows, const std::vector<bool>& steps,
                  std::vector<BatchColumn>& columns, std::vector<uint32_t>& index) const;
  void FillAggregate(int e, const AggregateStep& step, std::span<const uint64_t> rows,
                     std::vector<BatchColumn>& columns) const;
  void ApplyRules(int e, const RuleStep& rule, std::span<const uint64_t> rows, BatchParents& batch_parents,
                  std::vector<BatchColumn>& columns) const;
  // Per row, the window [low, high] that `rule`'s bounds leave (dropping
  // nullable links where it is empty, as ApplyRules does).
  void RuleWindows(int e, const RuleStep& rule, std::span<const uint64_t> rows, BatchParents& batch_parents,
                   std::vector<BatchColumn>& columns, std::vector<int64_t>& low, std::vector<int64_t>& high) const;
  void FillHistory(int e, const HistoryStep& history, std::span<const uint64_t> rows, BatchParents& batch_parents,
                   std::vector<BatchColumn>& columns) const;
  void FillSequence(int e, const HistoryStep& history, std::span<const uint64_t> rows, BatchParents& batch_parents,
                    std::vector<BatchColumn>& columns) const;
  void FillSorted(int e, const HistoryStep& history, std::span<const uint64_t> rows, BatchParents& batch_parents,
                  std::vector<BatchColumn>& columns) const;
  // Calls run(i, j, children) for each run of rows [i, j) of one parent
  // (`parents`, ascending), with that parent's number of children as the
  // plan counts it: a cursor walks them once per batch (sequence.cpp).
  template <typename Run>
  void ForEachSiblingRun(const LinkStep& link, const std::vector<uint64_t>& parents, Run run) const;
  void FillNextOf(int e, const HistoryStep& history, std::span<const uint64_t> rows, BatchParents& batch_parents,
                  std::vector<BatchColumn>& columns) const;
  // The 1-based place of each row among its parent's children along the
  // grouped link `link`, found once per batch.
  const std::vector<int64_t>& BatchOrdinals(int e, int link, std::span<const uint64_t> rows,
                                            BatchParents& batch_parents) const;
  // Follows `source`'s links from `rows` of e: for each row that reaches a
  // parent (no NULL link on the way), its index in `rows` and the parent row.
  void RuleParents(const RuleSource& source, std::span<const uint64_t> rows, BatchParents& batch_parents,
                   const std::vector<BatchColumn>& columns, std::vector<uint32_t>& reached,
                   std::vector<uint64_t>& parents) const;
  // Parent row of each row along `link`; for grouped links also the 1-based
  // position of the row among its parent's children, when `ordinals` is set.
  // `columns`: the rows' columns made so far, where a pick reads its match
  // columns and other reference (null: made again).
  void ParentRows(const LinkStep& link, std::span<const uint64_t> rows, std::vector<uint64_t>& parents,
                  std::vector<uint8_t>& null, std::vector<int64_t>* ordinals = nullptr,
                  const std::vector<BatchColumn>* columns = nullptr) const;
  // pick.cpp: a link's pick (planned once every entity's steps are),
  // its table made on first use, the parents it picks, and the plan-time
  // check of `distinct` groups against the parents available.
  void PlanPick(int e, int l);
  const PickTable& PickTableOf(const LinkStep& link) const;
  void PickParents(const LinkStep& link, std::span<const uint64_t> rows, const std::vector<BatchColumn>* columns,
                   std::vector<uint64_t>& parents) const;
  void CheckPicks();
  // compute.cpp: steps of `compute:` and `copy:` columns.
  void PlanComputed(int e);
  void PlanCopies(int e);
  void FillComputed(int e, const ComputeStep& step, std::span<const uint64_t> rows,
                    std::vector<BatchColumn>& columns) const;
  void FillCopy(int e, const CopyStep& step, std::span<const uint64_t> rows, BatchParents& batch_parents,
                std::vector<BatchColumn>& columns) const;
  // Per entity: the rows --rows asks for, or that a child's --rows implies
  // (PlanCounts); nullopt where the domain's counts decide.
  std::vector<std::optional<uint64_t>> asked_rows;

  // Walks the parents of a grouped link in order: parent `parent` has the
  // child rows [first, first + count). Positioned from the link's block
  // index, so a seek costs at most kParentBlock count draws and each step one.
  class ChildGroups {
   public:
    ChildGroups(const Impl& impl, const LinkStep& link) : impl_(impl), link_(link) {}
    void SeekParent(uint64_t parent);
    // To the parent whose children hold child row `row`.
    void SeekChild(uint64_t row);
    void Next();

    uint64_t parent = 0;
    uint64_t first = 0;
    uint64_t count = 0;

   private:
    void SeekBlock(size_t block);
    void Load();
    const Impl& impl_;
    const LinkStep& link_;
    uint64_t drawn_ = 0;        // children drawn by the parents before `parent`
    uint64_t drawn_count_ = 0;  // and by `parent`
  };
};

}  // namespace seedforge
