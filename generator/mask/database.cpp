// seedforge mask between PostgreSQL databases: COPY out of one snapshot,
// the same ColumnPlans as for CSV folders, COPY in through one transaction.
// With --subset, the rows to copy come from the FK-closed sample
// (load/fk_sample.h), named by ctid, and are read again by ctid.
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <queue>
#include <map>
#include <set>

#include "load/conninfo.h"
#include "load/fk_sample.h"
#include "load/pg_read_session.h"
#include "mask/column_plan.h"
#include "mask/crypto.h"
#include "mask/mask.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/introspect.h"
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


// ctids per read by ctid: as for the sample's key reads.
constexpr size_t kIdsPerRead = 5000;

// A ctid "(block,offset)" as a number that sorts as the tid does.
uint64_t TidOrder(std::string_view tid) {
  uint64_t block = 0, offset = 0;
  const size_t comma = tid.find(',');
  std::from_chars(tid.data() + 1, tid.data() + comma, block);
  std::from_chars(tid.data() + comma + 1, tid.data() + tid.size() - 1, offset);
  return block << 16 | offset;
}

// The rows of each table that the subset takes, by ctid in the snapshot
// (sorted), from the FK-closed sample. Empty for a table it does not reach.
std::map<std::string, std::vector<uint64_t>> ChooseSubset(const DatabaseMaskOptions& options, const MaskKey& key,
                                                          PgReadSession& source, const ConnectionString& db) {
  if (!options.registry) throw Error("mask --subset needs the provider registry to read the schema");
  auto progress = [&](std::string_view line) {
    if (options.progress) options.progress(line);
  };
  IntrospectOptions introspect;
  introspect.uri = options.from;
  const std::string schema_file = "the schema public of " + db.Display();
  const Domain schema = ParseDomain(IntrospectDomain(introspect, *options.registry), schema_file, *options.registry);

  FkSampleOptions sample;
  sample.descend_every_link = true;
  sample.row_ids = true;
  sample.progress = progress;
  // Per root: the fields of its key (the primary key, else the whole row)
  // and the largest keyed hash it keeps.
  struct Root {
    std::vector<size_t> key_fields;
    uint64_t below = 0;  // keeps hash < below; all when `all`
    bool all = false;
    std::unique_ptr<HmacSha256> mac;
  };
  std::map<size_t, Root> roots;
  for (const SubsetSpec& subset : options.subsets) {
    const int e = schema.FindEntity(subset.entity);
    if (e < 0) {
      std::string names;
      for (const DomainEntity& entity : schema.entities) names += (names.empty() ? "" : ", ") + entity.name;
      throw UsageError("--subset " + subset.entity + "=...: no table '" + subset.entity + "' in schema public of " +
                       db.Display() + " (tables: " + names + ")");
    }
    const size_t i = static_cast<size_t>(e);
    if (roots.count(i)) throw UsageError("--subset names table '" + subset.entity + "' twice");
    const DomainEntity& entity = schema.entities[i];
    Root& root = roots[i];
    std::vector<std::string> key_columns = entity.PrimaryKey();
    int field = 0;
    for (const DomainColumn& column : entity.columns) {
      if (column.hidden) continue;
      if (key_columns.empty() ||
          std::find(key_columns.begin(), key_columns.end(), column.name) != key_columns.end()) {
        root.key_fields.push_back(static_cast<size_t>(field));
      }
      ++field;
    }
    // A subkey of its own per table, so that two tables' subsets are
    // unrelated; the key never leaves this process (no SQL hash).
    const MaskKey::Subkey subkey = key.Derive("subset/" + entity.name);
    root.mac = std::make_unique<HmacSha256>(subkey);
    sample.roots.push_back(i);
    if (subset.rows == 0) {
      // Each row with probability `share`: the hash is uniform on 2^64.
      root.all = subset.share >= 1;
      if (!root.all) root.below = static_cast<uint64_t>(std::ldexp(static_cast<long double>(subset.share), 64));
    }
  }
  auto hash = [&](Root& root, PgReadSession::Fields fields) {
    std::string text;
    for (size_t f : root.key_fields) {
      if (!fields[f]) {
        text += "N;";
      } else {
        text += std::to_string(fields[f]->size()) + ':';
        text += *fields[f];
      }
    }
    return root.mac->Hash64(text);
  };
  // A count: the N smallest hashes, found in one read of the table.
  for (const SubsetSpec& subset : options.subsets) {
    if (subset.rows == 0) continue;
    const size_t i = static_cast<size_t>(schema.FindEntity(subset.entity));
    Root& root = roots[i];
    std::priority_queue<uint64_t> smallest;
    std::string select;
    int field = 0;
    for (const DomainColumn& column : schema.entities[i].columns) {
      if (column.hidden) continue;
      select += (field++ ? ", " : "") + QuoteIdent(column.name);
    }
    source.Copy("SELECT " + select + " FROM " + QuoteIdent(subset.entity), [&](PgReadSession::Fields fields) {
      const uint64_t h = hash(root, fields);
      if (smallest.size() < subset.rows) {
        smallest.push(h);
      } else if (h < smallest.top()) {
        smallest.pop();
        smallest.push(h);
      }
    });
    if (smallest.size() < subset.rows) {
      root.all = true;
    } else {
      root.below = smallest.top() + 1;  // a wrap to 0 only if the top is 2^64-1: then keep all
      root.all = root.below == 0;
    }
  }
  sample.keep = [&](size_t i, PgReadSession::Fields fields) {
    Root& root = roots.at(i);
    return root.all || hash(root, fields) < root.below;
  };
  std::map<std::string, std::vector<uint64_t>> chosen;
  FkSampler sampler(source, schema, sample, [&](size_t i, PgReadSession::Fields fields) {
    chosen[schema.entities[i].name].push_back(TidOrder(*fields.back()));
  });
  sampler.Run();
  for (auto& [name, ids] : chosen) std::sort(ids.begin(), ids.end());
  return chosen;
}

}  // namespace

SubsetSpec ParseSubset(const std::string& text) {
  const size_t eq = text.rfind('=');
  auto bad = [&](const std::string& why) {
    return UsageError("--subset " + text + ": " + why + " (write TABLE=P% with 0 < P <= 100, or TABLE=N rows)");
  };
  if (eq == std::string::npos || eq == 0) throw bad("no table name");
  SubsetSpec spec;
  spec.entity = text.substr(0, eq);
  std::string amount = text.substr(eq + 1);
  if (amount.empty()) throw bad("no amount");
  if (amount.back() == '%') {
    amount.pop_back();
    double percent = 0;
    const char* end = amount.data() + amount.size();
    const auto [at, ec] = std::from_chars(amount.data(), end, percent);
    if (amount.empty() || ec != std::errc() || at != end || !std::isfinite(percent)) throw bad("not a percentage");
    if (!(percent > 0 && percent <= 100)) throw bad("the percentage is out of range");
    spec.share = percent / 100;
  } else {
    const char* end = amount.data() + amount.size();
    const auto [at, ec] = std::from_chars(amount.data(), end, spec.rows);
    if (ec != std::errc() || at != end) throw bad("not a row count or a percentage");
    if (spec.rows == 0) throw bad("zero rows");
  }
  return spec;
}

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

  // Read before the target is touched: an unknown table is an error that
  // leaves it as it was.
  const bool subsetting = !options.subsets.empty();
  std::map<std::string, std::vector<uint64_t>> chosen;
  if (subsetting) chosen = ChooseSubset(options, key, source, source_db);

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
      const uint64_t rows_before = summary.rows;
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
      const auto mask_row = [&](PgReadSession::Fields fields) {
        for (const auto& field : fields) chunk.Add(field, false);
        if (++chunk.rows == RowChunk::kRows) flush();
      };
      if (!subsetting) {
        summary.rows += source.Copy("SELECT " + select + " FROM " + quoted, mask_row);
      } else {
        // The chosen rows again, by ctid (a TID scan), in ctid order.
        const std::vector<uint64_t>& ids = chosen[table.name];
        for (size_t from = 0; from < ids.size(); from += kIdsPerRead) {
          std::string literal = "'{";
          for (size_t r = from; r < std::min(ids.size(), from + kIdsPerRead); ++r) {
            literal += (r > from ? ",\"(" : "\"(") + std::to_string(ids[r] >> 16) + "," +
                       std::to_string(ids[r] & 0xffff) + ")\"";
          }
          literal += "}'";
          summary.rows += source.Copy("SELECT " + select + " FROM " + quoted + " WHERE ctid = ANY(" + literal +
                                          "::tid[]) ORDER BY ctid",
                                      mask_row);
        }
      }
      flush();
      summary.table_rows.emplace_back(table.name, summary.rows - rows_before);
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
