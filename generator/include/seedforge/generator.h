// The plan and the row generator.
//
// A Generator is made once per run from a validated Domain: it decides row
// counts (options, --scale, and children-per-parent along links), the order
// of entities (parents first), the order of columns inside each entity, and
// makes every provider instance. It then produces any range of rows of any
// entity on demand, as a pure function of (seed, entity, row): batches can
// be made in any order, on any thread, and give the same bytes.
//
// Foreign keys need no stored parents: a child's parent row index is drawn
// from its own stream (or found from the per-parent counts, when children
// come grouped by parent), and the parent's key values for that row are
// regenerated on the spot. Memory is bounded by the batch size, whatever the
// row count; the only per-run state is one integer per 4,096 parents of a
// grouped link.
//
// Thread safety: after construction, every method is const and thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"

namespace seedforge {

// A trained model as the engine sees it: named, typed columns sampled per
// row. The synthesizers (generator/learn) implement it; the engine needs
// nothing else of them.
class LearnedSource {
 public:
  virtual ~LearnedSource() = default;
  virtual std::vector<std::pair<std::string, ValueKind>> Columns() const = 0;
  // The values a numeric, date or timestamp column takes, when known: the
  // plan checks them against the domain column's SQL type.
  virtual std::optional<ValueRange> Range(size_t column) const {
    (void)column;
    return std::nullopt;
  }
  // The longest text value of a column in bytes; 0 when unknown.
  virtual size_t MaxLength(size_t column) const {
    (void)column;
    return 0;
  }
  // Fills one BatchColumn per Columns() entry with rows.size() values; row r
  // draws only from RandomStream(key, r). Const and thread-safe.
  virtual void SampleRows(std::span<const uint64_t> rows, uint64_t key, std::vector<BatchColumn>& out) const = 0;
  // SampleRows conditioned row by row (`model: {given}`): given[k] holds,
  // for each row, the value of the k-th column the source was loaded with
  // as given (ModelRef::given; a NULL conditions on NULL), and the output's
  // column of that name equals it. Sources loaded without `given` ignore
  // `given` (it is then empty).
  virtual void SampleRowsGiven(std::span<const uint64_t> rows, uint64_t key,
                               const std::vector<const BatchColumn*>& given, std::vector<BatchColumn>& out) const {
    (void)given;
    SampleRows(rows, key, out);
  }
};

// Loads or fits the model an entity names. `domain_file` locates relative
// paths. Throws InputError (at ref.where) when it cannot.
using ModelLoader =
    std::function<std::unique_ptr<LearnedSource>(const ModelRef& ref, const std::string& domain_file)>;

struct GenerateOptions {
  uint64_t seed = 1;
  std::map<std::string, uint64_t> rows;  // --rows ENTITY=N
  double scale = 1.0;                    // applied to the domain's default counts
  int64_t today = 0;                     // days since 1970-01-01 (see ProviderContext)
  // --from/--to: the simulation window's bounds in microseconds, each
  // replacing the domain's `time:` bound (both needed when it has none).
  std::optional<int64_t> from, to;
  uint64_t default_rows = 100;           // for entities that declare none
  ModelLoader model_loader;              // needed by domains with learned columns
  // Threads the plan may use to count the children of every parent of a
  // grouped link (per_parent): O(parents) work that each shard of a run
  // repeats. The plan is the same for any count.
  int threads = 1;
  // 0: none. Otherwise planning stops with RowBudgetExceeded as soon as the
  // rows planned so far pass it: a server refuses an oversize run at once
  // instead of first drawing its per-parent counts parent by parent.
  uint64_t row_budget = 0;
};

// Thrown while planning when GenerateOptions::row_budget is passed.
class RowBudgetExceeded : public UsageError {
 public:
  RowBudgetExceeded(uint64_t planned_at_least, uint64_t budget)
      : UsageError("the run plans more than " + std::to_string(budget) + " rows (at least " +
                   std::to_string(planned_at_least) + ")"),
        planned_at_least_(planned_at_least) {}
  uint64_t planned_at_least() const { return planned_at_least_; }

 private:
  uint64_t planned_at_least_;
};

// A labelled named row (`scenarios:`, docs/domain-files.md "Named rows")
// and the row it is: 0-based, the same in every run, at any --scale or
// --rows (the key columns of that row are what a test looks it up by).
struct RowLabel {
  std::string label;
  std::string scenario;
  uint64_t row = 0;
};

struct EntityPlan {
  const DomainEntity* def = nullptr;
  uint64_t rows = 0;
  // Rows come grouped by parent along this link (per_parent), or -1.
  int grouped_link = -1;
};

class Generator {
 public:
  // Plans the run. Throws UsageError for a bad --rows entity, InputError for
  // a count a unique column or link cannot satisfy (naming the column).
  Generator(const Domain& domain, const ProviderRegistry& registry, const GenerateOptions& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  const Domain& domain() const;
  const GenerateOptions& options() const;
  const std::vector<EntityPlan>& entities() const;  // in domain order
  // Entity indices, parents before children (cycles broken at nullable links).
  const std::vector<int>& order() const;
  // The simulation window (microseconds, inclusive), when the domain or
  // the options give one.
  const std::optional<ProviderContext::Window>& window() const;

  // The labelled named rows of `entity`, in file order (code generation
  // exposes them as fixtures.ENTITY.LABEL).
  std::vector<RowLabel> Labels(int entity) const;

  // Prepares a batch for an entity: one BatchColumn per column, typed.
  void InitBatch(int entity, Batch& batch) const;
  // Fills every column of rows [first_row, first_row + count) of `entity`.
  // REQUIRES: batch initialised by InitBatch for this entity.
  void Generate(int entity, uint64_t first_row, size_t count, Batch& batch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seedforge
