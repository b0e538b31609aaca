// Domains: entities, columns and links, as declared in a domain file.
//
// A Domain is parsed, resolved and validated once (ParseDomain, in the
// steps that generator/domain/steps.h describes). After ParseDomain returns, every provider, field, parameter, column reference
// and link in it resolves; the plan only has to check what depends on row
// counts (unique value spaces). See docs/domain-files.md for the format.
//
// Thread safety: immutable after parsing; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seedforge/error.h"
#include "seedforge/params.h"
#include "seedforge/random.h"
#include "seedforge/registry.h"

namespace seedforge {

class Expression;  // generator/domain/expression.h

// The longest name (entity, column, enum type, enum label, domain) in bytes:
// PostgreSQL's NAMEDATALEN - 1. The server would cut a longer identifier
// silently, and two names could become one, so the parser refuses them.
constexpr size_t kMaxNameBytes = 63;

// A PostgreSQL column type, as far as seedforge needs to know it.
struct SqlType {
  enum class Family {
    kSmallInt, kInteger, kBigInt, kNumeric, kReal, kDouble,
    kText, kVarchar, kChar, kBoolean, kDate, kTimestamp, kTimestampTz, kUuid,
    kJson, kJsonb,
    kEnum,  // a type declared under `enums:` in the domain file
    // PostgreSQL types whose values providers write as text.
    kBytea, kInet, kCidr, kInterval, kMoney, kTime, kCitext, kTsvector,
    kInt4Range, kInt8Range, kNumRange, kDateRange, kTsRange, kTstzRange,
  };
  Family family = Family::kText;
  int length = 0;     // varchar(n), char(n); 0 = unbounded
  int precision = 0;  // numeric(p, s); 0 = unconstrained
  int scale = 0;
  std::string enum_name;  // kEnum
  bool array = false;     // an array of the type above ("text[]")

  // SQL text: "varchar(40)", "numeric(12,2)", "timestamptz", an enum name
  // quoted where SQL needs it ("\"Mood\"[]").
  std::string ToSql() const;
  bool IsInteger() const;
  bool IsText() const;
  // The kind (and decimal scale) values of this type are kept in when the
  // engine makes them itself (`compute:`): integers, numeric(p,s) decimals,
  // doubles (real, double precision, numeric without precision), dates,
  // timestamps, booleans; text for everything else.
  std::pair<ValueKind, int> StoredKind() const;
  // Types whose values are written as text in any output (json, enums,
  // arrays): text-producing providers can fill them.
  bool TakesText() const;
  // Whether a column of this type stores every number in `range`: integer
  // types within their bounds, numeric(p,s) with fewer than p-s digits
  // before the point once rounded to s decimals, real below its overflow.
  // Other types hold any number (or cannot hold numbers at all: KindFits).
  // Of an array type, the range is its elements'.
  bool HoldsNumbers(const ValueRange& range) const;
  // The numbers HoldsNumbers accepts, for messages: "-32768 to 32767".
  std::string NumberLimits() const;

  bool operator==(const SqlType&) const = default;
};

// Parses "bigint", "varchar(40)", "numeric(12, 2)", "timestamp with time zone",
// "text[]"...; names in `enum_names` are enum types, written as they are
// or double-quoted as in SQL ("Mood", "\"Mood\"[]").
std::optional<SqlType> ParseSqlType(const std::string& text,
                                    const std::vector<std::string>& enum_names = {});

// Why `text` is not one SQL expression that DDL can hold as
// `CHECK (text)` or `DEFAULT (text)`, or "" when it is: a ';', a comment, a
// parenthesis closing what it did not open, an unterminated string, quoted
// name or dollar quote, or a control character other than tab and line
// breaks. Lexed as PostgreSQL does with standard_conforming_strings on
// (every script and load sets it), so a string cannot end early and let
// the rest run as a statement.
std::string SqlExpressionProblem(std::string_view text);

// The most rows a plan accepts for one entity: 10^15, far beyond what any
// run can write (30 years at a million rows a second), and small enough that
// no count, sum of counts or batch index can overflow 64 bits.
constexpr uint64_t kMaxRows = 1'000'000'000'000'000;

// A row count as written in a domain file or on the command line: decimal
// digits only, at most kMaxRows; nullopt for anything else.
std::optional<uint64_t> ParseRowCount(std::string_view text);

// How many children each parent has, along a link.
struct Cardinality {
  enum class Kind { kFixed, kRange, kPoisson, kLogNormal, kWeighted, kFunnel, kColumn };
  Kind kind = Kind::kFixed;
  int64_t min = 0;  // every kind is clamped to [min, max]
  int64_t max = 0;
  double lambda = 0;            // kPoisson
  double mu = 0, sigma = 1;     // kLogNormal: of the log of the count
  std::vector<int64_t> counts;  // kWeighted
  std::vector<double> weights;
  // kFunnel: the states of a state machine, in order, each reached with its
  // chance only if the one before was (`sent: 1, opened: 0.45, ...`); the
  // count is the number of states reached. See "Ordered histories".
  std::vector<std::string> states;
  std::vector<double> chances;
  // A count proportional to the parent's active time in the simulation
  // window (`rate`, docs/domain-files.md "Time"): kind is kPoisson and
  // lambda is set per parent (generate/time.cpp).
  struct Rate {
    double rate = 0;        // children per `per`
    std::string per;        // day, week, month or year
    double per_days = 0;    // its length in days (a month is 365.2425 / 12)
    std::string from, to;   // the parent's columns bounding its active time
    int from_column = -1;   // resolved, in the parent
    int to_column = -1;
    SourceLocation where;
  };
  std::optional<Rate> rate;
  // kColumn: each parent's count is the value of its column `column`
  // (`per_parent: {column: COL}`; NULL or negative: 0; clamped to max), read
  // by making the parent row again (generate/time.cpp). Sample and Mean know
  // nothing of it: the plan reads the parents.
  std::string column;
  int column_index = -1;  // resolved, in the parent
  SourceLocation column_where;

  // Whether the count depends on the parent row's columns (a rate or a
  // column), not only on the parent's stream.
  bool ReadsParent() const { return rate.has_value() || kind == Kind::kColumn; }
  int64_t Sample(RandomStream& random) const;
  double Mean() const;  // for planning messages and --scale estimates
};

// Where a DomainColumn's values come from. kNone only while parsing: a
// column an entity-level link fills later.

// A column of a parent reached through an entity's links, at any depth
// (`copy: customers.credit_score` on a transaction reads the customer of
// its account).
struct ParentColumn {
  std::string entity;  // as written
  std::string column;
  // Resolved: one link index per hop from the column's entity, and the
  // entity and column read at the end.
  std::vector<int> path;
  int target_entity = -1;
  int target_column = -1;
  SourceLocation where;
};
enum class ColumnSource {
  kProvider, kDerived, kReference, kOrdinal, kLearned, kComputed, kCopied, kAggregate, kStep, kNextOf, kNone
};

// A bound that a date or timestamp column's values keep (`after`, `before`,
// `between`, `min_age_at` in a domain file): a column of the same row, or of
// a parent reached through the entity's links at any depth (a transaction
// reads its customer through its account), plus an offset. A NULL bound
// bounds nothing. See docs/domain-files.md, "Rules across entities".
struct DateRule {
  enum class Side { kLower, kUpper };
  Side side = Side::kLower;
  std::string key;     // "after", "before", "between" or "min_age_at": for messages
  std::string entity;  // as written; empty: a column of the same row
  std::string column;
  int years = 0;  // added to the bound (min_age_at: 18 unless given)
  int days = 0;
  // Resolved (ResolveDomain): the links followed from the rule's entity,
  // one link index per hop (of the entity that hop starts from; empty for
  // the same row), and the entity and column read at the end.
  std::vector<int> path;
  int target_entity = -1;
  int target_column = -1;
  SourceLocation where;

  // "customers.date_of_birth + 18 years", as written, for messages.
  std::string Shown() const;
};

// A parent's value computed from its children (`aggregate:` in a domain
// file): count, sum, min, max, first or last of a column of the child
// rows grouped under it by a counting (per_parent) link, NULL values
// skipped as SQL skips them. See docs/domain-files.md, "Values from children".
struct Aggregate {
  enum class Op { kCount, kSum, kMin, kMax, kFirst, kLast };
  Op op = Op::kCount;
  std::string entity;  // the child entity, as written
  std::string column;  // its column; empty: count of rows
  // Resolved (ResolveDomain): the child entity, its column (-1 for a count
  // of rows) and the child's counting link to this entity.
  int child_entity = -1;
  int child_column = -1;
  int link = -1;
  SourceLocation where;

  // "count", "sum", ...: the key of `aggregate:` for each Op.
  static const char* OpName(Op op);
  // "sum: transactions.amount", as written, for messages.
  std::string Shown() const;
};

// `sequence` on a column: its values rise with the row's place among its
// parent's children (docs/domain-files.md, "Ordered histories").
struct ColumnSequence {
  // A delay between siblings: a plain number, or seconds (minutes and hours
  // are read as seconds) or days.
  struct Delay {
    enum class Unit { kNone, kSeconds, kDays };
    double amount = 0;
    Unit unit = Unit::kNone;
    SourceLocation where;
  };
  bool gaps = false;  // false (`sequence: true`): spread over the window
  Delay gap_min, gap_max;
  SourceLocation where;
};

// One column of a domain: what the file declares for it (SQL type,
// constraints, where its values come from), not values. The columns of
// generated rows are Column (column.h); a model's are ModelColumn.
struct DomainColumn {
  std::string name;
  SqlType type;
  bool type_given = false;  // false: taken from the provider field or the parent column
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  std::string default_sql;  // DEFAULT expression, verbatim
  std::string identity;     // "always" or "by default": an identity column
  std::string check_sql;    // CHECK expression, verbatim
  double null_rate = 0;     // share of NULLs (nullable columns only)
  std::string description;
  // Made and readable by the row's other columns (a learned age that a birth
  // date follows), but left out of every output, DDL and database load.
  bool hidden = false;

  ColumnSource source = ColumnSource::kProvider;
  // kProvider
  std::string provider;  // registry name
  std::string field;     // field of the provider
  std::string group;     // columns with the same provider and group share an instance
  Params params;
  // kDerived: a template such as "{first_name}.{last_name}@example.com"
  std::string derive;
  // kLearned: the column of the entity's trained model it takes its values
  // from (the column's own name unless given).
  std::string learned;
  // kComputed: an expression of the row's other columns (generator/domain/
  // expression.h), where its text starts (to point inside it), and the
  // expression parsed once (null when it does not parse: reported).
  std::string compute;
  SourceLocation compute_where;
  std::shared_ptr<const Expression> expression;
  // kCopied: the value of a parent's column.
  ParentColumn copy;
  // kAggregate
  Aggregate aggregate;
  // kOrdinal: 1, 2, 3... among the rows that share a parent through the
  // (per_parent) link of this column: line numbers in composite keys.
  std::string ordinal_of;
  // kStep: the column of the link (a `funnel`) whose state the row is.
  std::string step_of;
  // kNextOf: the column of the next sibling whose value this row takes,
  // plus `next_of_days`; resolved to its index.
  std::string next_of;
  int next_of_days = 0;
  int next_of_column = -1;
  std::optional<ColumnSequence> sequence;
  // kReference (and kOrdinal, kStep, kNextOf once resolved): which link and which of its columns
  int link = -1;
  int link_part = 0;
  // Bounds its values keep (date and timestamp columns filled by a provider
  // or a model), in the order written.
  std::vector<DateRule> rules;

  SourceLocation where;
};

// How a child picks its parent along a link that does not count it
// (`pick:` next to `references:`; docs/domain-files.md, "Picking parents").
// Without it, every parent is equally likely.
struct LinkPick {
  // `weight: PARENT_COL`: chance proportional to the parent's value
  // (NULL or negative: 0; all 0: uniform).
  std::string weight;
  int weight_column = -1;  // resolved, in the parent
  SourceLocation weight_where;
  // `match: {CHILD_COL: PARENT_COL}`: only parents whose PARENT_COL equals
  // the row's CHILD_COL (any parent when none does).
  struct Match {
    std::string child, parent;
    int child_column = -1, parent_column = -1;  // resolved
    SourceLocation where;
  };
  std::vector<Match> match;
  // `distinct_from: COL`: never the parent that the row's other reference
  // COL (to the same entity) names, unless only one parent exists.
  std::string distinct_from;
  int distinct_from_link = -1;  // resolved: the link COL belongs to
  SourceLocation distinct_from_where;
  // `distinct: true`: the children of one counting parent pick distinct
  // parents (junction tables keyed by both links).
  bool distinct = false;
  SourceLocation where;
};

// A foreign key from some columns of an entity to a key of another (or the same).
struct DomainLink {
  std::vector<std::string> columns;         // child columns
  std::string parent;                       // entity
  std::vector<std::string> parent_columns;  // a primary or unique key of the parent
  // Children per parent. When set (and the entity's row count is not given
  // explicitly), it defines the entity's row count and children come
  // grouped by parent; otherwise each child picks a parent uniformly.
  std::optional<Cardinality> per_parent;
  std::optional<LinkPick> pick;
  SourceLocation where;
};

// The trained model an entity's learned columns come from: a model file
// (`model: PATH`), or sample data to fit a model on when the plan is made
// (`model: {from: DATA.csv, synthesizer: copula|ctgan|tvae}`). Relative paths
// are relative to the domain file; for built-in domains they name files
// built into the binary (seeds/).
struct ModelRef {
  std::string path;         // model file, or the CSV with `from`
  bool from_data = false;   // fit at plan time from `path`
  std::string synthesizer;  // with from_data: copula (default)
  // Relations every sampled row satisfies ("closed_on > opened_on"), as
  // written, with where each was written.
  std::vector<std::pair<std::string, SourceLocation>> constraints;
  // With from_data: how to read columns of the data where inference would
  // guess wrong (a numeric code as categorical).
  struct TypeOverride {
    std::string column, type;
    SourceLocation where;
  };
  std::vector<TypeOverride> types;
  // With from_data and a neural synthesizer: training epochs and batch
  // size; 0 = FitOptions' defaults (300, 500).
  int epochs = 0;
  int batch_size = 0;
  // `given: [COL, ...]`: columns of the entity, made before the learned
  // ones (a hidden `copy:` of a parent's column, typically), whose values
  // condition the model row by row. Each is also a column of the model, of
  // the same name, and comes out equal to the row's value.
  struct Given {
    std::string column;
    int entity_column = -1;  // resolved
    SourceLocation where;
  };
  std::vector<Given> given;
  SourceLocation where;
  // Set by DomainLoadOptions::confine_files_to: the only folder `path` may
  // be read from (the model loader then reads nothing else: no file outside
  // it, no built-in file, no path relative to the working directory).
  std::string confined_to;
};

// One entity of a domain: a table, with its columns and outgoing links.
struct DomainEntity {
  std::string name;
  std::string description;
  std::optional<ModelRef> model;
  std::optional<uint64_t> rows;  // default row count
  std::vector<DomainColumn> columns;
  std::vector<DomainLink> links;
  SourceLocation where;

  int FindColumn(const std::string& column) const;  // -1 when absent
  std::vector<std::string> PrimaryKey() const;
  // The link that defines this entity's row count, or -1.
  int CountingLink() const;
};

// A type declared under `enums:`, made with CREATE TYPE ... AS ENUM.
struct DomainEnum {
  std::string name;
  std::vector<std::string> labels;
};

// The simulation window (`time: {from, to}`): what `date` and `timestamp`
// columns without their own bounds draw in, and what `rate` counts
// children over. Bounds as written (a date, a timestamp or today[+-]N),
// made absolute by the plan with the run's reference date; `to` is
// inclusive (a date `to` is its whole day).
struct DomainTime {
  std::string from, to;
  SourceLocation where, from_where, to_where;
};

// A named row (`scenarios:` in a domain file; docs/domain-files.md, "Named
// rows"): fixed values for some columns of `count` rows of an entity, the
// rest generated as usual. Named rows take fixed places among the entity's
// rows (NamedRowPlace in generator.h), so a label names the same row, and
// its keys the same values, in every run and at every scale.
struct NamedValue {
  std::string column;         // as written: a column, or a link's column naming a parent by label
  std::optional<std::string> text;  // as written; nullopt: NULL (`~`)
  SourceLocation where;
  // Resolved: the column; for a link column, the link and the parent's
  // named row the label names (an index into Domain::named_rows).
  int column_index = -1;
  int link = -1;
  int parent_row = -1;
};
// The most rows one named-row entry (`count: n`) may stand for: named rows
// are made with their values at plan time, and are meant to be few.
constexpr uint64_t kMaxNamedRowCount = 10'000;
struct NamedRow {
  std::string scenario;
  std::string entity;  // as written
  std::string label;   // empty: unlabelled (`count: n` rows are)
  uint64_t count = 1;
  std::vector<NamedValue> values;
  SourceLocation where;
  int entity_index = -1;  // resolved
};

struct Domain {
  std::string name;
  std::string description;
  std::vector<DomainEnum> enums;  // CREATE TYPE ... AS ENUM, in file order
  std::string file;  // as given, for messages
  std::optional<DomainTime> time;
  std::vector<DomainEntity> entities;
  // Named rows of every scenario, in file order (scenario by scenario).
  std::vector<NamedRow> named_rows;

  int FindEntity(const std::string& entity) const;  // -1 when absent
};

// A bound of the simulation window (`time:`, --from, --to) in microseconds
// since 1970-01-01: YYYY-MM-DD[ HH:MM[:SS]] or today[+-]N(d|m|y). An upper
// bound written as a date covers its whole day (`to: 2024-12-31` ends at
// 23:59:59.999999). nullopt when the text does not parse.
std::optional<int64_t> ParseTimeBound(const std::string& text, int64_t today, bool upper);

// Length of a `rate`'s `per` unit in days (a month is 365.2425 / 12 days),
// or nullopt for anything but day, week, month and year.
std::optional<double> RateUnitDays(std::string_view per);
// What a column's rules and constructs promise, one short line each, in
// words ("on or after customers.created_at", "computed: ..."): `validate`
// lists them under each entity.
std::vector<std::string> ExplainColumn(const DomainEntity& entity, const DomainColumn& column);

// How a domain from an untrusted source is read (`seedforge serve`'s
// uploads): every file the domain names (`model: PATH`, `model: {from: ...}`)
// must resolve inside `confine_files_to`: a relative path without `..`
// whose real location (symlinks followed) stays in that folder. Anything
// else is an InputError at the key's line and column, and ModelRef::
// confined_to makes the model loader check again when it reads.
struct DomainLoadOptions {
  std::string confine_files_to;  // empty: files anywhere, as the CLI reads them
};

// Parses and validates a domain file's text. Throws InputError carrying
// every problem found, each as file:line:column: message.
Domain ParseDomain(const std::string& text, const std::string& file,
                   const ProviderRegistry& registry, const DomainLoadOptions& load = {});

// Loads a domain by built-in name ("banking") or by path to a file.
Domain LoadDomain(const std::string& name_or_path, const ProviderRegistry& registry,
                  const DomainLoadOptions& load = {});

// Whether `path`, relative to `root`, names a place inside `root`: relative,
// no `..` component, and inside once symlinks are followed (as far as the
// path exists). Empty `why` when it does; otherwise the reason.
bool PathStaysInside(const std::string& path, const std::string& root, std::string* why);

// The names of the built-in domains.
std::vector<std::string> BuiltinDomainNames();

}  // namespace seedforge
