#include <chrono>

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "load/conninfo.h"
#include "load/staged_load.h"
#include "seedforge/error.h"
#include "seedforge/load.h"
#include "seedforge/output.h"
#include "seedforge/render.h"

namespace seedforge {

namespace {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

LoadSummary LoadInOneTransaction(const Generator& generator, const LoadOptions& options) {
  const Domain& domain = generator.domain();
  auto start = std::chrono::steady_clock::now();
  const ConnectionString db(options.uri);
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(db.text());
  } catch (const std::exception& e) {
    FailLoad("cannot connect to " + db.Display(), e, db);
  }
  DropStaleStaging(*connection);
  LoadSummary summary;
  std::string step = "starting the transaction";
  try {
    pqxx::work tx(*connection, "seedforge_load");
    // Rows carry UTC timestamps without a zone; a timestamptz column must
    // read them as UTC, whatever the server's or the role's time zone.
    tx.exec("SET LOCAL timezone = 'UTC'");
    // The DDL's string literals (CHECK and DEFAULT text, enum labels) read as
    // written, as in the scripts, whatever the server's setting.
    tx.exec("SET LOCAL standard_conforming_strings = on");
    if (options.create_schema) {
      step = "creating the schema";
      tx.exec(RenderSchema(generator, options.templates_dir).create_tables);
    }
    // Only the domain's own tables, checked before any row is sent.
    std::vector<std::string> non_empty;
    for (int e : generator.order()) {
      const std::string table = QuoteIdent(domain.entities[e].name);
      step = "checking table " + table;
      if (tx.exec1("SELECT to_regclass(" + tx.quote(table) + ") IS NULL")[0].as<bool>()) {
        throw Error("table " + table + " does not exist in " + db.Display() +
                    "; give --create-schema to create the domain's tables");
      }
      if (!options.create_schema && tx.exec1("SELECT EXISTS (SELECT 1 FROM " + table + ")")[0].as<bool>()) {
        non_empty.push_back(table);
      }
    }
    if (!non_empty.empty()) {
      std::string list;
      for (const std::string& t : non_empty) list += (list.empty() ? "" : ", ") + t;
      if (options.existing == ExistingRows::kRefuse) {
        throw UsageError("table(s) " + list + " already hold rows; give --truncate to empty the domain's "
                         "tables first or --append to add to them (nothing was changed)");
      }
      if (options.existing == ExistingRows::kTruncate) {
        step = "truncating " + list;
        // No CASCADE: a table outside the domain that references these makes
        // this fail rather than be emptied too.
        tx.exec("TRUNCATE " + list);
      }
    }
    // A link to a table loaded later (the nullable link that breaks a
    // cycle) is loaded as NULL and filled by an UPDATE once every row is in.
    // With --create-schema the foreign keys come last, so nothing waits.
    std::vector<int> position(domain.entities.size());
    for (size_t i = 0; i < generator.order().size(); ++i) position[generator.order()[i]] = static_cast<int>(i);
    std::vector<std::pair<int, int>> deferred;  // (entity, link)
    for (int e : generator.order()) {
      const DomainEntity& entity = domain.entities[e];
      for (size_t l = 0; l < entity.links.size(); ++l) {
        int parent = domain.FindEntity(entity.links[l].parent);
        if (!options.create_schema && parent != e && position[parent] > position[e]) {
          if (entity.PrimaryKey().empty()) {
            throw Error("table " + QuoteIdent(entity.name) + " references " + QuoteIdent(entity.links[l].parent) +
                        ", which is loaded after it (a cycle of links), and has no primary key to fill the "
                        "reference by; add a primary key or load with --create-schema");
          }
          deferred.push_back({e, static_cast<int>(l)});
        }
      }
    }
    for (int e : generator.order()) {
      const DomainEntity& entity = domain.entities[e];
      const std::string table = QuoteIdent(entity.name);
      step = "loading table " + table;
      auto table_start = std::chrono::steady_clock::now();
      std::vector<std::string> columns;
      for (const DomainColumn& c : entity.columns) columns.push_back(QuoteIdent(c.name));
      std::vector<bool> nulled(entity.columns.size(), false);
      for (const auto& [de, dl] : deferred) {
        if (de != e) continue;
        for (const std::string& c : entity.links[dl].columns) nulled[entity.FindColumn(c)] = true;
      }
      auto encoder = MakeCopyEncoder({}, nulled);
      const uint64_t rows = generator.entities()[e].rows;
      {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        // tablewriter takes whole batches of COPY text lines in one call
        // (stream_to in libpqxx 6.4 only takes a row at a time).
        pqxx::tablewriter writer(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
        std::string chunk;
        StreamEntity(generator, e, *encoder, options.threads, [&](std::string_view text, uint64_t done) {
          // write_raw_line appends the final newline itself.
          chunk.assign(text.substr(0, text.empty() ? 0 : text.size() - 1));
          if (!chunk.empty() || !text.empty()) writer.write_raw_line(chunk);
          if (options.progress) options.progress(e, done);
        });
        writer.complete();
      }
      summary.tables.push_back({entity.name, rows, Since(table_start)});
      summary.rows += rows;
    }
    for (size_t d = 0; d < deferred.size(); ++d) {
      const auto [e, l] = deferred[d];
      const DomainEntity& entity = domain.entities[e];
      const DomainLink& link = entity.links[l];
      const std::string table = QuoteIdent(entity.name);
      step = "filling " + table + " references to " + QuoteIdent(link.parent);
      std::vector<int> columns;
      std::vector<std::string> names, keys, sets;
      for (const std::string& c : entity.PrimaryKey()) {
        columns.push_back(entity.FindColumn(c));
        names.push_back(QuoteIdent(c));
        keys.push_back("t." + QuoteIdent(c) + " = f." + QuoteIdent(c));
      }
      for (const std::string& c : link.columns) {
        columns.push_back(entity.FindColumn(c));
        names.push_back(QuoteIdent(c));
        sets.push_back(QuoteIdent(c) + " = f." + QuoteIdent(c));
      }
      auto join = [](const std::vector<std::string>& parts, const char* sep) {
        std::string out;
        for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
        return out;
      };
      const std::string fill = "seedforge_fill_" + std::to_string(d);
      tx.exec("CREATE TEMP TABLE " + fill + " ON COMMIT DROP AS SELECT " + join(names, ", ") + " FROM " + table +
              " WITH NO DATA");
      {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        pqxx::tablewriter writer(tx, fill, names.begin(), names.end());
#pragma GCC diagnostic pop
        auto encoder = MakeCopyEncoder(columns, {});
        std::string chunk;
        StreamEntity(generator, e, *encoder, options.threads, [&](std::string_view text, uint64_t) {
          chunk.assign(text.substr(0, text.empty() ? 0 : text.size() - 1));
          writer.write_raw_line(chunk);
        });
        writer.complete();
      }
      tx.exec("UPDATE " + table + " AS t SET " + join(sets, ", ") + " FROM " + fill + " AS f WHERE " +
              join(keys, " AND "));
    }
    if (options.create_schema) {
      step = "adding foreign keys";
      tx.exec(RenderSchema(generator, options.templates_dir).foreign_keys);
    }
    step = "moving identity sequences past the loaded rows";
    std::string resets = RenderSchema(generator, options.templates_dir).sequence_resets;
    if (resets.find_first_not_of(" \n") != std::string::npos) tx.exec(resets);
    step = "committing";
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    FailLoad("connection lost while " + step, e, db);
  } catch (const std::exception& e) {
    FailLoad(step + " failed", e, db);
  }
  summary.seconds = Since(start);
  return summary;
}

}  // namespace

LoadSummary LoadIntoDatabase(const Generator& generator, const LoadOptions& options) {
  if (options.finish) return FinishShards(generator, options);
  if (options.shard) return StageShard(generator, options);
  if (options.jobs > 1) return LoadParallel(generator, options);
  return LoadInOneTransaction(generator, options);
}

}  // namespace seedforge
