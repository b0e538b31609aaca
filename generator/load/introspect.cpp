// Reads a PostgreSQL schema from its catalogs, and a sample of its rows,
// and writes it as a domain. Everything is read in one READ ONLY,
// REPEATABLE READ transaction: one snapshot, and nothing written.
#include "seedforge/introspect.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "domain/column_guess.h"
#include "load/conninfo.h"
#include "load/introspect_text.h"
#include "seedforge/calendar.h"
#include "seedforge/database.h"
#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/load.h"
#include "seedforge/sql_ident.h"

namespace seedforge {

namespace {

using internal::CheckFacts;
using internal::ParseIntArray;
using internal::ReadCheck;
using internal::Yaml;

// Rows read per table to choose providers from the values: enough for
// shares of a few percent, little enough for any table.
constexpr int kSampleRows = 2000;
// Parents whose children are counted for a `per_parent` distribution.
constexpr int kCountedParents = 10000;
// Tables up to this many rows are counted exactly (so the domain does not
// depend on when autovacuum last ran); larger ones take pg_class.reltuples.
constexpr int64_t kExactCountLimit = 1000000;
// Row count of a table without rows, when --rows is not given.
constexpr uint64_t kDefaultRows = 1000;

struct PgAttribute {
  int attnum = 0;
  std::string name;
  std::string type;  // format_type(); of a DOMAIN, its base type's
  bool not_null = false;
  std::string default_expr;
  char identity = 0;   // 'a' always, 'd' by default
  char generated = 0;  // 's' stored
  char typtype = 'b';  // 'e' enum (of the base type for a DOMAIN)
  std::string typname;
  std::string domain;        // the DOMAIN type's name, when the column has one
  std::string domain_check;  // its CHECKs, VALUE replaced by the column
};

struct PgConstraint {
  char type = 0;  // p u f c
  std::string name;
  std::vector<int> keys;
  uint32_t ref_table = 0;
  std::vector<int> ref_keys;
  std::string definition;
};

// A partition's bound (pg_get_expr(relpartbound)) and the partition.
struct PgPartition {
  std::string name;
  std::string bound;
};

struct PgTrigger {
  std::string name;
  std::set<std::string> fills;  // columns the trigger function assigns (NEW.col := ...)
};

struct PgTable {
  uint32_t oid = 0;
  std::string name;
  double reltuples = -1;  // of a partitioned table, the sum of its partitions'
  std::vector<PgAttribute> columns;
  std::vector<PgConstraint> constraints;
  char partition_strategy = 0;  // 'r' range, 'l' list, 'h' hash
  std::vector<int> partition_key;
  std::vector<PgPartition> partitions;
  std::vector<PgTrigger> triggers;
  uint64_t rows = 0;  // counted (or estimated, above kExactCountLimit)
  std::map<std::string, std::vector<std::optional<std::string>>> sample;  // by column name
  // The counting link (the first NOT NULL single-column foreign key to
  // another table) and its children per parent in the data.
  int counting_key = 0;
  std::map<int64_t, uint64_t> children_per_parent;

  const PgAttribute* Column(int attnum) const {
    for (const PgAttribute& c : columns) {
      if (c.attnum == attnum) return &c;
    }
    return nullptr;
  }
  const PgAttribute* Column(const std::string& column) const {
    for (const PgAttribute& c : columns) {
      if (c.name == column) return &c;
    }
    return nullptr;
  }
};

// A name inside a `references:` value: double-quoted as in SQL when it holds
// a character of that syntax (. ( , ) ") or spaces at its ends.
std::string RefName(const std::string& name) {
  if (!name.empty() && name.find_first_of(".(),\"") == std::string::npos && name.front() != ' ' &&
      name.back() != ' ') {
    return name;
  }
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A DOMAIN's CHECK (pg_get_constraintdef: "CHECK ((VALUE >= 1901))") as a
// column's: the keyword VALUE, outside string literals, becomes the column.
std::string DomainCheckFor(const std::string& definition, const std::string& column) {
  std::string body = definition.rfind("CHECK ", 0) == 0 ? definition.substr(6) : definition;
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\'') quoted = !quoted;
    auto word = [&](size_t at) { return at < body.size() && (std::isalnum(static_cast<unsigned char>(body[at])) || body[at] == '_'); };
    if (!quoted && body.compare(i, 5, "VALUE") == 0 && (i == 0 || !word(i - 1)) && !word(i + 5)) {
      out += QuoteIdent(column);
      i += 4;
      continue;
    }
    out += c;
  }
  return out;
}

// The columns a trigger function assigns: `NEW.col :=` or `NEW.col =` in
// PL/pgSQL, or the first argument of the built-in tsvector_update_trigger.
std::set<std::string> AssignedColumns(const std::string& function, const std::string& source,
                                      const std::vector<std::string>& args) {
  std::set<std::string> out;
  if (function.rfind("tsvector_update_trigger", 0) == 0) {
    if (!args.empty()) out.insert(args[0]);
    return out;
  }
  static const std::regex kAssign(R"re(\bnew\s*\.\s*"?(\w+)"?\s*:?=[^=])re", std::regex::icase);
  for (auto it = std::sregex_iterator(source.begin(), source.end(), kAssign); it != std::sregex_iterator(); ++it) {
    std::string column = (*it)[1];
    std::transform(column.begin(), column.end(), column.begin(), [](unsigned char c) { return std::tolower(c); });
    out.insert(column);
  }
  return out;
}

// One value of a partition bound: 'text' (quotes doubled), a number,
// MINVALUE or MAXVALUE.
std::vector<std::string> BoundValues(const std::string& list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < list.size();) {
    if (list[i] == ' ' || list[i] == ',') {
      ++i;
    } else if (list[i] == '\'') {
      std::string v;
      for (++i; i < list.size(); ++i) {
        if (list[i] == '\'' && i + 1 < list.size() && list[i + 1] == '\'') {
          v += '\'';
          ++i;
        } else if (list[i] == '\'') {
          ++i;
          break;
        } else {
          v += list[i];
        }
      }
      out.push_back(v);
    } else {
      size_t end = list.find(',', i);
      if (end == std::string::npos) end = list.size();
      out.push_back(list.substr(i, end - i));
      while (!out.back().empty() && out.back().back() == ' ') out.back().pop_back();
      i = end;
    }
  }
  return out;
}

// A value of the partition key's type as a number that orders as the type
// does: integers as they are, dates in days, timestamps in seconds.
std::optional<int64_t> BoundNumber(const std::string& v) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec == std::errc() && end == v.data() + v.size()) return n;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(v.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) >= 3 && IsValidDate(y, mo, d)) {
    return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
  }
  return std::nullopt;
}

// The provider that keeps a range-partitioned table's key inside its
// partitions: the longest run of partitions that follow each other without
// a gap, from its lowest bound up to (not including) its highest. "" when
// the bounds are not single values of an integer, date or timestamp.
std::string PartitionKeySource(const SqlType& type, const std::vector<PgPartition>& partitions, std::string* note) {
  static const std::regex kRange(R"(FOR VALUES FROM \((.*)\) TO \((.*)\))");
  static const std::regex kList(R"(FOR VALUES IN \((.*)\))");
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::vector<std::string> listed;
  for (const PgPartition& p : partitions) {
    std::smatch m;
    if (std::regex_match(p.bound, m, kRange)) {
      auto from = BoundValues(m[1]), to = BoundValues(m[2]);
      if (from.size() != 1 || to.size() != 1) return "";
      auto lo = BoundNumber(from[0]), hi = BoundNumber(to[0]);
      if (lo && hi && *lo < *hi) ranges.emplace_back(*lo, *hi);
    } else if (std::regex_match(p.bound, m, kList)) {
      for (const std::string& v : BoundValues(m[1])) {
        if (v != "NULL") listed.push_back(v);
      }
    }
  }
  if (!listed.empty()) {
    std::string out = "provider: category, params: {values: [";
    for (size_t i = 0; i < listed.size(); ++i) out += (i ? ", " : "") + Yaml(listed[i]);
    return out + "]}";
  }
  if (ranges.empty()) return "";
  std::sort(ranges.begin(), ranges.end());
  std::pair<int64_t, int64_t> best = ranges[0], run = ranges[0];
  for (size_t i = 1; i < ranges.size(); ++i) {
    run = ranges[i].first == run.second ? std::make_pair(run.first, ranges[i].second) : ranges[i];
    if (run.second - run.first > best.second - best.first) best = run;
  }
  if (best.second - best.first < ranges.back().second - ranges.front().first) {
    *note = "its partitions leave gaps: values are kept in the longest run without one";
  }
  using F = SqlType::Family;
  if (type.IsInteger()) {
    return fmt::format("provider: integer, params: {{min: {}, max: {}}}", best.first, best.second - 1);
  }
  std::string from, to;
  if (type.family == F::kDate) {
    AppendDate(best.first / 86400, from);
    AppendDate(best.second / 86400 - 1, to);
    return "provider: date, params: {from: " + from + ", to: " + to + "}";
  }
  if (type.family == F::kTimestamp || type.family == F::kTimestampTz) {
    AppendTimestamp(best.first * 1000000, from);
    AppendTimestamp((best.second - 1) * 1000000, to);
    return "provider: timestamp, params: {from: " + Yaml(from) + ", to: " + Yaml(to) + "}";
  }
  return "";
}

class Introspector {
 public:
  Introspector(const IntrospectOptions& options, const ProviderRegistry& registry)
      : options_(options), registry_(registry) {}

  std::string Run();

 private:
  void Read(pqxx::transaction_base& tx);
  void ReadColumns(pqxx::transaction_base& tx, const std::map<uint32_t, size_t>& by_oid,
                   const std::map<uint32_t, uint32_t>& root_of);
  void ReadConstraints(pqxx::transaction_base& tx, const std::map<uint32_t, size_t>& by_oid,
                       const std::map<uint32_t, uint32_t>& root_of);
  void ReadTriggers(pqxx::transaction_base& tx, const std::map<uint32_t, size_t>& by_oid);
  void ReadData(pqxx::transaction_base& tx);
  std::string TableText(const PgTable& table, const std::map<uint32_t, const PgTable*>& by_oid);
  std::string ColumnLine(const PgTable& table, const PgAttribute& column, const std::set<int>& pk,
                         const std::set<int>& unique, const std::map<int, std::string>& references,
                         const std::map<std::string, CheckFacts>& checks, const std::string& check_sql);

  const IntrospectOptions& options_;
  const ProviderRegistry& registry_;
  std::vector<PgTable> tables_;
  // Attribute names of partitions, to carry their constraints to the root.
  std::map<uint32_t, std::map<int, std::string>> partition_columns_;
  std::map<std::string, std::vector<std::string>> enums_;
  std::set<std::string> used_enums_;
  uint64_t max_rows_ = 0;  // of the table being written: a small unique key caps it
};

void Introspector::Read(pqxx::transaction_base& tx) {
  // Bounds of timestamptz partitions and sampled values in UTC, as load
  // reads timestamps.
  tx.exec("SET LOCAL TimeZone = 'UTC'");
  pqxx::result tables = tx.exec_params(
      "SELECT c.oid, c.relname, c.reltuples::float8, coalesce(pt.partstrat::text, ''), "
      "       coalesce(pt.partattrs::text, '') "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname",
      options_.schema);
  if (tables.empty()) {
    throw Error("schema '" + options_.schema + "' of " + ConnectionString(options_.uri).Display() + " has no tables");
  }
  std::map<uint32_t, size_t> by_oid;
  for (const auto& row : tables) {
    PgTable t;
    t.oid = row[0].as<uint32_t>();
    t.name = row[1].as<std::string>();
    t.reltuples = row[2].as<double>();
    const std::string strategy = row[3].as<std::string>();
    t.partition_strategy = strategy.empty() ? 0 : strategy[0];
    t.partition_key = ParseIntArray(row[4].as<std::string>());
    by_oid[t.oid] = tables_.size();
    tables_.push_back(std::move(t));
  }
  // Partitions are not entities: rows go to the partitioned table, which
  // routes them. Their bounds say where the key's values may fall.
  std::map<uint32_t, uint32_t> root_of;
  pqxx::result partitions = tx.exec_params(
      "SELECT c.oid, pg_partition_root(c.oid)::oid, c.relname, coalesce(pg_get_expr(c.relpartbound, c.oid), ''), "
      "       i.inhparent = pg_partition_root(c.oid)::oid, c.relkind::text, c.reltuples::float8 "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits i ON i.inhrelid = c.oid "
      "WHERE n.nspname = $1 AND c.relispartition ORDER BY c.relname",
      options_.schema);
  for (const auto& row : partitions) {
    const uint32_t oid = row[0].as<uint32_t>(), root = row[1].as<uint32_t>();
    auto it = by_oid.find(root);
    if (it == by_oid.end()) continue;
    root_of[oid] = root;
    PgTable& table = tables_[it->second];
    if (row[4].as<bool>()) table.partitions.push_back({row[2].as<std::string>(), row[3].as<std::string>()});
    const double tuples = row[6].as<double>();
    if (row[5].as<std::string>() == "r" && tuples > 0) table.reltuples = std::max(table.reltuples, 0.0) + tuples;
  }
  ReadColumns(tx, by_oid, root_of);
  ReadConstraints(tx, by_oid, root_of);
  ReadTriggers(tx, by_oid);
  pqxx::result enums = tx.exec(
      "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
      "ORDER BY t.typname, e.enumsortorder");
  for (const auto& row : enums) enums_[row[0].as<std::string>()].push_back(row[1].as<std::string>());
  ReadData(tx);
}

void Introspector::ReadColumns(pqxx::transaction_base& tx, const std::map<uint32_t, size_t>& by_oid,
                               const std::map<uint32_t, uint32_t>& root_of) {
  // DOMAIN types, each with its base type, NOT NULL and CHECKs; a domain
  // over a domain takes its base's too.
  struct Domain {
    uint32_t base = 0;
    std::string base_type, base_typname;
    char base_typtype = 'b';
    bool not_null = false;
    std::vector<std::string> checks;
  };
  std::map<uint32_t, Domain> domains;
  for (const auto& row : tx.exec(
           "SELECT t.oid, t.typbasetype, format_type(t.typbasetype, t.typtypmod), t.typnotnull, "
           "       b.typtype::text, b.typname "
           "FROM pg_type t JOIN pg_type b ON b.oid = t.typbasetype WHERE t.typtype = 'd'")) {
    Domain& d = domains[row[0].as<uint32_t>()];
    d.base = row[1].as<uint32_t>();
    d.base_type = row[2].as<std::string>();
    d.not_null = row[3].as<bool>();
    d.base_typtype = row[4].as<std::string>()[0];
    d.base_typname = row[5].as<std::string>();
  }
  for (const auto& row : tx.exec(
           "SELECT contypid, pg_get_constraintdef(oid) FROM pg_constraint "
           "WHERE contypid <> 0 AND contype = 'c' ORDER BY contypid, conname")) {
    auto it = domains.find(row[0].as<uint32_t>());
    if (it != domains.end()) it->second.checks.push_back(row[1].as<std::string>());
  }
  pqxx::result columns = tx.exec_params(
      "SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "       coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text, "
      "       t.typtype::text, t.typname, a.atttypid "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attrelid, a.attnum",
      options_.schema);
  for (const auto& row : columns) {
    const uint32_t rel = row[0].as<uint32_t>();
    if (root_of.count(rel)) {
      partition_columns_[rel][row[1].as<int>()] = row[2].as<std::string>();
      continue;
    }
    auto it = by_oid.find(rel);
    if (it == by_oid.end()) continue;
    PgAttribute c;
    c.attnum = row[1].as<int>();
    c.name = row[2].as<std::string>();
    c.type = row[3].as<std::string>();
    c.not_null = row[4].as<bool>();
    c.default_expr = row[5].as<std::string>();
    std::string identity = row[6].as<std::string>(), generated = row[7].as<std::string>();
    c.identity = identity.empty() ? 0 : identity[0];
    c.generated = generated.empty() ? 0 : generated[0];
    c.typtype = row[8].as<std::string>()[0];
    c.typname = row[9].as<std::string>();
    // A DOMAIN column is its base type with the domain's constraints as
    // the column's own, so that providers and DDL see what values fit.
    for (auto d = domains.find(row[10].as<uint32_t>()); d != domains.end(); d = domains.find(d->second.base)) {
      if (c.domain.empty()) c.domain = c.typname;
      c.type = d->second.base_type;
      c.typtype = d->second.base_typtype;
      c.typname = d->second.base_typname;
      c.not_null = c.not_null || d->second.not_null;
      for (const std::string& check : d->second.checks) {
        const std::string sql = DomainCheckFor(check, c.name);
        c.domain_check = c.domain_check.empty() ? sql : c.domain_check + " AND " + sql;
      }
    }
    if (!c.domain_check.empty()) {
      PgConstraint check;
      check.type = 'c';
      check.keys = {c.attnum};
      check.definition = "CHECK (" + c.domain_check + ")";
      tables_[it->second].constraints.push_back(std::move(check));
    }
    tables_[it->second].columns.push_back(std::move(c));
  }
}

void Introspector::ReadConstraints(pqxx::transaction_base& tx, const std::map<uint32_t, size_t>& by_oid,
                                   const std::map<uint32_t, uint32_t>& root_of) {
  // Constraints declared on partitions (conparentid = 0: not clones of the
  // parent's) hold for the rows routed there: their foreign keys and keys
  // are the partitioned table's, their columns found by name.
  pqxx::result constraints = tx.exec_params(
      "SELECT co.conrelid, co.contype::text, co.conname, co.conkey::text, co.confrelid, "
      "       coalesce(co.confkey::text, ''), pg_get_constraintdef(co.oid), c.relispartition "
      "FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND co.contype IN ('p', 'u', 'f', 'c') AND co.conparentid = 0 "
      "ORDER BY co.conrelid, co.conname",
      options_.schema);
  auto to_root = [&](uint32_t rel, std::vector<int>& keys) -> std::optional<uint32_t> {
    auto root = root_of.find(rel);
    if (root == root_of.end()) return rel;
    const PgTable& table = tables_[by_oid.at(root->second)];
    for (int& key : keys) {
      const PgAttribute* column = table.Column(partition_columns_[rel][key]);
      if (!column) return std::nullopt;
      key = column->attnum;
    }
    return root->second;
  };
  std::set<std::string> seen;
  for (const auto& row : constraints) {
    PgConstraint k;
    k.type = row[1].as<std::string>()[0];
    k.name = row[2].as<std::string>();
    k.keys = ParseIntArray(row[3].as<std::string>());
    k.ref_table = row[4].as<uint32_t>();
    k.ref_keys = ParseIntArray(row[5].as<std::string>());
    k.definition = row[6].as<std::string>();
    const bool on_partition = row[7].as<bool>();
    // A partition's CHECK holds for its own rows only, not the table's.
    if (on_partition && k.type == 'c') continue;
    auto rel = to_root(row[0].as<uint32_t>(), k.keys);
    if (!rel || !by_oid.count(*rel)) continue;
    if (k.type == 'f') {
      auto ref = to_root(k.ref_table, k.ref_keys);
      if (!ref) continue;
      k.ref_table = *ref;
    }
    if (on_partition) {
      // Each partition declares the same key: the table takes it once, a
      // primary key of a partition as a unique key of the whole.
      if (k.type == 'p') k.type = 'u';
      std::string id = fmt::format("{}:{}:{}:{}:{}", *rel, k.type, fmt::join(k.keys, ","), k.ref_table,
                                   fmt::join(k.ref_keys, ","));
      if (!seen.insert(id).second) continue;
    }
    tables_[by_oid.at(*rel)].constraints.push_back(std::move(k));
  }
}

void Introspector::ReadTriggers(pqxx::transaction_base& tx, const std::map<uint32_t, size_t>& by_oid) {
  // tgtype bits (pg_trigger.h): 1 ROW, 2 BEFORE, 4 INSERT.
  pqxx::result triggers = tx.exec(
      "SELECT tg.tgrelid, tg.tgname, p.proname, coalesce(p.prosrc, ''), encode(tg.tgargs, 'escape') "
      "FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid "
      "WHERE NOT tg.tgisinternal AND tg.tgenabled <> 'D' AND (tg.tgtype::int & 7) = 7 ORDER BY tg.tgrelid, tg.tgname");
  for (const auto& row : triggers) {
    auto it = by_oid.find(row[0].as<uint32_t>());
    if (it == by_oid.end()) continue;
    // tgargs: each argument ends with a NUL byte, "\000" once encoded.
    std::vector<std::string> args;
    const std::string encoded = row[4].as<std::string>();
    for (size_t at = 0, end; (end = encoded.find("\\000", at)) != std::string::npos; at = end + 4) {
      args.push_back(encoded.substr(at, end - at));
    }
    tables_[it->second].triggers.push_back(
        {row[1].as<std::string>(), AssignedColumns(row[2].as<std::string>(), row[3].as<std::string>(), args)});
  }
}

// The counting link of a table: its first NOT NULL single-column foreign
// key to another table, in column order (designers list the owner first).
const PgConstraint* CountingLink(const PgTable& table) {
  const PgConstraint* best = nullptr;
  for (const PgConstraint& k : table.constraints) {
    if (k.type != 'f' || k.keys.size() != 1 || k.ref_table == table.oid) continue;
    const PgAttribute* column = table.Column(k.keys[0]);
    if (!column || !column->not_null) continue;
    if (!best || k.keys[0] < best->keys[0]) best = &k;
  }
  return best;
}

// A junction table: a primary key of exactly two single-column foreign
// keys (playlist_track(playlist_id, track_id)). The first counts the
// children of each parent; the second, returned here, picks distinct
// parents for them. 0 for any other table.
int JunctionPickKey(const PgTable& table) {
  std::set<int> pk, single_fk;
  for (const PgConstraint& k : table.constraints) {
    if (k.type == 'p') pk.insert(k.keys.begin(), k.keys.end());
    if (k.type == 'f' && k.keys.size() == 1) single_fk.insert(k.keys[0]);
  }
  if (pk.size() != 2 || !std::all_of(pk.begin(), pk.end(), [&](int key) { return single_fk.count(key); })) return 0;
  return *pk.rbegin();
}

void Introspector::ReadData(pqxx::transaction_base& tx) {
  std::map<uint32_t, const PgTable*> by_oid;
  for (const PgTable& t : tables_) by_oid[t.oid] = &t;
  auto quoted = [&](const PgTable& t) { return QuoteIdent(options_.schema) + "." + QuoteIdent(t.name); };
  for (PgTable& table : tables_) {
    // Counted up to a limit: exact for the tables tests and examples use
    // (not depending on when autovacuum last ran), bounded for huge ones,
    // where the planner's estimate is close enough.
    const int64_t counted = tx.exec1(fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {}) s", quoted(table),
                                                 kExactCountLimit + 1))[0]
                                .as<int64_t>();
    table.rows = counted > kExactCountLimit && table.reltuples > 0 ? static_cast<uint64_t>(table.reltuples)
                                                                   : static_cast<uint64_t>(counted);
  }
  for (PgTable& table : tables_) {
    if (table.rows == 0) continue;
    const std::string name = quoted(table);
    pqxx::result sample = tx.exec(fmt::format("SELECT * FROM {} LIMIT {}", name, kSampleRows));
    for (pqxx::row::size_type c = 0; c < sample.columns(); ++c) {
      auto& values = table.sample[sample.column_name(c)];
      for (const auto& row : sample) {
        values.push_back(row[c].is_null() ? std::nullopt : std::optional<std::string>(row[c].c_str()));
      }
    }
    const PgConstraint* link = CountingLink(table);
    if (!link || !by_oid.count(link->ref_table)) continue;
    const PgTable& parent = *by_oid[link->ref_table];
    // A handful of parents (5 media types, 2 stores) says little about the
    // children of a parent, and a few draws from it would make the child's
    // total swing: such a child keeps its own row count and picks its
    // parents uniformly. Junction tables keep their counts whatever the
    // number of parents.
    if (parent.rows == 0 || (parent.rows < kMinCountingParents && !JunctionPickKey(table))) continue;
    const std::string fk = QuoteIdent(table.Column(link->keys[0])->name);
    const std::string pk = QuoteIdent(parent.Column(link->ref_keys[0])->name);
    pqxx::result counts = tx.exec(fmt::format(
        "SELECT n, count(*) FROM (SELECT count(c.{}) AS n FROM (SELECT {} AS k FROM {} LIMIT {}) p "
        "LEFT JOIN {} c ON c.{} = p.k GROUP BY p.k) s GROUP BY n ORDER BY n",
        fk, pk, quoted(parent), kCountedParents, name, fk));
    table.counting_key = link->keys[0];
    for (const auto& row : counts) table.children_per_parent[row[0].as<int64_t>()] = row[1].as<uint64_t>();
  }
}

// The YAML of one column: its SQL facts, then the provider GuessColumn
// chose from its name, type, CHECKs and sampled values.
std::string Introspector::ColumnLine(const PgTable& table, const PgAttribute& column, const std::set<int>& pk,
                                     const std::set<int>& unique, const std::map<int, std::string>& references,
                                     const std::map<std::string, CheckFacts>& checks, const std::string& check_sql) {
  std::vector<std::string> enum_names;
  for (const auto& [name, labels] : enums_) enum_names.push_back(name);
  std::string type_text = std::regex_replace(column.type, std::regex(R"(timestamp\(\d+\))"), "timestamp");
  type_text = std::regex_replace(type_text, std::regex(R"(time\(\d+\))"), "time");
  std::optional<SqlType> type = ParseSqlType(type_text, enum_names);
  if (!type) return "";
  ColumnEvidence evidence;
  evidence.table = table.name;
  evidence.name = column.name;
  evidence.type = *type;
  evidence.not_null = column.not_null;
  evidence.primary_key = pk.count(column.attnum) != 0;
  evidence.unique = unique.count(column.attnum) != 0;
  // A serial column's nextval() default names a sequence of this database;
  // as an identity column it means the same and carries its own sequence.
  const bool serial = column.default_expr.rfind("nextval(", 0) == 0;
  evidence.sequence = column.identity != 0 || serial;
  if (auto it = checks.find(column.name); it != checks.end()) evidence.check = &it->second;
  if (type->family == SqlType::Family::kEnum) {
    evidence.enum_labels = enums_[type->enum_name];
    used_enums_.insert(type->enum_name);
  }
  for (const PgAttribute& other : table.columns) {
    auto other_type = ParseSqlType(other.type);
    const bool key = pk.count(other.attnum) || unique.count(other.attnum) || references.count(other.attnum);
    if (other_type && other_type->IsText() && !key && !other.generated) evidence.text_columns.push_back(other.name);
  }
  if (auto it = table.sample.find(column.name); it != table.sample.end()) evidence.sample = it->second;

  std::string out = "{type: " + Yaml(type->ToSql());
  if (evidence.primary_key) {
    out += ", primary_key: true";
  } else if (column.not_null) {
    out += ", not_null: true";
  }
  if (evidence.unique && !evidence.primary_key) out += ", unique: true";
  if (column.identity == 'a') out += ", identity: always";
  if (column.identity == 'd' || serial) out += ", identity: by default";
  if (!column.default_expr.empty() && !serial) out += ", default: " + Yaml(column.default_expr);
  if (!check_sql.empty()) out += ", check: " + Yaml(check_sql);
  auto ref = references.find(column.attnum);
  if (ref != references.end()) {
    out += ", references: " + Yaml(ref->second);
    if (!column.not_null) {
      // The data's share of rows without a parent, else a default.
      double rate = 0.1;
      if (!evidence.sample.empty()) {
        const auto nulls = std::count(evidence.sample.begin(), evidence.sample.end(), std::nullopt);
        rate = std::round(1e4 * static_cast<double>(nulls) / static_cast<double>(evidence.sample.size())) / 1e4;
      }
      if (rate > 0) out += fmt::format(", null_rate: {}", std::min(rate, 0.99));
    }
    return out + "}";
  }
  ColumnGuess guess = GuessColumn(evidence, registry_);
  if (guess.source.empty()) return "";
  max_rows_ = std::min(max_rows_, guess.max_rows);
  if (guess.null_rate) out += fmt::format(", null_rate: {}", *guess.null_rate);
  return out + ", " + guess.source + "}";
}

std::string Introspector::TableText(const PgTable& table, const std::map<uint32_t, const PgTable*>& by_oid) {
  std::set<int> pk, unique;
  std::map<int, std::string> references;
  std::map<std::string, CheckFacts> checks;
  std::map<std::string, std::string> check_sql;
  std::vector<std::string> links, notes;
  std::set<int> fk_columns;
  for (const PgConstraint& k : table.constraints) {
    if (k.type == 'p') pk.insert(k.keys.begin(), k.keys.end());
    if (k.type == 'f') fk_columns.insert(k.keys.begin(), k.keys.end());
  }
  int distinct_key = JunctionPickKey(table);
  for (const PgConstraint& k : table.constraints) {
    if (k.type == 'u' && k.keys.size() == 1) unique.insert(k.keys[0]);
    if (k.type == 'u' && k.keys.size() > 1) {
      // A composite UNIQUE holds if one of its columns is distinct alone.
      bool covered = false;
      for (int key : k.keys) covered = covered || unique.count(key) || (pk.size() == 1 && pk.count(key));
      for (int key : k.keys) {
        if (covered) break;
        if (!fk_columns.count(key)) {
          unique.insert(key);
          covered = true;
          notes.push_back("# " + Yaml(table.Column(key)->name) + " is made unique alone so that " + Yaml(k.name) +
                          " holds");
        }
      }
      if (!covered) {
        notes.push_back("# WARNING: " + Yaml(k.name) + " is a UNIQUE of foreign keys only; duplicates are possible");
      }
    }
    if (k.type == 'f') {
      auto parent_it = by_oid.find(k.ref_table);
      if (parent_it == by_oid.end()) continue;
      const PgTable* parent = parent_it->second;
      if (k.keys.size() == 1) {
        references[k.keys[0]] = RefName(parent->name) + "." + RefName(parent->Column(k.ref_keys[0])->name);
      } else {
        std::string cols, pcols;
        for (size_t i = 0; i < k.keys.size(); ++i) {
          cols += (i ? ", " : "") + Yaml(table.Column(k.keys[i])->name);
          pcols += (i ? ", " : "") + RefName(parent->Column(k.ref_keys[i])->name);
        }
        links.push_back("      - {columns: [" + cols + "], references: " + Yaml(RefName(parent->name) + "(" + pcols + ")") + "}");
      }
    }
    if (k.type == 'c') {
      std::map<std::string, CheckFacts> facts;
      ReadCheck(k.definition, facts);
      for (auto& [col, f] : facts) {
        CheckFacts& into = checks[col];
        if (f.min) into.min = f.min, into.min_exclusive = f.min_exclusive;
        if (f.max) into.max = f.max, into.max_exclusive = f.max_exclusive;
        if (!f.in_list.empty()) into.in_list = f.in_list;
        if (!f.after.empty()) into.after = f.after;
      }
      // The constraint text goes on its first column, for the DDL.
      std::string expr = k.definition.rfind("CHECK ", 0) == 0 ? k.definition.substr(6) : k.definition;
      std::string col = table.Column(k.keys.empty() ? 1 : k.keys[0])->name;
      std::string& sql = check_sql[col];
      sql = sql.empty() ? expr : sql + " AND " + expr;
    }
  }
  // Composite foreign-key columns are filled by their link.
  std::set<int> composite_fk;
  for (const PgConstraint& k : table.constraints) {
    if (k.type == 'f' && k.keys.size() > 1) composite_fk.insert(k.keys.begin(), k.keys.end());
  }
  // A composite primary key of a foreign key and an integer column is a
  // parent and a line number: the integer counts the parent's children
  // (ordinal) and the link says how many there are (per_parent).
  std::map<int, std::string> ordinal_of;  // attnum -> referencing column
  std::map<int, std::string> per_parent;  // first FK attnum -> per_parent text
  if (pk.size() >= 2 && !distinct_key) {
    for (const PgConstraint& k : table.constraints) {
      if (k.type != 'f' || !std::all_of(k.keys.begin(), k.keys.end(), [&](int key) { return pk.count(key); })) continue;
      for (int key : pk) {
        const PgAttribute* c = table.Column(key);
        auto type = ParseSqlType(c->type);
        if (fk_columns.count(key) || !type || !type->IsInteger() || ordinal_of.count(key)) continue;
        int64_t most = 5;
        if (auto f = checks.find(c->name); f != checks.end() && f->second.max) {
          most = static_cast<int64_t>(*f->second.max) - (f->second.max_exclusive ? 1 : 0);
        }
        ordinal_of[key] = table.Column(k.keys[0])->name;
        per_parent[k.keys[0]] = "{min: 1, max: " + std::to_string(std::max<int64_t>(1, most)) + "}";
        break;
      }
      if (!ordinal_of.empty()) break;
    }
  }
  for (std::string& link : links) {
    for (const auto& [attnum, text] : per_parent) {
      std::string first = "[" + Yaml(table.Column(attnum)->name) + ",";
      if (link.find(first) != std::string::npos) link.insert(link.size() - 1, ", per_parent: " + text);
    }
  }
  // Children per parent as the data has them, along the counting link.
  if (ordinal_of.empty() && table.counting_key && !table.children_per_parent.empty()) {
    std::map<int64_t, uint64_t> counts = table.children_per_parent;
    // One parent's children pick distinct parents on the other link: no
    // more of them than that table has rows (when no link counts them).
    const PgConstraint* pick_link = nullptr;
    for (const PgConstraint& k : table.constraints) {
      if (distinct_key && k.type == 'f' && k.keys == std::vector<int>{distinct_key}) pick_link = &k;
    }
    const auto picked = pick_link ? by_oid.find(pick_link->ref_table) : by_oid.end();
    if (picked != by_oid.end() && picked->second->children_per_parent.empty() && picked->second->rows > 0) {
      const int64_t most = static_cast<int64_t>(options_.rows ? *options_.rows : picked->second->rows);
      for (auto it = counts.upper_bound(most); it != counts.end(); it = counts.erase(it)) counts[most] += it->second;
    }
    per_parent[table.counting_key] = PerParentFromCounts(counts);
  } else if (distinct_key && ordinal_of.empty()) {
    per_parent[*pk.begin()] = "{min: 1, max: 5}";
  }
  // Picks need to be told apart only when a parent can have two children.
  const bool at_most_one = table.counting_key == *pk.begin() && !table.children_per_parent.empty() &&
                           table.children_per_parent.rbegin()->first <= 1;
  if (distinct_key && (!per_parent.count(*pk.begin()) || at_most_one)) distinct_key = 0;
  const bool counted = !ordinal_of.empty() || std::any_of(per_parent.begin(), per_parent.end(), [&](const auto& p) {
    return references.count(p.first) != 0;
  });
  max_rows_ = options_.rows ? *options_.rows : table.rows > 0 ? table.rows : kDefaultRows;

  // What the database fills itself: a BEFORE INSERT trigger's columns.
  std::set<std::string> trigger_filled;
  for (const PgTrigger& trigger : table.triggers) {
    std::string names;
    for (const std::string& c : trigger.fills) names += (names.empty() ? "" : ", ") + c;
    notes.push_back("# BEFORE INSERT trigger " + Yaml(trigger.name) +
                    (names.empty() ? std::string(" runs on every row") : " sets " + names));
    trigger_filled.insert(trigger.fills.begin(), trigger.fills.end());
  }
  std::string partition_source;
  if (table.partition_strategy) {
    std::string gap;
    const PgAttribute* key = table.partition_key.size() == 1 ? table.Column(table.partition_key[0]) : nullptr;
    auto key_type = key ? ParseSqlType(key->type) : std::nullopt;
    if (key_type) partition_source = PartitionKeySource(*key_type, table.partitions, &gap);
    const char* strategy = table.partition_strategy == 'r' ? "range" : table.partition_strategy == 'l' ? "list" : "hash";
    notes.push_back(fmt::format("# partitioned by {} on {} into {} partitions; rows go to the table, which routes them{}",
                                strategy, key ? Yaml(key->name) : "an expression", table.partitions.size(),
                                gap.empty() ? "" : "; " + gap));
  }

  std::ostringstream columns_text;
  size_t width = 0;
  for (const PgAttribute& c : table.columns) width = std::max(width, Yaml(c.name).size());
  for (const PgAttribute& c : table.columns) {
    std::string name = Yaml(c.name);
    std::string pad(width - name.size() + 1, ' ');
    if (c.generated) {
      columns_text << "      # " << Yaml(c.name) << ": generated by the database (" << Yaml(c.default_expr)
                   << "), not filled here\n";
      continue;
    }
    std::string line;
    auto sql_it = check_sql.find(c.name);
    std::string check = sql_it == check_sql.end() ? "" : sql_it->second;
    std::vector<std::string> enum_names;
    for (const auto& [en, labels] : enums_) enum_names.push_back(en);
    auto type = ParseSqlType(c.type, enum_names);
    // A tsvector a trigger derives from the row is the trigger's to make:
    // it sees NULL and fills it before NOT NULL is checked.
    const bool left_to_trigger = trigger_filled.count(c.name) &&
                                 (!type || type->family == SqlType::Family::kTsvector);
    if (left_to_trigger) {
      columns_text << "      # " << Yaml(c.name) << " (" << Yaml(c.type) << "): left to the BEFORE INSERT trigger\n";
      continue;
    }
    if (composite_fk.count(c.attnum) || ordinal_of.count(c.attnum)) {
      line = "{type: " + Yaml(type ? type->ToSql() : c.type) + (pk.count(c.attnum) ? ", primary_key: true" :
                                                                c.not_null ? ", not_null: true" : "");
      if (!check.empty()) line += ", check: " + Yaml(check);
      if (ordinal_of.count(c.attnum)) line += ", ordinal: " + Yaml(ordinal_of[c.attnum]);
      line += "}";
    } else {
      line = ColumnLine(table, c, pk, unique, references, checks, check);
      if (per_parent.count(c.attnum) && !line.empty()) line.insert(line.size() - 1, ", per_parent: " + per_parent[c.attnum]);
      if (c.attnum == distinct_key && !line.empty()) line.insert(line.size() - 1, ", pick: {distinct: true}");
      if (table.partition_key.size() == 1 && c.attnum == table.partition_key[0] && !partition_source.empty() &&
          !line.empty() && !references.count(c.attnum)) {
        line = line.substr(0, line.find(", provider: ")) + ", " + partition_source + "}";
      }
    }
    if (!c.domain.empty() && !line.empty()) columns_text << "      # " << name << ": DOMAIN " << Yaml(c.domain) << "\n";
    if (trigger_filled.count(c.name) && !line.empty()) {
      columns_text << "      # " << name << ": the trigger overwrites what is generated here\n";
    }
    if (line.empty()) {
      columns_text << "      # " << Yaml(c.name) << " (" << Yaml(c.type) << "): type not supported yet"
                   << (c.not_null && c.default_expr.empty() ? "; NOT NULL without a default, so loads will fail"
                                                            : "; left to its default or NULL")
                   << "\n";
      continue;
    }
    columns_text << "      " << name << ":" << pad << line << "\n";
  }
  std::ostringstream body;
  body << "  " << Yaml(table.name) << ":\n";
  if (!counted) body << "    rows: " << max_rows_ << "\n";
  body << "    columns:\n";
  for (const std::string& note : notes) body << "      " << note << "\n";
  body << columns_text.str();
  if (!links.empty()) {
    body << "    links:\n";
    for (const std::string& l : links) body << l << "\n";
  }
  body << "\n";
  return body.str();
}

std::string Introspector::Run() {
  {
    pqxx::connection connection(options_.uri);
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(connection);
    Read(tx);
  }
  std::map<uint32_t, const PgTable*> by_oid;
  for (const PgTable& t : tables_) by_oid[t.oid] = &t;
  std::ostringstream body;
  for (const PgTable& table : tables_) body << TableText(table, by_oid);
  std::ostringstream out;
  out << "# Introspected from schema " << Yaml(options_.schema) << " by seedforge introspect.\n"
      << "# Providers were chosen from column names, types, constraints and a sample of the values: edit freely.\n"
      << "# Row counts of tables without a counting link are the data's (or --rows); the others have\n"
      << "# per_parent counts as the data has them.\n"
      << "domain: " << Yaml(options_.schema) << "\n";
  if (!used_enums_.empty()) {
    out << "enums:\n";
    for (const std::string& name : used_enums_) {
      out << "  " << Yaml(name) << ": [";
      const auto& labels = enums_[name];
      for (size_t i = 0; i < labels.size(); ++i) out << (i ? ", " : "") << Yaml(labels[i]);
      out << "]\n";
    }
  }
  out << "entities:\n" << body.str();
  return out.str();
}

}  // namespace

std::string IntrospectDomain(const IntrospectOptions& options, const ProviderRegistry& registry) {
  const ConnectionString db(options.uri);
  try {
    return Introspector(options, registry).Run();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // libpq's and the server's messages may quote the connection string.
    std::string message = db.Redact(e.what());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Error("introspecting " + db.Display() + ": " + message);
  }
}

namespace internal {

std::vector<int> ParseIntArray(const std::string& text) {
  std::vector<int> out;
  std::string digits;
  auto flush = [&] {
    if (digits.empty()) return;
    int v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      throw Error("unexpected number '" + digits + "' in the catalog array '" + text + "'");
    }
    out.push_back(v);
    digits.clear();
  };
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      digits += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// Parses pg_get_constraintdef() output such as
//   CHECK (((qty >= 1) AND (qty <= 100)))
//   CHECK ((status = ANY (ARRAY['new'::text, 'paid'::text])))
//   CHECK ((ends_on >= starts_on))
void ReadCheck(const std::string& definition, std::map<std::string, CheckFacts>& facts) {
  static const std::regex kCompare(R"re(\(*"?(\w+)"?\)*\s*(>=|>|<=|<)\s*\(*'?(-?[0-9.]+)'?\)*(?:::[\w ]+)?\)*)re");
  static const std::regex kColumns(R"re(\(*"?(\w+)"?\s*(>=|>)\s*"?(\w+)"?\)*)re");
  // `col = ANY (ARRAY[...])`: the head and the tail by regex, the list
  // between by hand. libstdc++'s regex recurses once per character, and a
  // list of thousands of values overflowed the stack.
  static const std::regex kAnyHead(R"re(\(*"?(\w+)"?\)?(?:::text)?\s*=\s*ANY\s*\(+ARRAY\[)re");
  static const std::regex kAnyTail(R"re(\]\)+(?:::[\w\[\] ]+)?\)*)re");
  std::string body = definition;
  if (body.rfind("CHECK ", 0) == 0) body = body.substr(6);
  // Split the top-level AND terms.
  std::vector<std::string> terms;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '(') ++depth;
    if (body[i] == ')') --depth;
    if (depth <= 2 && body.compare(i, 5, " AND ") == 0) {
      terms.push_back(body.substr(start, i - start));
      start = i + 5;
    }
  }
  terms.push_back(body.substr(start));
  for (const std::string& term : terms) {
    std::smatch m;
    if (std::regex_search(term, m, kAnyHead, std::regex_constants::match_continuous)) {
      // The list ends at the last ']' that the tail follows (as a greedy
      // ARRAY\[(.*)\] would).
      const size_t first = m.length(0);
      size_t close = std::string::npos;
      for (size_t at = term.size(); at > first;) {
        at = term.rfind(']', at - 1);
        if (at == std::string::npos || at < first) break;
        if (std::regex_match(term.begin() + static_cast<std::ptrdiff_t>(at), term.end(), kAnyTail)) {
          close = at;
          break;
        }
      }
      if (close == std::string::npos) continue;
      CheckFacts& f = facts[m[1]];
      const std::string_view list = std::string_view(term).substr(first, close - first);
      // Each 'literal', with '' for a quote inside.
      for (size_t i = list.find('\''); i != std::string_view::npos; i = list.find('\'', i)) {
        std::string value;
        size_t j = i + 1;
        for (; j < list.size(); ++j) {
          if (list[j] != '\'') {
            value += list[j];
          } else if (j + 1 < list.size() && list[j + 1] == '\'') {
            value += '\'';
            ++j;
          } else {
            break;
          }
        }
        if (j >= list.size()) break;  // unterminated
        f.in_list.push_back(std::move(value));
        i = j + 1;
      }
    } else if (std::regex_match(term, m, kCompare)) {
      // The literal's characters are digits, '-' and '.': "." and "1.2.3"
      // match but are no number (a text CHECK such as code >= '.').
      const std::string literal = m[3];
      double v = 0;
      auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), v);
      if (ec != std::errc() || end != literal.data() + literal.size()) continue;
      CheckFacts& f = facts[m[1]];
      std::string op = m[2];
      if (op[0] == '>') {
        f.min = v;
        f.min_exclusive = op == ">";
      } else {
        f.max = v;
        f.max_exclusive = op == "<";
      }
    } else if (std::regex_match(term, m, kColumns)) {
      facts[m[1]].after = m[3];
    }
  }
}

}  // namespace internal

}  // namespace seedforge
