// ReadCsvDatabase: a folder of <table>.csv files as a database, with the
// schema of a domain file or one inferred from the files (types from the
// table layer, keys from names and uniqueness, links from key names
// confirmed by value containment).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <unordered_set>

#include "domain/column_guess.h"
#include "learn/database_model.h"
#include "seedforge/database.h"
#include "seedforge/error.h"

namespace seedforge {

namespace {

using internal::KeyText;

namespace fs = std::filesystem;

// Share of a reference's non-NULL values found among the parent's keys for
// a link inferred from names to be believed.
constexpr double kMinContainment = 0.99;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path.string(), 0, 0}, "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "customers" -> "customer", "categories" -> "category", "addresses" -> "address".
std::string Singular(const std::string& name) {
  if (name.size() > 3 && name.ends_with("ies")) return name.substr(0, name.size() - 3) + "y";
  if (name.size() > 3 && (name.ends_with("sses") || name.ends_with("xes") || name.ends_with("ches"))) {
    return name.substr(0, name.size() - 2);
  }
  if (name.size() > 1 && name.ends_with("s") && !name.ends_with("ss")) return name.substr(0, name.size() - 1);
  return name;
}

// A name safe to write bare in the inferred schema (quoted otherwise).
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool AllDistinctNonNull(const TableColumn& column) {
  std::unordered_set<std::string_view> seen;
  for (size_t r = 0; r < column.nulls.size(); ++r) {
    if (column.IsNull(r) || !seen.insert(column.Text(r)).second) return false;
  }
  return !column.nulls.empty();
}

bool HasNull(const TableColumn& column) {
  return std::find(column.nulls.begin(), column.nulls.end(), 1) != column.nulls.end();
}

// Whether every value is a whole number: integer columns, and ids whose
// values are numbers (the table layer keeps keys as text).
bool WholeNumbers(const TableColumn& column) {
  if (column.type == ColumnType::kInteger) return true;
  if (column.type != ColumnType::kId) return false;
  for (size_t r = 0; r < column.nulls.size(); ++r) {
    if (!column.IsNull(r) && !ParseInteger(column.Text(r))) return false;
  }
  return true;
}

// Whether every value is a UUID written 8-4-4-4-12 in hex.
bool AllUuids(const TableColumn& column) {
  size_t seen = 0;
  for (size_t r = 0; r < column.nulls.size(); ++r) {
    if (column.IsNull(r)) continue;
    const std::string_view v = column.Text(r);
    if (v.size() != 36) return false;
    for (size_t i = 0; i < v.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? v[i] != '-' : !std::isxdigit(static_cast<unsigned char>(v[i]))) return false;
    }
    ++seen;
  }
  return seen > 0;
}

std::string SqlTypeOf(const TableColumn& column) {
  if (WholeNumbers(column)) {
    bool small = true;
    for (size_t r = 0; r < column.nulls.size(); ++r) {
      if (column.IsNull(r)) continue;
      small = small && std::llabs(*ParseInteger(column.Text(r))) < 2'000'000'000LL;
    }
    return small ? "integer" : "bigint";
  }
  switch (column.type) {
    case ColumnType::kDecimal: return "double precision";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kDate: return "date";
    case ColumnType::kTimestamp: return column.format.zone == DateFormat::Zone::kNone ? "timestamp" : "timestamptz";
    default: return AllUuids(column) ? "uuid" : "text";
  }
}

// A provider for a text column (the PII and text columns an inferred schema
// keeps out of models): the one introspect chooses, from the column's name,
// its table's and its values; generic text when nothing fits.
std::string TextProvider(const std::string& table_name, const TableColumn& column, const ProviderRegistry& registry,
                         bool key = false) {
  constexpr size_t kSampleValues = 1000;
  ColumnEvidence evidence;
  evidence.table = table_name;
  evidence.name = column.name;
  evidence.type = *ParseSqlType(SqlTypeOf(column));
  const size_t rows = column.nulls.size();
  for (size_t i = 0; i < std::min(rows, kSampleValues); ++i) {
    const size_t r = rows <= kSampleValues ? i : i * rows / kSampleValues;  // spread over the file
    if (column.IsNull(r)) {
      evidence.sample.emplace_back(std::nullopt);
    } else {
      evidence.sample.emplace_back(std::string(column.Text(r)));
    }
  }
  size_t longest = 1;
  for (size_t r = 0; r < rows; ++r) longest = std::max(longest, column.Text(r).size());
  evidence.primary_key = key;
  evidence.not_null = key;
  const ColumnGuess guess = GuessColumn(evidence, registry);
  if (!guess.source.empty()) return guess.source;
  if (key || column.type == ColumnType::kId) {
    return "provider: pattern, params: {pattern: '" + std::string(std::min<size_t>(longest, 12), '*') + "'}";
  }
  return "provider: text, params: {max_words: " + std::to_string(std::clamp<size_t>(longest / 8, 1, 12)) +
         ", max_length: " + std::to_string(std::max<size_t>(longest, 8)) + "}";
}

// A stand-in provider for a column the learner will learn: the schema must
// be a domain of its own, but these sources are replaced.
std::string PlaceholderProvider(const std::string& table_name, const TableColumn& column,
                                const ProviderRegistry& registry) {
  switch (column.type) {
    case ColumnType::kInteger: return "provider: integer";
    case ColumnType::kDecimal: return "provider: decimal";
    case ColumnType::kBoolean: return "provider: boolean";
    case ColumnType::kDate: return "provider: date";
    case ColumnType::kTimestamp: return "provider: timestamp";
    default: return WholeNumbers(column) ? "provider: integer" : TextProvider(table_name, column, registry);
  }
}

// The key of a table: a unique non-NULL integer or id column named id,
// <table>_id or <singular>_id.
int PrimaryKeyOf(const std::string& table_name, const Table& table) {
  const std::string singular = Lower(Singular(table_name));
  auto key_like = [](const TableColumn& column) {
    return (WholeNumbers(column) || column.type == ColumnType::kId) && AllDistinctNonNull(column);
  };
  for (const std::string& wanted : {std::string("id"), Lower(table_name) + "_id", singular + "_id", singular + "id"}) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (Lower(table.columns[c].name) == wanted && key_like(table.columns[c])) return static_cast<int>(c);
    }
  }
  // Designers list the key first: a first column named like a key
  // (child_id of children) that is one.
  if (!table.columns.empty() && Lower(table.columns[0].name).ends_with("id") && key_like(table.columns[0])) return 0;
  return -1;
}

// The table a column <parent>_id refers to: one named <parent> or its
// plural, with a key that holds nearly every value; "" for none. Adds the
// finding to `inferred`.
std::string ReferencedTable(const std::string& table_name, const TableColumn& column,
                            const std::map<std::string, Table>& tables, const std::map<std::string, int>& keys,
                            std::vector<std::string>& inferred) {
  const std::string lower = Lower(column.name);
  if (lower.size() <= 3 || !lower.ends_with("_id")) return "";
  const std::string stem = lower.substr(0, lower.size() - 3);
  for (const auto& [parent, parent_table] : tables) {
    const std::string p = Lower(parent);
    if ((p != stem && Singular(p) != stem) || keys.at(parent) < 0) continue;
    const TableColumn& key = parent_table.columns[keys.at(parent)];
    std::unordered_set<std::string> values;
    for (size_t r = 0; r < key.nulls.size(); ++r) values.insert(KeyText(key, r));
    size_t found = 0, total = 0;
    for (size_t r = 0; r < column.nulls.size(); ++r) {
      if (column.IsNull(r)) continue;
      ++total;
      found += values.count(KeyText(column, r));
    }
    if (total == 0 || static_cast<double>(found) < kMinContainment * static_cast<double>(total)) continue;
    char share[16];
    std::snprintf(share, sizeof(share), "%.1f%%", 100.0 * static_cast<double>(found) / static_cast<double>(total));
    inferred.push_back(table_name + "." + column.name + " -> " + parent + "." + key.name + ": " + share + " of " +
                       std::to_string(total) + " values found");
    return parent;
  }
  return "";
}

// Builds the schema text of CSV tables: columns, keys, inferred links.
std::string InferSchema(const std::string& domain_name, const std::map<std::string, Table>& tables,
                        const ProviderRegistry& registry, std::vector<std::string>& inferred) {
  std::map<std::string, int> keys;
  for (const auto& [name, table] : tables) keys[name] = PrimaryKeyOf(name, table);
  // References first, so that parents can be written before their children.
  std::map<std::string, std::vector<std::string>> parents_of;  // per table: the table each column references
  for (const auto& [name, table] : tables) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      parents_of[name].push_back(static_cast<int>(c) == keys[name]
                                     ? ""
                                     : ReferencedTable(name, table.columns[c], tables, keys, inferred));
    }
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::function<void(const std::string&, std::set<std::string>&)> place = [&](const std::string& name,
                                                                              std::set<std::string>& visiting) {
    if (placed.count(name) || !visiting.insert(name).second) return;  // a cycle: written where it closes
    for (const std::string& parent : parents_of[name]) {
      if (!parent.empty() && parent != name) place(parent, visiting);
    }
    if (placed.insert(name).second) order.push_back(name);
  };
  for (const auto& [name, table] : tables) {
    std::set<std::string> visiting;
    place(name, visiting);
  }
  std::ostringstream out;
  out << "domain: " << Quoted(domain_name) << "\nentities:\n";
  for (const std::string& name : order) {
    const Table& table = tables.at(name);
    out << "  " << Quoted(name) << ":\n    rows: " << table.rows() << "\n    columns:\n";
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const TableColumn& column = table.columns[c];
      std::string line = "{type: " + SqlTypeOf(column);
      if (static_cast<int>(c) == keys[name]) {
        line += ", primary_key: true, ";
        line += WholeNumbers(column) ? "provider: sequence" : TextProvider(name, column, registry, /*key=*/true);
        out << "      " << Quoted(column.name) << ": " << line << "}\n";
        continue;
      }
      const std::string& parent = parents_of[name][c];
      if (!parent.empty()) {
        // A self-reference must be nullable: the first row has no parent.
        const TableColumn& key = tables.at(parent).columns[keys.at(parent)];
        line = "{type: " + SqlTypeOf(key);
        if (!HasNull(column) && parent != name) line += ", not_null: true";
        line += ", references: " + Quoted(parent + "." + key.name);
      } else if (column.type == ColumnType::kEmpty) {
        line += ", null_rate: 1, provider: constant, params: {value: ''}";
      } else {
        if (!HasNull(column)) line += ", not_null: true";
        line += ", " + PlaceholderProvider(name, column, registry);
      }
      out << "      " << Quoted(column.name) << ": " << line << "}\n";
    }
  }
  return out.str();
}

}  // namespace

DatabaseSample ReadCsvDatabase(const ReadCsvDatabaseOptions& options, const ProviderRegistry& registry) {
  const fs::path dir = options.dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(options.dir + " is not a folder of CSV files");
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv") files.push_back(entry.path());
  }
  if (!options.files.empty()) {
    files.clear();
    for (const std::string& file : options.files) files.push_back(dir / fs::path(file).filename());
  }
  std::sort(files.begin(), files.end());
  DatabaseSample sample;
  sample.source = options.dir;
  TableOptions table_options;
  table_options.csv.null_marker = options.null_marker;
  std::map<std::string, fs::path> by_name;
  for (const fs::path& file : files) by_name[file.stem().string()] = file;

  if (!options.domain_file.empty()) {
    sample.schema_text = ReadText(options.domain_file);
    sample.schema = ParseDomain(sample.schema_text, options.domain_file, registry);
    for (const DomainEntity& entity : sample.schema.entities) {
      auto file = by_name.find(entity.name);
      if (file == by_name.end()) {
        throw InputError(entity.where, "entity '" + entity.name + "' has no file " +
                                           (dir / (entity.name + ".csv")).string());
      }
      sample.tables.emplace(entity.name, ReadTable(file->second.string(), table_options));
    }
  } else {
    if (files.empty()) throw UsageError(options.dir + " holds no .csv file");
    for (const auto& [name, file] : by_name) sample.tables.emplace(name, ReadTable(file.string(), table_options));
    const std::string name = fs::absolute(dir).lexically_normal().filename().string();
    sample.schema_text = InferSchema(name.empty() ? "learned" : name, sample.tables, registry, sample.inferred_links);
    sample.schema = ParseDomain(sample.schema_text, (dir / "(inferred schema)").string(), registry);
  }
  for (const auto& [name, table] : sample.tables) sample.full_rows[name] = table.rows();
  return sample;
}

}  // namespace seedforge
