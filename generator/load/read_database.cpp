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
// an FK-closed sample:
//  1. Each root table (no NOT NULL foreign key to another table) gives about
//     sample_rows rows, the first by a hash of the row's key and the seed.
//  2. Each other table, parents before children, gives the rows whose
//     counting parent (its first NOT NULL foreign key in column order) is in
//     the sample: every child of a sampled parent.
//  3. Every row a sampled row references through any other foreign key
//     (self-references included) is added to its table, and again for the
//     rows so added, until every foreign key of the sample points inside it.
// Reads of step 2 and 3 name their keys (`WHERE key IN (...)`, in chunks),
// so a table is never read whole for a sample that needs a part of it.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "load/conninfo.h"
#include "load/pg_read_session.h"
#include "load/schema_subset.h"
#include "seedforge/database.h"
#include "seedforge/error.h"
#include "seedforge/introspect.h"
#include "seedforge/sql_ident.h"

namespace seedforge {

namespace {

// Keys per `IN (...)` read: a query text of a few hundred KB at most, and
// few enough round trips.
constexpr size_t kKeysPerRead = 5000;
// A table whose row count the catalog does not know (never analyzed) is
// counted when the planner guesses fewer rows than this; a larger one keeps
// the guess rather than scan the table for a number.
constexpr double kCountBelow = 1e6;

using Clock = std::chrono::steady_clock;
using Tuple = std::vector<std::string>;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Tuples as one string each, length-prefixed so that no two encode alike.
std::string Encode(const Tuple& tuple) {
  std::string out;
  for (const std::string& part : tuple) out += std::to_string(part.size()) + ':' + part;
  return out;
}

// The tuple of `columns` in a row; nullopt when a part is NULL (such a row
// refers to nothing, and nothing refers to it).
std::optional<Tuple> TupleOf(PgReadSession::Fields fields, const std::vector<int>& columns) {
  Tuple tuple;
  for (int c : columns) {
    if (!fields[c]) return std::nullopt;
    tuple.emplace_back(*fields[c]);
  }
  return tuple;
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

// Values of some columns of a table that the sample holds: a key that
// links refer to.
struct KeySet {
  std::vector<std::string> names;
  std::vector<int> columns;
  std::unordered_set<std::string> present;  // Encode()d
  std::vector<Tuple> added;                 // in row order, while the sample proper is read
};

struct TableState {
  const DomainEntity* entity = nullptr;
  std::string qualified;     // "schema"."table" AS t
  std::string select_list;   // t."a", t."b", ...
  std::string order_key;     // the primary key, or the whole row
  std::string key_text;      // the same as one text, for the sample's hash
  std::vector<std::string> sql_types;  // per schema column, for casts
  std::vector<int> field;    // per schema column: its place in the rows read (-1: hidden, not read)
  std::unique_ptr<TableBuilder> builder;
  uint64_t rows = 0;
  bool whole = false;        // every row of the table was read
  // Sampling only:
  int counting_link = -1;
  std::vector<KeySet> keys;                 // keys[0] tells rows apart
  std::vector<std::vector<int>> link_fields;  // per link: the places of its columns
  std::vector<std::vector<Tuple>> pending;  // per link: values not yet looked up
  uint64_t sampled_rows = 0;                // rows of steps 1 and 2

  // The place of a (stored) column in the rows read.
  int Field(const std::string& column) const { return field[static_cast<size_t>(entity->FindColumn(column))]; }
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
        if (column.hidden) {
          t.field.push_back(-1);
          continue;
        }
        t.field.push_back(static_cast<int>(names.size()));
        names.push_back(column.name);
        t.select_list += (t.select_list.empty() ? "t." : ", t.") + QuoteIdent(column.name);
        table_options.types[column.name] = SpecOf(column, keys.count(column.name) || column.unique);
      }
      for (const std::string& k : primary) t.order_key += (t.order_key.empty() ? "t." : ", t.") + QuoteIdent(k);
      t.key_text = t.order_key.empty() ? "t::text" : "ROW(" + t.order_key + ")::text";
      if (t.order_key.empty()) t.order_key = "t::text";
      t.builder = std::make_unique<TableBuilder>(SourceLocation{source + " table " + table, 0}, std::move(names),
                                                 std::move(table_options));
      t.sql_types.resize(entity.columns.size());
      for (auto& row : session.Query("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                                     "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                                     {table})) {
        const int c = entity.FindColumn(*row[0]);
        if (c < 0) continue;
        t.sql_types[static_cast<size_t>(c)] = *row[1];
      }
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
    PrepareSample();
    for (size_t i : ParentsFirst()) {
      TableState& t = tables_[i];
      const auto start = Clock::now();
      if (t.counting_link < 0) {
        // A hash of the key and the seed orders the rows: the same sample of
        // the same rows whatever their physical order, and another per seed.
        const uint64_t got = session_.Copy(
            fmt::format("SELECT {} FROM {} ORDER BY hashtextextended({}, {}), {} LIMIT {}", t.select_list,
                        t.qualified, t.key_text, static_cast<int64_t>(options_.seed), t.order_key,
                        options_.sample_rows),
            [&](PgReadSession::Fields fields) { Add(t, fields); });
        t.whole = got < options_.sample_rows;
      } else {
        const DomainLink& link = t.entity->links[static_cast<size_t>(t.counting_link)];
        TableState& parent = tables_[static_cast<size_t>(schema_.FindEntity(link.parent))];
        ReadKeys(t, link.columns, Keys(parent, link.parent_columns).added);
      }
      t.sampled_rows = t.rows;
      Progress(fmt::format("{}: {} rows ({}) in {:.2f} s", t.entity->name, t.rows,
                           t.counting_link < 0 ? "sampled"
                                               : "children of the sampled " +
                                                     t.entity->links[static_cast<size_t>(t.counting_link)].parent,
                           SecondsSince(start)));
    }
    closing_ = true;
    for (TableState& t : tables_) {
      for (KeySet& k : t.keys) std::vector<Tuple>().swap(k.added);
    }
    CloseUpwards();
  }

  void Finish(DatabaseSample& out) {
    for (TableState& t : tables_) {
      const std::string& name = t.entity->name;
      out.full_rows[name] = t.whole ? t.rows : FullRows(t);
      if (options_.sample_rows > 0) {
        out.sampled_rows[name] = t.sampled_rows;
        out.counting_links[name] = t.counting_link;
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

  // The counting link of each table (its first NOT NULL foreign key to
  // another table, by the place of its first column), the keys links refer
  // to, and room for the values rows refer to.
  void PrepareSample() {
    std::map<std::string, uint64_t> table_rows;  // before any is read: the catalog's
    for (TableState& t : tables_) table_rows[t.entity->name] = FullRows(t);
    for (TableState& t : tables_) {
      const DomainEntity& e = *t.entity;
      // The learner counts along the same link (DatabaseSample::counting_links);
      // whether a nullable reference holds NULLs is unknown before reading.
      t.counting_link = CountingLink(
          e, [&](size_t l) { return table_rows[e.links[l].parent]; }, [](size_t) { return false; });
      t.pending.resize(e.links.size());
      for (const DomainLink& link : e.links) {
        std::vector<int>& fields = t.link_fields.emplace_back();
        for (const std::string& c : link.columns) fields.push_back(t.Field(c));
      }
    }
    for (TableState& t : tables_) {
      for (const DomainLink& link : t.entity->links) Keys(tables_[static_cast<size_t>(schema_.FindEntity(link.parent))],
                                                          link.parent_columns);
    }
  }

  // The key of `t` made of `names`, added on first use.
  KeySet& Keys(TableState& t, const std::vector<std::string>& names) {
    for (KeySet& k : t.keys) {
      if (k.names == names) return k;
    }
    KeySet& k = t.keys.emplace_back();
    k.names = names;
    for (const std::string& n : names) k.columns.push_back(t.Field(n));
    return k;
  }

  // Tables in an order where each counting parent comes before its
  // children. A cycle of NOT NULL links has no first table: its first table
  // in schema order is sampled as a root.
  std::vector<size_t> ParentsFirst() {
    std::vector<size_t> order;
    std::vector<bool> placed(tables_.size(), false);
    while (order.size() < tables_.size()) {
      bool progress = false;
      for (size_t i = 0; i < tables_.size(); ++i) {
        if (placed[i]) continue;
        const TableState& t = tables_[i];
        const int parent = t.counting_link < 0 ? -1
                           : schema_.FindEntity(t.entity->links[static_cast<size_t>(t.counting_link)].parent);
        if (parent >= 0 && !placed[static_cast<size_t>(parent)]) continue;
        placed[i] = true;
        order.push_back(i);
        progress = true;
      }
      if (progress) continue;
      for (size_t i = 0; i < tables_.size(); ++i) {
        if (placed[i]) continue;
        Progress(fmt::format("{}: its NOT NULL foreign keys form a cycle; sampled as a root table",
                             tables_[i].entity->name));
        tables_[i].counting_link = -1;
        break;
      }
    }
    return order;
  }

  // Adds a row to the sample unless it holds it already.
  void Add(TableState& t, PgReadSession::Fields fields) {
    if (!t.keys.empty()) {
      if (std::optional<Tuple> key = TupleOf(fields, t.keys[0].columns)) {
        if (t.keys[0].present.count(Encode(*key))) return;
      }
    }
    t.builder->AddRow(fields, static_cast<int>(++t.rows));
    for (KeySet& k : t.keys) {
      if (std::optional<Tuple> key = TupleOf(fields, k.columns)) {
        k.present.insert(Encode(*key));
        if (!closing_) k.added.push_back(std::move(*key));
      }
    }
    for (size_t l = 0; l < t.link_fields.size(); ++l) {
      if (std::optional<Tuple> refers = TupleOf(fields, t.link_fields[l])) t.pending[l].push_back(std::move(*refers));
    }
  }

  // Reads the rows of `t` whose `columns` hold one of `keys`, in chunks.
  // Returns the rows added.
  uint64_t ReadKeys(TableState& t, const std::vector<std::string>& columns, const std::vector<Tuple>& keys) {
    const uint64_t before = t.rows;
    for (size_t from = 0; from < keys.size(); from += kKeysPerRead) {
      const size_t to = std::min(keys.size(), from + kKeysPerRead);
      std::string targets, arrays;
      for (size_t c = 0; c < columns.size(); ++c) {
        const int column = t.entity->FindColumn(columns[c]);
        targets += (c ? ", t." : "t.") + QuoteIdent(columns[c]);
        // An array literal of the values, cast to the column's own type so
        // that its index serves the lookup.
        std::string literal = "{";
        for (size_t r = from; r < to; ++r) {
          literal += r > from ? ",\"" : "\"";
          for (char ch : keys[r][c]) {
            if (ch == '"' || ch == '\\') literal += '\\';
            literal += ch;
          }
          literal += '"';
        }
        literal += '}';
        arrays += fmt::format("{}{}::{}[]", c ? ", " : "", QuoteLiteral(literal),
                              t.sql_types[static_cast<size_t>(column)]);
      }
      session_.Copy(fmt::format("SELECT {} FROM {} WHERE ({}) IN (SELECT * FROM unnest({})) ORDER BY {}",
                                t.select_list, t.qualified, targets, arrays, t.order_key),
                    [&](PgReadSession::Fields fields) { Add(t, fields); });
    }
    return t.rows - before;
  }

  // Step 3: the rows that sampled rows refer to, until none is missing.
  void CloseUpwards() {
    std::vector<uint64_t> added(tables_.size(), 0);
    std::vector<double> seconds(tables_.size(), 0);
    for (bool more = true; more;) {
      more = false;
      for (TableState& t : tables_) {
        for (size_t l = 0; l < t.pending.size(); ++l) {
          std::vector<Tuple> refers;
          refers.swap(t.pending[l]);
          if (refers.empty()) continue;
          const DomainLink& link = t.entity->links[l];
          const size_t p = static_cast<size_t>(schema_.FindEntity(link.parent));
          TableState& parent = tables_[p];
          KeySet& keys = Keys(parent, link.parent_columns);
          std::vector<Tuple> missing;
          std::unordered_set<std::string> asked;
          for (Tuple& tuple : refers) {
            std::string code = Encode(tuple);
            if (keys.present.count(code) || !asked.insert(std::move(code)).second) continue;
            missing.push_back(std::move(tuple));
          }
          if (missing.empty()) continue;
          const auto start = Clock::now();
          added[p] += ReadKeys(parent, link.parent_columns, missing);
          seconds[p] += SecondsSince(start);
          more = true;
        }
      }
    }
    for (size_t i = 0; i < tables_.size(); ++i) {
      if (added[i] == 0) continue;
      Progress(fmt::format("{}: {} more rows that the sample refers to, in {:.2f} s", tables_[i].entity->name,
                           added[i], seconds[i]));
    }
  }

  // Rows in the whole table: the catalog's statistics, else (never
  // analyzed) the planner's guess, counted when the guess is small.
  uint64_t FullRows(const TableState& t) {
    const std::string table = QuoteIdent(options_.schema) + "." + QuoteIdent(t.entity->name);
    auto stats = session_.Query("SELECT reltuples::float8, relkind::text FROM pg_class WHERE oid = $1::regclass", {table});
    const double reltuples = std::stod(*stats.at(0)[0]);
    if (reltuples > 0 && *stats.at(0)[1] == "r") return std::max<uint64_t>(t.rows, static_cast<uint64_t>(reltuples));
    // Without statistics the planner estimates from the table's pages.
    auto plan = session_.Query("EXPLAIN (FORMAT JSON) SELECT 1 FROM " + table);
    const std::string& json = *plan.at(0)[0];
    const size_t at = json.find("\"Plan Rows\":");
    const double guess = at == std::string::npos ? 0 : std::stod(json.substr(at + 12));
    if (guess < kCountBelow) return std::stoull(*session_.Query("SELECT count(*) FROM " + table).at(0)[0]);
    return std::max<uint64_t>(t.rows, static_cast<uint64_t>(guess));
  }

  // A SQL string literal (standard_conforming_strings is on in the read).
  static std::string QuoteLiteral(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }

  PgReadSession& session_;
  const Domain& schema_;
  const ReadDatabaseOptions& options_;
  std::vector<TableState> tables_;
  bool closing_ = false;  // step 3: the rows added are not the sample proper
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
