// Reading a live PostgreSQL database to learn from (seedforge/database.h).
//
// The schema comes from introspection (IntrospectDomain), which reads the
// catalog on its own connection just before the rows are read. The rows
// then come from one `REPEATABLE READ READ ONLY` transaction on a second
// connection: every table is read in the same snapshot, so a child never
// refers to a parent row that a concurrent writer added after the parent
// table was read, and a role with only SELECT privileges can learn. (A
// schema change between the two connections would show as a failing read,
// never as a wrong one.)
//
// Every table streams through COPY (query) TO STDOUT into a TableBuilder,
// with column types from the SQL types: numbers stay numbers, text stays
// text, keys are ids, NULL stays NULL.
//
// With sample_rows (docs/postgres.md, "Learning from a database"), the read is
// an FK-closed sample (load/fk_sample.h, the rule `mask --subset` shares):
// about sample_rows rows per root table by a hash of the key and the seed,
// every child along the counting link, then every row referred to.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>

#include "load/conninfo.h"
#include "load/fk_sample.h"
#include "load/pg_read_session.h"
#include "load/schema_subset.h"
#include "seedforge/database.h"
#include "seedforge/error.h"
#include "seedforge/introspect.h"
#include "seedforge/sql_ident.h"

namespace seedforge {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The type a column's values are read as: the SQL type decides where it
// can (an integer code stays an integer, numeric a decimal); keys (primary,
// unique, foreign) of integer, text or uuid type are ids; text is a
// category, an id or free text as its values say.
ColumnSpec SpecOf(const DomainColumn& column, bool key) {
  using F = SqlType::Family;
  const SqlType& type = column.type;
  if (type.array) return {.any_text = true};
  if (key && (type.IsInteger() || type.IsText() || type.family == F::kUuid)) return {ColumnType::kId};
  switch (type.family) {
    case F::kSmallInt:
    case F::kInteger:
    case F::kBigInt: return {ColumnType::kInteger};
    case F::kNumeric:
    case F::kReal:
    case F::kDouble: return {ColumnType::kDecimal};
    case F::kBoolean: return {ColumnType::kBoolean};
    case F::kDate: return {ColumnType::kDate, DateFormat{}};  // DateStyle ISO
    case F::kTimestamp:
    case F::kTimestampTz: return {ColumnType::kTimestamp};    // fraction digits vary: inferred
    case F::kUuid: return {ColumnType::kId};
    case F::kEnum: return {ColumnType::kCategory};
    case F::kJson:
    case F::kJsonb: return {ColumnType::kText};
    default: return {.any_text = true};
  }
}

struct TableState {
  const DomainEntity* entity = nullptr;
  std::string qualified;     // "schema"."table" AS t
  std::string select_list;   // t."a", t."b", ...
  std::unique_ptr<TableBuilder> builder;
  uint64_t rows = 0;
  bool whole = false;        // every row of the table was read
};

class DatabaseReader {
 public:
  DatabaseReader(PgReadSession& session, const Domain& schema, const ReadDatabaseOptions& options,
                 const std::string& source)
      : session_(session), schema_(schema), options_(options) {
    for (const DomainEntity& entity : schema.entities) {
      TableState& t = tables_.emplace_back();
      t.entity = &entity;
      const std::string table = QuoteIdent(options.schema) + "." + QuoteIdent(entity.name);
      t.qualified = table + " AS t";
      std::set<std::string> keys;
      for (const DomainLink& link : entity.links) keys.insert(link.columns.begin(), link.columns.end());
      const std::vector<std::string> primary = entity.PrimaryKey();
      if (primary.size() == 1) keys.insert(primary[0]);
      std::vector<std::string> names;
      TableOptions table_options;
      table_options.lenient = true;  // 'infinity', BC dates: NULL, counted
      for (const DomainColumn& column : entity.columns) {
        // A hidden column is made by the generator, never stored.
        if (column.hidden) continue;
        names.push_back(column.name);
        t.select_list += (t.select_list.empty() ? "t." : ", t.") + QuoteIdent(column.name);
        table_options.types[column.name] = SpecOf(column, keys.count(column.name) || column.unique);
      }
      t.builder = std::make_unique<TableBuilder>(SourceLocation{source + " table " + table, 0}, std::move(names),
                                                 std::move(table_options));
    }
  }

  void ReadWhole() {
    for (TableState& t : tables_) {
      const auto start = Clock::now();
      session_.Copy("SELECT " + t.select_list + " FROM " + t.qualified,
                    [&](PgReadSession::Fields fields) { t.builder->AddRow(fields, static_cast<int>(++t.rows)); });
      t.whole = true;
      Progress(fmt::format("{}: {} rows in {:.2f} s", t.entity->name, t.rows, SecondsSince(start)));
    }
  }

  void ReadSample() {
    FkSampleOptions sample;
    sample.schema = options_.schema;
    sample.rows_per_root = options_.sample_rows;
    sample.seed = options_.seed;
    sample.progress = options_.progress;
    sampler_ = std::make_unique<FkSampler>(session_, schema_, sample, [&](size_t i, PgReadSession::Fields fields) {
      TableState& t = tables_[i];
      t.builder->AddRow(fields, static_cast<int>(++t.rows));
    });
    sampler_->Run();
    for (size_t i = 0; i < tables_.size(); ++i) tables_[i].whole = sampler_->result(i).whole;
  }

  void Finish(DatabaseSample& out) {
    for (size_t i = 0; i < tables_.size(); ++i) {
      TableState& t = tables_[i];
      const std::string& name = t.entity->name;
      out.full_rows[name] =
          t.whole ? t.rows : TableRowCount(session_, QuoteIdent(options_.schema) + "." + QuoteIdent(name), t.rows);
      if (sampler_) {
        out.sampled_rows[name] = sampler_->result(i).sampled_rows;
        out.counting_links[name] = sampler_->result(i).counting_link;
      }
      Table table = std::move(*t.builder).Finish();
      for (const TableColumn& column : table.columns) {
        if (column.unparsed == 0) continue;
        Progress(fmt::format("{}.{}: {} values not readable as {} (read as NULL)", name, column.name, column.unparsed,
                             ColumnTypeName(column.type)));
      }
      out.tables[name] = std::move(table);
    }
  }

 private:
  void Progress(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }

  PgReadSession& session_;
  const Domain& schema_;
  const ReadDatabaseOptions& options_;
  std::vector<TableState> tables_;
  std::unique_ptr<FkSampler> sampler_;
};

}  // namespace

DatabaseSample ReadPostgresDatabase(const ReadDatabaseOptions& options, const ProviderRegistry& registry) {
  const ConnectionString db(options.uri);
  DatabaseSample out;
  out.source = db.Display();
  auto progress = [&](std::string_view line) {
    if (options.progress) options.progress(line);
  };
  const auto start = std::chrono::steady_clock::now();
  IntrospectOptions introspect;
  introspect.uri = options.uri;
  introspect.schema = options.schema;
  out.schema_text = IntrospectDomain(introspect, registry);
  const std::string schema_file = "the schema " + options.schema + " of " + out.source;
  out.schema = ParseDomain(out.schema_text, schema_file, registry);
  if (!options.tables.empty()) {
    out.schema_text = SchemaSubset(out.schema_text, out.schema, options.tables, schema_file, progress);
    out.schema = ParseDomain(out.schema_text, schema_file, registry);
  }
  progress(fmt::format("schema {}: {} tables in {:.2f} s", options.schema, out.schema.entities.size(),
                       SecondsSince(start)));

  PgReadSession session(db);
  // One snapshot for every table's rows (the catalog was read just before,
  // by introspection on its own connection). READ ONLY: SELECT privileges
  // are all a role needs.
  session.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  // Values as the table layer reads them (ISO dates, UTC timestamps), and
  // the same row order for the same rows: a synchronized scan would start
  // where another session's scan of a big table happens to be.
  session.Exec("SET LOCAL DateStyle = ISO, YMD");
  session.Exec("SET LOCAL TimeZone = 'UTC'");
  session.Exec("SET LOCAL IntervalStyle = postgres");
  session.Exec("SET LOCAL extra_float_digits = 1");
  session.Exec("SET LOCAL standard_conforming_strings = on");
  session.Exec("SET LOCAL synchronize_seqscans = off");
  DatabaseReader reader(session, out.schema, options, out.source);
  if (options.sample_rows == 0) {
    reader.ReadWhole();
  } else {
    reader.ReadSample();
  }
  reader.Finish(out);
  session.Exec("COMMIT");
  return out;
}

}  // namespace seedforge
