// Reads a PostgreSQL schema from its catalogs and writes it as a domain.
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

#include "load/conninfo.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/load.h"
#include "load/introspect_text.h"

namespace seedforge {

namespace {

struct PgAttribute {
  int attnum = 0;
  std::string name;
  std::string type;  // format_type()
  bool not_null = false;
  std::string default_expr;
  char identity = 0;   // 'a' always, 'd' by default
  char generated = 0;  // 's' stored
  char typtype = 'b';  // 'e' enum
  std::string typname;
  bool is_array = false;
  char elem_typtype = 0;
  std::string elem_name;
};

struct PgConstraint {
  char type = 0;  // p u f c
  std::string name;
  std::vector<int> keys;
  uint32_t ref_table = 0;
  std::vector<int> ref_keys;
  std::string definition;
};

struct PgTable {
  uint32_t oid = 0;
  std::string name;
  std::vector<PgAttribute> columns;
  std::vector<PgConstraint> constraints;

  const PgAttribute* Column(int attnum) const {
    for (const PgAttribute& c : columns) {
      if (c.attnum == attnum) return &c;
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

using internal::CheckFacts;
using internal::ParseIntArray;
using internal::ReadCheck;
using internal::Yaml;

class Introspector {
 public:
  Introspector(const IntrospectOptions& options, const ProviderRegistry& registry)
      : options_(options), registry_(registry) {}

  std::string Run();

 private:
  void Read(pqxx::work& tx);
  std::string ColumnLine(const PgTable& table, const PgAttribute& column, const std::set<int>& pk,
                         const std::set<int>& unique, const std::map<int, std::string>& references,
                         const std::map<std::string, CheckFacts>& checks, const std::string& check_sql,
                         std::vector<std::string>& notes);
  bool Has(const std::string& provider, const std::string& field = "") const {
    const ProviderSpec* spec = registry_.Find(provider);
    return spec && (field.empty() || spec->FindField(field));
  }

  const IntrospectOptions& options_;
  const ProviderRegistry& registry_;
  std::vector<PgTable> tables_;
  std::map<std::string, std::vector<std::string>> enums_;
  std::set<std::string> used_enums_;
  uint64_t max_rows_ = 0;  // of the table being written: a small unique key caps it
};

void Introspector::Read(pqxx::work& tx) {
  pqxx::result tables = tx.exec_params(
      "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
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
    by_oid[t.oid] = tables_.size();
    tables_.push_back(std::move(t));
  }
  pqxx::result columns = tx.exec_params(
      "SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "       coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text, "
      "       t.typtype::text, t.typname, t.typcategory = 'A', coalesce(et.typtype::text, ''), coalesce(et.typname, '') "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
      "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attrelid, a.attnum",
      options_.schema);
  for (const auto& row : columns) {
    auto it = by_oid.find(row[0].as<uint32_t>());
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
    c.is_array = row[10].as<bool>();
    std::string et = row[11].as<std::string>();
    c.elem_typtype = et.empty() ? 0 : et[0];
    c.elem_name = row[12].as<std::string>();
    tables_[it->second].columns.push_back(std::move(c));
  }
  pqxx::result constraints = tx.exec_params(
      "SELECT co.conrelid, co.contype::text, co.conname, co.conkey::text, co.confrelid, "
      "       coalesce(co.confkey::text, ''), pg_get_constraintdef(co.oid) "
      "FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND co.contype IN ('p', 'u', 'f', 'c') ORDER BY co.conrelid, co.conname",
      options_.schema);
  for (const auto& row : constraints) {
    auto it = by_oid.find(row[0].as<uint32_t>());
    if (it == by_oid.end()) continue;
    PgConstraint k;
    k.type = row[1].as<std::string>()[0];
    k.name = row[2].as<std::string>();
    k.keys = ParseIntArray(row[3].as<std::string>());
    k.ref_table = row[4].as<uint32_t>();
    k.ref_keys = ParseIntArray(row[5].as<std::string>());
    k.definition = row[6].as<std::string>();
    tables_[it->second].constraints.push_back(std::move(k));
  }
  pqxx::result enums = tx.exec(
      "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
      "ORDER BY t.typname, e.enumsortorder");
  for (const auto& row : enums) enums_[row[0].as<std::string>()].push_back(row[1].as<std::string>());
}

// Picks a provider by column name, then by type. Returns the YAML of the
// source part of a column line, e.g. "provider: email".
std::string Introspector::ColumnLine(const PgTable& table, const PgAttribute& column, const std::set<int>& pk,
                                     const std::set<int>& unique, const std::map<int, std::string>& references,
                                     const std::map<std::string, CheckFacts>& checks, const std::string& check_sql,
                                     std::vector<std::string>& notes) {
  std::vector<std::string> enum_names;
  for (const auto& [name, labels] : enums_) enum_names.push_back(name);
  std::string type_text = std::regex_replace(column.type, std::regex(R"(timestamp\(\d+\))"), "timestamp");
  type_text = std::regex_replace(type_text, std::regex(R"(time\(\d+\))"), "time");
  std::optional<SqlType> type = ParseSqlType(type_text, enum_names);
  if (!type) return "";
  const bool is_pk = pk.count(column.attnum) != 0;
  const bool is_unique = unique.count(column.attnum) != 0;
  std::string out = "{type: " + Yaml(type->ToSql());
  if (is_pk) {
    out += ", primary_key: true";
  } else if (column.not_null) {
    out += ", not_null: true";
  }
  if (is_unique && !is_pk) out += ", unique: true";
  if (column.identity == 'a') out += ", identity: always";
  // A serial column's nextval() default names a sequence of this database;
  // as an identity column it means the same and carries its own sequence.
  bool serial = column.default_expr.rfind("nextval(", 0) == 0;
  if (column.identity == 'd' || serial) out += ", identity: by default";
  if (!column.default_expr.empty() && !serial) out += ", default: " + Yaml(column.default_expr);
  if (!check_sql.empty()) out += ", check: " + Yaml(check_sql);
  auto ref = references.find(column.attnum);
  if (ref != references.end()) {
    out += ", references: " + Yaml(ref->second);
    if (!column.not_null) out += ", null_rate: 0.1";
    return out + "}";
  }
  if (!column.not_null && !is_unique && !is_pk) out += ", null_rate: 0.05";

  const CheckFacts* facts = nullptr;
  if (auto it = checks.find(column.name); it != checks.end()) facts = &it->second;
  std::string n = column.name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  auto name_is = [&](const char* pattern) { return std::regex_match(n, std::regex(pattern)); };
  using F = SqlType::Family;
  const bool text = type->IsText();
  const size_t limit = type->length > 0 ? static_cast<size_t>(type->length) : 0;
  auto fits = [&](const std::string& provider, const std::string& field, size_t longest) {
    return Has(provider, field) && (limit == 0 || longest <= limit);
  };
  std::string source;
  if (facts && !facts->in_list.empty() && !type->array) {
    source = "provider: category, params: {values: [";
    for (size_t i = 0; i < facts->in_list.size(); ++i) source += (i ? ", " : "") + Yaml(facts->in_list[i]);
    source += "]}";
  } else if (type->family == F::kEnum) {
    const auto& labels = enums_[type->enum_name];
    used_enums_.insert(type->enum_name);
    source = std::string("provider: ") + (type->array ? "array" : "category") + ", params: {values: [";
    for (size_t i = 0; i < labels.size(); ++i) source += (i ? ", " : "") + Yaml(labels[i]);
    source += "]}";
  } else if (type->array) {
    if (type->IsInteger() || ParseSqlType(type_text.substr(0, type_text.size() - 2)).value_or(SqlType{}).IsInteger()) {
      source = "provider: array";
    } else {
      source = "provider: array, params: {values: [alpha, beta, gamma, delta]}";
    }
  } else if (type->family == F::kJson || type->family == F::kJsonb) {
    source = "provider: json";
  } else if (type->family == F::kUuid) {
    source = "provider: uuid";
  } else if (type->family == F::kBoolean) {
    source = "provider: boolean";
  } else if (type->IsInteger()) {
    int64_t hi = type->family == F::kSmallInt ? 32767 : 2147483647;
    if (is_pk || is_unique || column.identity || serial) {
      source = "provider: sequence";
    } else {
      double lo_v = 0, hi_v = type->family == F::kSmallInt ? 1000 : 100000;
      if (facts && facts->min) lo_v = *facts->min + (facts->min_exclusive ? 1 : 0);
      if (facts && facts->max) hi_v = *facts->max - (facts->max_exclusive ? 1 : 0);
      if (facts && facts->min && !facts->max) hi_v = std::max(hi_v, lo_v + 1000);
      hi_v = std::min<double>(hi_v, static_cast<double>(hi));
      source = "provider: integer, params: {min: " + std::to_string(static_cast<int64_t>(lo_v)) +
               ", max: " + std::to_string(static_cast<int64_t>(hi_v)) + "}";
    }
  } else if (type->family == F::kNumeric || type->family == F::kReal || type->family == F::kDouble) {
    int scale = type->family == F::kNumeric && type->precision ? type->scale : 2;
    double cap = type->family == F::kNumeric && type->precision ? std::pow(10.0, type->precision - scale) - 1 : 1e6;
    double lo = 0, hi = std::min(cap, 10000.0);
    if (facts && facts->min) lo = *facts->min + (facts->min_exclusive ? std::pow(10.0, -scale) : 0);
    if (facts && facts->max) hi = std::min(cap, *facts->max - (facts->max_exclusive ? std::pow(10.0, -scale) : 0));
    if (lo > hi) hi = lo;
    std::ostringstream ss;
    ss << "provider: decimal, params: {min: " << lo << ", max: " << hi << ", scale: " << scale << "}";
    source = ss.str();
  } else if (type->family == F::kDate || type->family == F::kTimestamp || type->family == F::kTimestampTz) {
    const char* provider = type->family == F::kDate ? "date" : "timestamp";
    if (name_is(R"((date_of_)?birth(_?date)?|dob|birthday)") && type->family == F::kDate && Has("date_of_birth")) {
      source = "provider: date_of_birth";
    } else if (facts && !facts->after.empty()) {
      source = std::string("provider: ") + provider + ", params: {after: " + Yaml(facts->after) + "}";
    } else {
      source = std::string("provider: ") + provider;
    }
  } else if (text) {
    if (name_is(R"(.*e_?mail.*)") && fits("email", "", 60)) {
      source = "provider: email";
    } else if (name_is(R"(.*(phone|mobile|fax).*)") && fits("phone", "", 14)) {
      source = "provider: phone";
    } else if (name_is(R"(ssn|social_security.*)") && fits("ssn", "", 11)) {
      source = "provider: ssn";
    } else if (name_is(R"((first|given)_?name)") && fits("person", "first_name", 20)) {
      source = "provider: person.first_name";
    } else if (name_is(R"((last|family|sur)_?name)") && fits("person", "last_name", 20)) {
      source = "provider: person.last_name";
    } else if (name_is(R"((full_?)?name|customer_name|card_holder(_name)?|holder_name|contact_name)") && !is_unique &&
               fits("person", "full_name", 40)) {
      source = "provider: person.full_name";
    } else if (name_is(R"(city|town)") && fits("address", "city", 30)) {
      source = "provider: address.city";
    } else if (name_is(R"(state(_code)?|region)") && limit >= 2 && Has("address", "state")) {
      source = limit == 0 || limit >= 20 ? "provider: address.state_name" : "provider: address.state";
      if (!Has("address", "state_name")) source = "provider: address.state";
    } else if (name_is(R"(zip(_?code)?|postal_?code|postcode)") && Has("address", "zip") && (limit == 0 || limit >= 5)) {
      source = "provider: address.zip";
    } else if (name_is(R"((street|address)(_?line)?_?1?|street_address)") && fits("address", "street", 40)) {
      source = "provider: address.street";
    } else if (name_is(R"((card_?)?(number|pan)|card_no)") && n.find("card") != std::string::npos &&
               Has("credit_card", "number") && (limit == 0 || limit >= 19)) {
      source = "provider: credit_card.number";
    } else if (name_is(R"(cvv|cvc|cvv2)") && Has("credit_card", "cvv") && (limit == 0 || limit >= 4)) {
      source = "provider: credit_card.cvv";
    } else if (name_is(R"(vin)") && Has("vin") && (limit == 0 || limit >= 17)) {
      source = "provider: vin";
    } else if (name_is(R"(company(_name)?|employer|organi[sz]ation)") && fits("company", "", 40)) {
      source = "provider: company";
    } else if (name_is(R"(job_?title|title|position)") && fits("job_title", "", 40)) {
      source = "provider: job_title";
    } else if (name_is(R"(user_?name|login|handle)") && fits("username", "", 30)) {
      source = "provider: username";
    }
    if (!source.empty() && (is_unique || is_pk)) {
      const ProviderSpec* spec = registry_.Find(source.substr(10, source.find_first_of(".,}", 10) - 10));
      (void)spec;
      if (source != "provider: email" && source != "provider: ssn" && source != "provider: credit_card.number" &&
          source != "provider: vin" && source != "provider: username") {
        source.clear();  // the named provider cannot be unique: fall through to a pattern
      }
    }
    if (source.empty()) {
      if (is_unique || is_pk) {
        // Letters and digits: 36^width values, enough for short keys too.
        size_t width = limit ? std::min<size_t>(limit, 12) : 12;
        source = "provider: pattern, params: {pattern: '" + std::string(width, '*') + "'}";
        double space = std::pow(36.0, static_cast<double>(width));
        if (space < static_cast<double>(max_rows_)) max_rows_ = static_cast<uint64_t>(space);
      } else if (limit > 0 && limit < 4) {
        source = "provider: pattern, params: {pattern: '" + std::string(limit, '?') + "'}";
      } else {
        size_t max_length = limit ? limit : 60;
        source = "provider: text, params: {max_words: " + std::to_string(std::max<size_t>(1, std::min<size_t>(6, max_length / 8))) +
                 ", max_length: " + std::to_string(max_length) + "}";
      }
    }
  }
  if (source.empty()) return "";
  (void)table;
  (void)notes;
  return out + ", " + source + "}";
}

std::string Introspector::Run() {
  {
    pqxx::connection connection(options_.uri);
    pqxx::work tx(connection);
    Read(tx);
  }
  std::map<uint32_t, const PgTable*> by_oid;
  for (const PgTable& t : tables_) by_oid[t.oid] = &t;
  std::ostringstream body;
  for (const PgTable& table : tables_) {
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
        const PgTable* parent = by_oid.count(k.ref_table) ? by_oid[k.ref_table] : nullptr;
        if (!parent) continue;
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
    if (pk.size() >= 2) {
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
    max_rows_ = options_.rows;
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
      if (composite_fk.count(c.attnum) || ordinal_of.count(c.attnum)) {
        line = "{type: " + Yaml(type ? type->ToSql() : c.type) + (pk.count(c.attnum) ? ", primary_key: true" :
                                                                  c.not_null ? ", not_null: true" : "");
        if (!check.empty()) line += ", check: " + Yaml(check);
        if (ordinal_of.count(c.attnum)) line += ", ordinal: " + Yaml(ordinal_of[c.attnum]);
        line += "}";
      } else {
        line = ColumnLine(table, c, pk, unique, references, checks, check, notes);
        if (per_parent.count(c.attnum) && !line.empty()) line.insert(line.size() - 1, ", per_parent: " + per_parent[c.attnum]);
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
    body << "  " << Yaml(table.name) << ":\n";
    if (ordinal_of.empty()) body << "    rows: " << max_rows_ << "\n";
    body << "    columns:\n";
    for (const std::string& note : notes) body << "      " << note << "\n";
    body << columns_text.str();
    if (!links.empty()) {
      body << "    links:\n";
      for (const std::string& l : links) body << l << "\n";
    }
    body << "\n";
  }
  std::ostringstream out;
  out << "# Introspected from schema " << Yaml(options_.schema) << " by seedforge introspect.\n"
      << "# Providers were chosen from column names, types and constraints: edit freely.\n"
      << "# Row counts are the same for every table; tune them, or add per_parent to links.\n"
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

// YAML scalars: bare when unambiguous, double-quoted with escapes when the
// text has control characters (a single-quoted scalar folds its line
// breaks into spaces), else single-quoted.
std::string Yaml(const std::string& s) {
  static const std::set<std::string> kWords = {"true", "false", "yes", "no", "on", "off", "null", "~", ""};
  // [A-Za-z_][A-Za-z0-9_ .-/]*, by hand: std::regex recurses once per
  // character and overflowed the stack on long text.
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto bare_char = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '-' || c == '/'; };
  const bool bare = !s.empty() && letter(s[0]) && std::all_of(s.begin(), s.end(), bare_char);
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (bare && !kWords.count(lower) && s.back() != ' ') return s;
  const bool control = std::any_of(s.begin(), s.end(), [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; });
  if (control) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if ((c >= 0 && c < 0x20) || c == 0x7f) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
      } else {
        out += c;
      }
    }
    return out + "\"";
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
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
