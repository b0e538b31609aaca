// The decisions behind a learned domain (seedforge/database.h, docs/learn-database.md):
// which link counts each table's rows, which parent columns hold learned
// counts and weights, which child columns copy a parent's or follow its
// dates, and which parent columns condition a child's model.
//
// PlanDatabase reads the sample only; DomainText writes the plan as domain
// YAML and TrainingTable the rows each table's model is fitted on, so the
// decisions can be tested without fitting or writing anything.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "seedforge/database.h"
#include "seedforge/synthesizer.h"

namespace seedforge::internal {

// A column the learned domain adds to an entity (hidden: never written out).
struct AddedColumn {
  enum class Kind {
    kCount,    // a parent's number of children on its child's counting link (learned)
    kWeight,   // a parent's number of children on another link (learned; the pick's weight)
    kContext,  // a child's copy of a parent column its model is conditioned on (`given`)
    kMatch,    // a child's learned category of the parent it picks on a second link to one parent
  };
  Kind kind = Kind::kCount;
  std::string name;
  std::string sql_type;  // "integer", or the parent column's
  // kCount, kWeight: the child entity and its link (index in its links).
  int child_entity = -1;
  int child_link = -1;
  // kContext, kMatch: the parent entity, its column and the link followed.
  int parent_entity = -1;
  int parent_column = -1;
  int link = -1;
};

struct LinkPlan {
  enum class Role {
    kCounting,  // per_parent: {column: n_<child>}
    kPicked,    // pick: {weight: ..., distinct, distinct_from, match}
    kSelf,      // a self-reference: a plain nullable reference
    kPlain,     // a parent without rows in the sample: a plain reference
  };
  Role role = Role::kPlain;
  std::string count_column;   // kCounting, kPicked: the parent's added column
  bool distinct = false;      // a composite key covers this link and the counting one
  std::string distinct_from;  // the other reference column to the same parent
  std::string match_child;    // match: {match_child: match_parent}
  std::string match_parent;
  double null_rate = 0;       // share of NULL references (nullable links)
  size_t orphans = 0;         // references found among no parent's keys
  int64_t max_children = 0;   // kCounting: the most children of one parent
  double mean_children = 0;
};

struct ColumnPlan {
  enum class Source {
    kSchema,
    kLearned,
    kCopied,
    kReference,
    kVocabulary,  // a root table's text, stratified: the source's counts in each run of rows; given to its model
  };
  Source source = Source::kSchema;
  // Whether the entity's model holds the column (learned, or given).
  bool Modelled() const { return source == Source::kLearned || source == Source::kVocabulary; }
  // kVocabulary: each label and how often the source has it, in the order
  // of first appearance.
  std::vector<std::pair<std::string, uint64_t>> counts;
  std::string copy_of;  // kCopied: "parent.column"
  std::string after;    // learned dates: "parent.column", never earlier on any row
  bool sequence = false;  // learned dates rising with the key among a parent's children
  std::string why;      // one short phrase for the comment of a choice the user may change
};

struct EntityPlan {
  bool has_table = false;
  uint64_t rows = 0;       // root entities: the full row count
  int counting_link = -1;  // index in the schema entity's links, or -1 (a root)
  std::vector<LinkPlan> links;      // one per schema link
  std::vector<ColumnPlan> columns;  // one per schema column
  std::vector<AddedColumn> added;   // hidden columns, in the order written
  std::vector<std::string> given;   // kVocabulary and kContext columns the model is conditioned on
  std::string model_file;           // "models/<entity>.model", or "" without learned columns
};

struct DatabasePlan {
  std::vector<EntityPlan> entities;  // one per schema entity
  std::vector<std::string> notes;    // what was found, one line each
};

// Context columns a child model is conditioned on, at most.
inline constexpr size_t kMaxGiven = 3;
// Cramér's V (over binned values) above which a parent column counts as
// associated with a child's columns, and two parents' categories as matched.
inline constexpr double kMinAssociation = 0.1;

DatabasePlan PlanDatabase(const DatabaseSample& sample);

// Per row of entity e: the row of its parent along link l, kNullRow (a NULL
// reference) or kOrphanRow (found among no parent's keys).
// REQUIRES: both entities have tables.
inline constexpr int64_t kNullRow = -1;
inline constexpr int64_t kOrphanRow = -2;
std::vector<int64_t> ParentRows(const DatabaseSample& sample, int e, int l);

// A key's value as text for matching references to keys: whole numbers
// without leading zeros or signs, so "007" in one file finds 7 in another.
std::string KeyText(const TableColumn& column, size_t row);

struct DomainTextOptions {
  std::string learned_at;    // "2026-12-07 06:40 UTC"
  std::string regenerate;    // the command that makes the file again
  std::string synthesizer;   // per table
};

// The learned domain as YAML, with comments on each choice.
std::string DomainText(const DatabaseSample& sample, const DatabasePlan& plan, const DomainTextOptions& options);

// The rows entity `e`'s model is fitted on: its learned columns, its added
// count and weight columns (one value per row: children counted in the
// sample) and its context and match columns (the parent's values).
// REQUIRES: plan.entities[e].has_table.
DataTable TrainingTable(const DatabaseSample& sample, const DatabasePlan& plan, int e);

}  // namespace seedforge::internal
