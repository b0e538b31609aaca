// seedforge mask between PostgreSQL databases: COPY out of one snapshot,
// the same ColumnPlans as for CSV folders, COPY in through one transaction.
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <algorithm>
#include <map>
#include <set>

#include "load/conninfo.h"
#include "load/pg_read_session.h"
#include "mask/column_plan.h"
#include "mask/mask.h"
#include "seedforge/error.h"
#include "seedforge/sql_ident.h"
#include "seedforge/table.h"

namespace seedforge::mask {

namespace {

struct DbTable {
  std::string name;
  std::vector<std::string> columns, types;
};

// COPY's text format: backslash, tab, newline and carriage return escaped.
void AppendCopyField(std::string_view v, std::string& out) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

}  // namespace

MaskSummary MaskDatabase(const DatabaseMaskOptions& options, const MaskKey& key) {
  const ConnectionString source_db(options.from), target_db(options.to);
  PgReadSession source(source_db);
  source.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  source.Exec("SET LOCAL timezone = 'UTC'");
  source.Exec("SET LOCAL DateStyle = 'ISO, YMD'");

  std::vector<DbTable> tables;
  for (const auto& row : source.Query(
           "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1")) {
    DbTable table{*row[0], {}, {}};
    for (const auto& column : source.Query(
             "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass "
             "AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
             {QuoteIdent(table.name)})) {
      table.columns.push_back(*column[0]);
      table.types.push_back(*column[1]);
    }
    tables.push_back(std::move(table));
  }
  // Parents before children (a self-reference is left to the table itself).
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& row : source.Query(
           "SELECT cl.relname, pr.relname FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid "
           "JOIN pg_class pr ON pr.oid = k.confrelid JOIN pg_namespace n ON n.oid = k.connamespace "
           "WHERE k.contype = 'f' AND n.nspname = 'public'")) {
    if (*row[0] != *row[1]) parents[*row[0]].insert(*row[1]);
  }
  std::vector<DbTable> ordered;
  std::set<std::string> placed;
  while (ordered.size() < tables.size()) {
    bool progress = false;
    for (const DbTable& table : tables) {
      if (placed.count(table.name)) continue;
      const auto& mine = parents[table.name];
      if (std::all_of(mine.begin(), mine.end(), [&](const std::string& p) { return placed.count(p) > 0; })) {
        ordered.push_back(table);
        placed.insert(table.name);
        progress = true;
      }
    }
    if (!progress) throw Error("the foreign keys of " + source_db.Display() + " form a cycle; mask cannot order them");
  }

  std::vector<MaskRule> rules = options.rules;
  if (options.default_rules) {
    for (const DbTable& table : ordered) {
      std::string select;
      for (const std::string& c : table.columns) select += (select.empty() ? "" : ", ") + QuoteIdent(c);
      TableBuilder builder({source_db.Display() + " " + table.name}, table.columns, {});
      int line = 0;
      source.Copy("SELECT " + select + " FROM " + QuoteIdent(table.name) + " LIMIT " +
                      std::to_string(kDefaultRulesSampleRows),
                  [&](PgReadSession::Fields row) { builder.AddRow(row, ++line); });
      const Table sample = std::move(builder).Finish();
      for (MaskRule& rule : DefaultRules(table.name, sample)) rules.push_back(std::move(rule));
    }
  }
  for (const MaskRule& rule : rules) {
    auto table = std::find_if(ordered.begin(), ordered.end(), [&](const auto& t) { return t.name == rule.table; });
    if (table == ordered.end()) {
      throw InputError(rule.where, "no table '" + rule.table + "' in schema public of " + source_db.Display());
    }
    if (std::find(table->columns.begin(), table->columns.end(), rule.column) == table->columns.end()) {
      throw InputError(rule.where, "table " + rule.table + " has no column '" + rule.column + "'");
    }
  }

  MaskSummary summary;
  std::unique_ptr<pqxx::connection> connection;
  std::string step = "connecting";
  try {
    connection = std::make_unique<pqxx::connection>(target_db.text());
    pqxx::work tx(*connection, "seedforge_mask");
    tx.exec("SET LOCAL timezone = 'UTC'");
    for (const DbTable& table : ordered) {
      const std::string quoted = QuoteIdent(table.name);
      step = "checking table " + quoted;
      if (tx.exec1("SELECT to_regclass(" + tx.quote(quoted) + ") IS NULL")[0].as<bool>()) {
        throw Error("table " + quoted + " does not exist in " + target_db.Display() +
                    " (create the schema first, e.g. pg_dump --schema-only)");
      }
      if (!tx.exec("SELECT 1 FROM " + quoted + " LIMIT 1").empty()) {
        throw Error("table " + quoted + " of " + target_db.Display() +
                    " has rows; mask writes into empty tables only and never deletes any");
      }
    }
    for (const DbTable& table : ordered) {
      const std::string quoted = QuoteIdent(table.name);
      std::vector<ColumnPlan> plans(table.columns.size());
      std::vector<std::string> columns;
      std::string select;
      for (size_t c = 0; c < table.columns.size(); ++c) {
        columns.push_back(QuoteIdent(table.columns[c]));
        select += (c ? ", " : "") + columns.back();
      }
      for (const MaskRule& rule : rules) {
        if (rule.table != table.name) continue;
        const size_t c = std::find(table.columns.begin(), table.columns.end(), rule.column) - table.columns.begin();
        TransformSpec spec = rule.spec;
        if (spec.name == "date_shift") {
          const std::string& type = table.types[c];
          if (type.find("timestamp") == std::string::npos && type != "date") {
            throw InputError(rule.where, "date_shift on " + table.name + "." + rule.column + ": the column is " +
                                             type + ", not a date or timestamp");
          }
          spec.timestamp = type != "date";
          plans[c].key_column = FindEntityKey(rule, table.columns);
        }
        plans[c].rule = &rule;
        try {
          plans[c].transform = MakeTransform(spec, key);
        } catch (const UsageError& e) {
          throw InputError(rule.where, e.what());
        }
      }
      step = "copying table " + quoted;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      pqxx::tablewriter writer(tx, quoted, columns.begin(), columns.end());
#pragma GCC diagnostic pop
      // A chunk of rows at a time, as the CSV runner (ChunkMasker).
      std::string line;
      RowChunk chunk(table.columns.size());
      ChunkMasker masker;
      auto flush = [&] {
        const std::vector<std::vector<std::string>>& results = masker.Mask(chunk, plans);
        for (size_t r = 0; r < chunk.rows; ++r) {
          line.clear();
          for (size_t c = 0; c < chunk.width; ++c) {
            if (c) line += '\t';
            const std::optional<std::string_view> field = chunk.Field(r, c);
            if (!field) {
              line += "\\N";
            } else {
              AppendCopyField(plans[c].transform ? std::string_view(results[c][r]) : *field, line);
            }
          }
          writer.write_raw_line(line);
        }
        chunk.Clear();
      };
      summary.rows += source.Copy("SELECT " + select + " FROM " + quoted, [&](PgReadSession::Fields fields) {
        for (const auto& field : fields) chunk.Add(field, false);
        if (++chunk.rows == RowChunk::kRows) flush();
      });
      flush();
      writer.complete();
      for (size_t c = 0; c < plans.size(); ++c) {
        if (!plans[c].transform) continue;
        summary.columns.push_back({table.name, table.columns[c], plans[c].rule->spec.name, plans[c].values,
                                   plans[c].transform->fallbacks()});
      }
    }
    step = "committing";
    tx.commit();
  } catch (const pqxx::failure& e) {
    std::string message = target_db.Redact(e.what());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Error(step + " in " + target_db.Display() + ": " + message + "\nnothing was committed");
  }
  source.Exec("COMMIT");
  return summary;
}

}  // namespace seedforge::mask
