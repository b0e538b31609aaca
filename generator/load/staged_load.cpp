// Parallel and sharded loads through a staging schema of seedforge's own.
//
// Protocol (docs/postgres.md, "Parallel and sharded loads"):
// 1. A schema `seedforge_staging_<id>`, marked by a comment that starts with
//    kMarker, gets the domain's tables (the rendered DDL, so the column
//    types, keys and checks are the target's).
// 2. Connections COPY row ranges into them (ShardRows), each in its own
//    transaction: the N connections of --jobs, or one shard per process.
// 3. One final transaction checks the target, moves the rows in (ALTER TABLE
//    ... SET SCHEMA when the tables are created by the load, INSERT ... SELECT
//    into existing tables), adds the foreign keys, moves the identity
//    sequences, drops the staging schema, and commits.
//
// Liveness: every process working on a staging schema holds a session-level
// advisory lock on it (shared); PostgreSQL releases it when the connection
// ends, however the process ended. A cleanup (DropStaleStaging, at the start
// of every load) drops a schema only when it can take that lock exclusively,
// i.e. when nobody works on it any more.
#include "load/staged_load.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <pqxx/tablewriter>

#include "load/conninfo.h"
#include "seedforge/error.h"
#include "seedforge/output.h"
#include "seedforge/pipeline.h"
#include "seedforge/render.h"

#ifndef SEEDFORGE_VERSION_STRING
#define SEEDFORGE_VERSION_STRING "unknown"
#endif

namespace seedforge {

namespace {

constexpr const char* kPrefix = "seedforge_staging_";
constexpr const char* kMarker = "seedforge staging";
constexpr const char* kManifest = "seedforge_manifest";
// Advisory lock classes (the first key of pg_advisory_lock(int, int)); the
// second key is hashtext(schema name).
constexpr int kLiveLock = 0x5eed0001;    // held (shared) by every live worker of a schema
constexpr int kCreateLock = 0x5eed0002;  // serialises the creation of a shards schema

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}


std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string LockArgs(int lock_class, const std::string& schema) {
  return std::to_string(lock_class) + ", hashtext(" + QuoteLiteral(schema) + ")";
}

std::unique_ptr<pqxx::connection> Connect(const ConnectionString& db) {
  try {
    auto c = std::make_unique<pqxx::connection>(db.text());
    // Rows carry UTC timestamps without a zone (as the single load reads them).
    pqxx::nontransaction tx(*c);
    tx.exec("SET timezone = 'UTC'");
    tx.exec("SET standard_conforming_strings = on");
    return c;
  } catch (const std::exception& e) {
    FailLoad("cannot connect to " + db.Display(), e, db);
  }
}

// FNV-1a, 64 bits: stable across builds and machines, unlike std::hash.
struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void Add(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // separator, so ("ab","c") != ("a","bc")
  }
  std::string Hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

// What makes two runs' rows the same: the version, domain, seed, dates,
// row counts, the tables' DDL, and the text of each entity's first and last
// rows (which catches a changed provider, or another build's, cheaply).
std::string Fingerprint(const Generator& generator, const std::string& ddl) {
  Fnv f;
  const GenerateOptions& o = generator.options();
  f.Add(SEEDFORGE_VERSION_STRING);
  f.Add(generator.domain().name);
  f.Add(std::to_string(o.seed));
  f.Add(std::to_string(o.today));
  f.Add(o.from ? std::to_string(*o.from) : "-");
  f.Add(o.to ? std::to_string(*o.to) : "-");
  f.Add(ddl);
  for (size_t e = 0; e < generator.entities().size(); ++e) {
    const uint64_t rows = generator.entities()[e].rows;
    f.Add(generator.domain().entities[e].name);
    f.Add(std::to_string(rows));
    auto encoder = MakeCopyEncoder({}, {});
    for (uint64_t first : {uint64_t{0}, rows > 0 ? rows - 1 : 0}) {
      if (rows == 0) break;
      Batch batch;
      generator.InitBatch(static_cast<int>(e), batch);
      generator.Generate(static_cast<int>(e), first, 1, batch);
      std::string text;
      encoder->Encode(batch, text);
      f.Add(text);
    }
  }
  return f.Hex();
}

std::string Sanitize(const std::string& text) {
  std::string out;
  for (char c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  }
  return out;
}

// The target tables: exist (or, when the load creates them, do not), are
// empty unless truncate or append is asked; truncates when asked (inside
// `tx`, so a failure later undoes it).
void CheckTargets(pqxx::work& tx, const Generator& generator, const LoadOptions& options, const ConnectionString& db,
                  bool truncate) {
  const Domain& domain = generator.domain();
  std::vector<std::string> non_empty;
  for (int e : generator.order()) {
    const std::string table = QuoteIdent(domain.entities[e].name);
    const bool absent = tx.exec1("SELECT to_regclass(" + tx.quote(table) + ") IS NULL")[0].as<bool>();
    if (options.create_schema) {
      if (!absent) {
        throw Error("table " + table + " already exists in " + db.Display() +
                    "; --create-schema creates the domain's tables (drop it, or load without --create-schema)");
      }
      continue;
    }
    if (absent) {
      throw Error("table " + table + " does not exist in " + db.Display() +
                  "; give --create-schema to create the domain's tables");
    }
    if (tx.exec1("SELECT EXISTS (SELECT 1 FROM " + table + ")")[0].as<bool>()) non_empty.push_back(table);
  }
  if (non_empty.empty()) return;
  if (options.existing == ExistingRows::kRefuse) {
    throw UsageError("table(s) " + Join(non_empty, ", ") +
                     " already hold rows; give --truncate to empty the domain's tables first or --append to add "
                     "to them (nothing was changed)");
  }
  // No CASCADE: a table outside the domain that references these makes this
  // fail rather than be emptied too.
  if (options.existing == ExistingRows::kTruncate && truncate) tx.exec("TRUNCATE " + Join(non_empty, ", "));
}

// Links to a table loaded later (the nullable link that breaks a cycle), as
// in the single load: inserted as NULL, then filled by an UPDATE.
std::vector<std::pair<int, int>> DeferredLinks(const Generator& generator, const LoadOptions& options) {
  const Domain& domain = generator.domain();
  std::vector<int> position(domain.entities.size());
  for (size_t i = 0; i < generator.order().size(); ++i) position[generator.order()[i]] = static_cast<int>(i);
  std::vector<std::pair<int, int>> deferred;
  if (options.create_schema) return deferred;  // the foreign keys come last: nothing waits
  for (int e : generator.order()) {
    const DomainEntity& entity = domain.entities[e];
    for (size_t l = 0; l < entity.links.size(); ++l) {
      int parent = domain.FindEntity(entity.links[l].parent);
      if (parent != e && position[parent] > position[e]) {
        if (entity.PrimaryKey().empty()) {
          throw Error("table " + QuoteIdent(entity.name) + " references " + QuoteIdent(entity.links[l].parent) +
                      ", which is loaded after it (a cycle of links), and has no primary key to fill the "
                      "reference by; add a primary key or load with --create-schema");
        }
        deferred.push_back({e, static_cast<int>(l)});
      }
    }
  }
  return deferred;
}

// Creates the staging schema's tables from the domain's DDL (enum types
// included), resolving other types through the target schema too.
void CreateStagingTables(pqxx::work& tx, const std::string& schema, const std::string& target, const std::string& ddl) {
  tx.exec("SET LOCAL search_path = " + QuoteIdent(schema) + ", " + QuoteIdent(target));
  tx.exec(ddl);
  // Autovacuum would come to analyse the filled tables, and the final
  // transaction's ALTER TABLE would wait a deadlock_timeout for it to give way.
  for (const auto& row : tx.exec("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = " +
                                 QuoteLiteral(schema))) {
    tx.exec("ALTER TABLE " + row[0].as<std::string>() + " SET (autovacuum_enabled = false)");
  }
}

// Moves the staged rows into the target, in `tx`: by moving the tables (and
// the enum types they use) when the load creates them, else by INSERT ...
// SELECT into the existing tables (values cast through text where the
// staged type is the staging schema's own enum).
void Publish(pqxx::work& tx, const Generator& generator, const LoadOptions& options, const std::string& schema,
             const std::string& target, bool keys_in_place = false) {
  const Domain& domain = generator.domain();
  const std::string s = QuoteIdent(schema);
  if (options.create_schema) {
    for (const auto& row : tx.exec("SELECT typname FROM pg_type WHERE typnamespace = " + QuoteLiteral(schema) +
                                   "::regnamespace AND typtype = 'e'")) {
      tx.exec("ALTER TYPE " + s + "." + QuoteIdent(row[0].as<std::string>()) + " SET SCHEMA " + QuoteIdent(target));
    }
    for (int e : generator.order()) {
      const std::string table = s + "." + QuoteIdent(domain.entities[e].name);
      tx.exec("ALTER TABLE " + table + " RESET (autovacuum_enabled)");
      tx.exec("ALTER TABLE " + table + " SET SCHEMA " + QuoteIdent(target));
    }
    if (!keys_in_place) tx.exec(RenderSchema(generator, options.templates_dir).foreign_keys);
    return;
  }
  const auto deferred = DeferredLinks(generator, options);
  // A column's value as the target table takes it.
  auto value = [&](const std::string& table, const std::string& column, const std::string& qualifier) {
    const std::string q = qualifier + QuoteIdent(column);
    pqxx::row types = tx.exec1(
        "SELECT s.atttypid = t.atttypid, format_type(t.atttypid, t.atttypmod) FROM pg_attribute s, pg_attribute t "
        "WHERE s.attrelid = " + QuoteLiteral(s + "." + table) + "::regclass AND s.attname = " + QuoteLiteral(column) +
        " AND t.attrelid = " + QuoteLiteral(table) + "::regclass AND t.attname = " + QuoteLiteral(column));
    return types[0].as<bool>() ? q : "CAST(" + q + "::text AS " + types[1].as<std::string>() + ")";
  };
  for (int e : generator.order()) {
    const DomainEntity& entity = domain.entities[e];
    const std::string table = QuoteIdent(entity.name);
    std::vector<bool> nulled(entity.columns.size(), false);
    for (const auto& [de, dl] : deferred) {
      if (de != e) continue;
      for (const std::string& c : entity.links[dl].columns) nulled[entity.FindColumn(c)] = true;
    }
    std::vector<std::string> names, values;
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      names.push_back(QuoteIdent(entity.columns[c].name));
      values.push_back(nulled[c] ? "NULL" : value(table, entity.columns[c].name, ""));
    }
    // COPY fills GENERATED ALWAYS identity columns with the rows' values;
    // INSERT must be told to.
    tx.exec("INSERT INTO " + table + " (" + Join(names, ", ") + ") OVERRIDING SYSTEM VALUE SELECT " +
            Join(values, ", ") + " FROM " + s + "." + table);
  }
  for (const auto& [e, l] : deferred) {
    const DomainEntity& entity = domain.entities[e];
    const std::string table = QuoteIdent(entity.name);
    std::vector<std::string> keys, sets;
    for (const std::string& c : entity.PrimaryKey()) {
      keys.push_back("t." + QuoteIdent(c) + " = " + value(table, c, "f."));
    }
    for (const std::string& c : entity.links[l].columns) {
      sets.push_back(QuoteIdent(c) + " = " + value(table, c, "f."));
    }
    tx.exec("UPDATE " + table + " AS t SET " + Join(sets, ", ") + " FROM " + s + "." + table + " AS f WHERE " +
            Join(keys, " AND "));
  }
}

// The final transaction's common tail.
void FinishPublish(pqxx::work& tx, const Generator& generator, const LoadOptions& options, const std::string& schema) {
  std::string resets = RenderSchema(generator, options.templates_dir).sequence_resets;
  if (resets.find_first_not_of(" \n") != std::string::npos) tx.exec(resets);
  tx.exec("DROP SCHEMA " + QuoteIdent(schema) + " CASCADE");
}

std::string TargetSchema(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  pqxx::row r = tx.exec1("SELECT current_schema()");
  if (r[0].is_null()) throw Error("no schema to load into: the search_path names no existing schema");
  return r[0].as<std::string>();
}

struct Chunk {
  int entity = -1;
  RowRange rows;
};

// COPYs the chunks `next` hands out (entity -1: no more) into the staging
// schema's tables in `tx`, one COPY per run of chunks of the same entity,
// calling `progress` with the rows of each batch.
void CopyChunks(pqxx::work& tx, const Generator& generator, const std::string& schema, int threads,
                const std::function<Chunk()>& next, const std::function<void(int, uint64_t)>& progress,
                const std::atomic<bool>* stop) {
  const Domain& domain = generator.domain();
  auto encoder = MakeCopyEncoder({}, {});
  Chunk chunk = next();
  while (chunk.entity >= 0) {
    const int e = chunk.entity;
    const DomainEntity& entity = domain.entities[e];
    std::vector<std::string> columns;
    for (const DomainColumn& c : entity.columns) columns.push_back(QuoteIdent(c.name));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    pqxx::tablewriter writer(tx, QuoteIdent(schema) + "." + QuoteIdent(entity.name), columns.begin(), columns.end());
#pragma GCC diagnostic pop
    std::string line;
    for (; chunk.entity == e; chunk = next()) {
      uint64_t before = 0;
      StreamEntityRows(generator, e, chunk.rows, *encoder, threads, [&](std::string_view text, uint64_t done) {
        if (stop && stop->load()) throw Error("stopped: another connection failed");
        // write_raw_line appends the final newline itself.
        line.assign(text.substr(0, text.empty() ? 0 : text.size() - 1));
        writer.write_raw_line(line);
        if (progress) progress(e, done - before);
        before = done;
      });
    }
    writer.complete();
  }
}

// Hands out every entity's rows, in foreign-key order, in chunks of
// kChunkRows to whichever connection asks next, so that a connection slowed
// by the machine's other work (or by a table whose rows are slow to make)
// does not hold the others up. Small chunks spread even a small table over
// the connections; a connection opens a new COPY only when the table changes.
class ChunkQueue {
 public:
  static constexpr uint64_t kChunkRows = 2 * kBatchRows;
  explicit ChunkQueue(const Generator& generator) {
    for (int e : generator.order()) {
      const uint64_t rows = generator.entities()[e].rows;
      for (uint64_t begin = 0; begin < rows; begin += kChunkRows) {
        chunks_.push_back({e, {begin, std::min(rows, begin + kChunkRows)}});
      }
    }
  }
  Chunk Next() {
    const size_t i = next_.fetch_add(1);
    return i < chunks_.size() ? chunks_[i] : Chunk{};
  }

 private:
  std::vector<Chunk> chunks_;
  std::atomic<size_t> next_{0};
};

// A key of a staging table (primary, unique or foreign), dropped while the
// rows go in and added back after them, as a careful DBA loads: building
// an index from sorted rows, and checking a foreign key in one join, costs
// less than maintaining them row by row, and N connections do it at once.
struct Key {
  char type = 'p';     // 'p', 'u' or 'f'
  std::string table;   // schema-qualified, quoted
  std::string name;    // quoted
  std::string definition;  // pg_get_constraintdef, names qualified
  uint64_t rows = 0;   // of the table, to build the big ones first
};

// Records the keys of `schema`'s tables, then drops them (the tables are
// empty: instant). In `tx`.
std::vector<Key> DropKeys(pqxx::work& tx, const Generator& generator, const std::string& schema) {
  tx.exec("SET LOCAL search_path = pg_catalog");  // definitions with qualified names
  std::vector<Key> keys;
  for (const auto& row : tx.exec(
           "SELECT c.contype, format('%I.%I', n.nspname, r.relname), quote_ident(c.conname), "
           "pg_get_constraintdef(c.oid), r.relname FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN "
           "pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = " + QuoteLiteral(schema) +
           " AND c.contype IN ('p', 'u', 'f') ORDER BY c.contype = 'f' DESC, c.oid")) {
    Key key{row[0].as<std::string>()[0], row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()};
    const int e = generator.domain().FindEntity(row[4].as<std::string>());
    if (e >= 0) key.rows = generator.entities()[e].rows;
    tx.exec("ALTER TABLE " + key.table + " DROP CONSTRAINT " + key.name);
    keys.push_back(key);
  }
  return keys;
}

// Runs `statements` over up to `jobs` connections at once, each statement in
// its own transaction; rethrows the first failure once all have stopped.
void RunOnConnections(const ConnectionString& db, int jobs, const std::vector<std::string>& statements) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::exception_ptr error;
  std::vector<std::thread> workers;
  for (int j = 0; j < std::min<int>(jobs, static_cast<int>(statements.size())); ++j) {
    workers.emplace_back([&] {
      try {
        auto c = Connect(db);
        for (size_t i = next++; i < statements.size() && !stop; i = next++) {
          pqxx::nontransaction tx(*c);
          tx.exec(statements[i]);
        }
      } catch (...) {
        std::lock_guard<std::mutex> hold(mutex);
        if (!error) error = std::current_exception();
        stop = true;
      }
    });
  }
  for (std::thread& t : workers) t.join();
  if (error) std::rethrow_exception(error);
}

// Adds `keys` back to the filled staging tables: primary and unique keys
// over `jobs` connections, biggest tables first; foreign keys added NOT
// VALID (instant, one at a time: they lock their parent), then validated
// over `jobs` connections (VALIDATE locks neither table against the others).
void AddKeys(pqxx::connection& main, const ConnectionString& db, int jobs, std::vector<Key> keys) {
  std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.rows > b.rows; });
  std::vector<std::string> unique, validate;
  for (const Key& k : keys) {
    if (k.type != 'f') unique.push_back("ALTER TABLE " + k.table + " ADD CONSTRAINT " + k.name + " " + k.definition);
  }
  RunOnConnections(db, jobs, unique);
  {
    pqxx::work tx(main);
    for (const Key& k : keys) {
      if (k.type != 'f') continue;
      tx.exec("ALTER TABLE " + k.table + " ADD CONSTRAINT " + k.name + " " + k.definition + " NOT VALID");
      validate.push_back("ALTER TABLE " + k.table + " VALIDATE CONSTRAINT " + k.name);
    }
    tx.commit();
  }
  RunOnConnections(db, jobs, validate);
}

std::vector<TableLoad> PlannedTables(const Generator& generator) {
  std::vector<TableLoad> tables;
  for (int e : generator.order()) tables.push_back({generator.domain().entities[e].name, generator.entities()[e].rows, 0});
  return tables;
}

// Drops `schema` when nothing holds it (best effort, after a failure).
void DropIfUnheld(pqxx::connection& c, const std::string& schema) {
  try {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_advisory_unlock_all()");
    if (tx.exec1("SELECT pg_try_advisory_lock(" + LockArgs(kLiveLock, schema) + ")")[0].as<bool>()) {
      tx.exec("DROP SCHEMA IF EXISTS " + QuoteIdent(schema) + " CASCADE");
      tx.exec("SELECT pg_advisory_unlock_all()");
    }
  } catch (const std::exception&) {
    // The next load's cleanup drops it.
  }
}

std::string ShardSchema(const Generator& generator, const LoadOptions& options, int shards) {
  std::string id = options.load_id.empty() ? DefaultLoadId(generator, shards) : options.load_id;
  if (id.empty() || id != Sanitize(id)) {
    throw UsageError("--load-id '" + id + "': use lower-case letters, digits and '_' only");
  }
  std::string schema = kPrefix + id;
  if (schema.size() > 63) {
    throw UsageError("--load-id '" + id + "' is too long: the schema " + schema + " must fit PostgreSQL's 63 bytes");
  }
  return schema;
}

}  // namespace

std::string DefaultLoadId(const Generator& generator, int shards) {
  std::string id = Sanitize(generator.domain().name).substr(0, 24) + "_" + std::to_string(generator.options().seed) +
                   "_of" + std::to_string(shards);
  return id;
}

void DropStaleStaging(pqxx::connection& connection) {
  try {
    pqxx::nontransaction tx(connection);
    pqxx::result schemas = tx.exec(
        "SELECT n.nspname, d.description FROM pg_namespace n JOIN pg_description d ON d.objoid = n.oid AND "
        "d.classoid = 'pg_namespace'::regclass WHERE n.nspname LIKE 'seedforge\\_staging\\_%' AND d.description "
        "LIKE " + QuoteLiteral(std::string(kMarker) + "%"));
    for (const auto& row : schemas) {
      const std::string schema = row[0].as<std::string>();
      const bool shards = row[1].as<std::string>().rfind(std::string(kMarker) + ": shards", 0) == 0;
      if (!tx.exec1("SELECT pg_try_advisory_lock(" + LockArgs(kLiveLock, schema) + ")")[0].as<bool>()) continue;
      try {
        bool drop = true;
        if (shards) {
          // Staged shards wait for their finish; only an empty schema (its
          // creator died before staging anything) is stale.
          drop = !tx.exec1("SELECT EXISTS (SELECT 1 FROM " + QuoteIdent(schema) + "." + kManifest + ")")[0].as<bool>();
        }
        if (drop) tx.exec("DROP SCHEMA " + QuoteIdent(schema) + " CASCADE");
      } catch (const std::exception&) {
      }
      tx.exec("SELECT pg_advisory_unlock(" + LockArgs(kLiveLock, schema) + ")");
    }
  } catch (const std::exception&) {
    // Not ours to fail on (no rights to read the catalog, a race with another
    // cleanup): the schemas stay until a cleanup succeeds.
  }
}

LoadSummary LoadParallel(const Generator& generator, const LoadOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const ConnectionString db(options.uri);
  const int jobs = options.jobs;
  auto main = Connect(db);
  DropStaleStaging(*main);
  const std::string target = TargetSchema(*main);
  const std::string schema = kPrefix + std::string("j") + std::to_string(getpid()) + "_" +
                             std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000000);
  const std::string ddl = RenderSchema(generator, options.templates_dir).create_tables;
  LoadSummary summary;
  summary.tables = PlannedTables(generator);
  std::string step = "checking the target tables";
  bool staged = false;
  std::vector<Key> keys;
  try {
    {
      // Refuse early (the final transaction checks again).
      pqxx::work tx(*main);
      CheckTargets(tx, generator, options, db, false);
      DeferredLinks(generator, options);
    }
    step = "creating the staging schema " + schema;
    {
      pqxx::nontransaction lock(*main);
      lock.exec("SELECT pg_advisory_lock_shared(" + LockArgs(kLiveLock, schema) + ")");
    }
    {
      pqxx::work tx(*main);
      tx.exec("CREATE SCHEMA " + QuoteIdent(schema));
      tx.exec("COMMENT ON SCHEMA " + QuoteIdent(schema) + " IS " +
              QuoteLiteral(std::string(kMarker) + ": jobs (load --jobs " + std::to_string(jobs) +
                      "); dropped by the next seedforge load once its run is gone"));
      CreateStagingTables(tx, schema, target, ddl);
      // The staging tables become the target ones (create_schema): their
      // foreign keys are added here (checked instantly, on empty tables) to
      // be recorded with the other keys, and come back after the rows.
      if (options.create_schema) tx.exec(RenderSchema(generator, options.templates_dir).foreign_keys);
      keys = DropKeys(tx, generator, schema);
      if (!options.create_schema) {
        // Rows only pass through on their way to the existing tables (whose
        // own keys check them): no keys come back, and no WAL is written.
        keys.clear();
        for (int e : generator.order()) {
          tx.exec("ALTER TABLE " + QuoteIdent(schema) + "." + QuoteIdent(generator.domain().entities[e].name) +
                  " SET UNLOGGED");
        }
      }
      tx.commit();
      staged = true;
    }
    step = "staging rows";
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::exception_ptr error;
    std::string error_step;
    std::vector<uint64_t> done(generator.entities().size(), 0);
    ChunkQueue queue(generator);
    // At least one generating thread besides the connection's own, so that
    // rows are made while the previous batch is sent.
    const int threads = std::max(2, options.threads / jobs);
    std::vector<std::thread> workers;
    for (int j = 0; j < jobs; ++j) {
      workers.emplace_back([&, j] {
        try {
          auto c = Connect(db);
          pqxx::work tx(*c);
          CopyChunks(
              tx, generator, schema, threads, [&] { return queue.Next(); },
              [&](int e, uint64_t rows) {
                if (!options.progress) return;
                std::lock_guard<std::mutex> hold(mutex);
                done[e] += rows;
                options.progress(e, done[e]);
              },
              &stop);
          tx.commit();
        } catch (...) {
          std::lock_guard<std::mutex> hold(mutex);
          if (!error && !stop.load()) error = std::current_exception();
          stop = true;
        }
      });
    }
    for (std::thread& t : workers) t.join();
    if (error) std::rethrow_exception(error);
    // Connections work on several tables at once: the staging time is the
    // load's, not a table's.
    if (!keys.empty()) {
      step = "adding the keys";
      AddKeys(*main, db, jobs, keys);
    }
    summary.staging_seconds = Since(start);
    step = "publishing the staged rows";
    pqxx::work tx(*main, "seedforge_publish");
    tx.exec("SET LOCAL timezone = 'UTC'");
    CheckTargets(tx, generator, options, db, true);
    Publish(tx, generator, options, schema, target, /*keys_in_place=*/true);
    FinishPublish(tx, generator, options, schema);
    step = "committing";
    tx.commit();
    summary.publish_seconds = Since(start) - summary.staging_seconds;
  } catch (const std::exception& e) {
    if (staged) DropIfUnheld(*main, schema);
    if (dynamic_cast<const Error*>(&e)) throw;
    if (dynamic_cast<const pqxx::broken_connection*>(&e)) FailLoad("connection lost while " + step, e, db);
    FailLoad(step + " failed", e, db);
  }
  for (const TableLoad& t : summary.tables) summary.rows += t.rows;
  summary.seconds = Since(start);
  return summary;
}

LoadSummary StageShard(const Generator& generator, const LoadOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const Shard shard = *options.shard;
  const ConnectionString db(options.uri);
  const std::string schema = ShardSchema(generator, options, shard.count);
  const std::string ddl = RenderSchema(generator, options.templates_dir).create_tables;
  const std::string fingerprint = Fingerprint(generator, ddl);
  auto c = Connect(db);
  DropStaleStaging(*c);
  const std::string target = TargetSchema(*c);
  LoadSummary summary;
  for (int e : generator.order()) {
    const uint64_t rows = ShardRows(generator.entities()[e].rows, shard).size();
    summary.tables.push_back({generator.domain().entities[e].name, rows, 0});
    summary.rows += rows;
  }
  std::string step = "creating the staging schema " + schema;
  try {
    {
      pqxx::nontransaction lock(*c);
      lock.exec("SELECT pg_advisory_lock_shared(" + LockArgs(kLiveLock, schema) + ")");
    }
    {
      pqxx::work tx(*c);
      tx.exec("SELECT pg_advisory_xact_lock(" + LockArgs(kCreateLock, schema) + ")");
      pqxx::result marker = tx.exec("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = " +
                                    QuoteLiteral(schema));
      if (marker.empty()) {
        tx.exec("CREATE SCHEMA " + QuoteIdent(schema));
        tx.exec("COMMENT ON SCHEMA " + QuoteIdent(schema) + " IS " +
                QuoteLiteral(std::string(kMarker) + ": shards of load " + schema.substr(std::string(kPrefix).size()) +
                        "; published and dropped by seedforge load --finish"));
        tx.exec("CREATE TABLE " + QuoteIdent(schema) + "." + kManifest +
                " (shard integer PRIMARY KEY, shards integer NOT NULL, fingerprint text NOT NULL, domain text NOT "
                "NULL, seed text NOT NULL, version text NOT NULL, rows bigint NOT NULL, staged_at timestamptz NOT "
                "NULL DEFAULT now())");
        CreateStagingTables(tx, schema, target, ddl);
      } else if (marker[0][0].is_null() || marker[0][0].as<std::string>().rfind(std::string(kMarker) + ": shards", 0) != 0) {
        throw Error("schema " + schema + " exists and is not a seedforge shard staging schema; choose another --load-id");
      }
      tx.commit();
    }
    step = "staging shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count);
    pqxx::work tx(*c, "seedforge_shard");
    // Refuse before any row is sent: the shard done already, or shards of
    // another run under the same load id.
    for (const auto& row : tx.exec("SELECT shard, shards, fingerprint, domain, seed FROM " + QuoteIdent(schema) + "." +
                                   kManifest + " ORDER BY shard")) {
      if (row[0].as<int>() == shard.index) {
        throw Error("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + " of load " + schema +
                    " is staged already; run load --finish, or drop schema " + schema + " to start over");
      }
      if (row[1].as<int>() != shard.count || row[2].as<std::string>() != fingerprint) {
        throw Error("load " + schema + " holds shard " + row[0].as<std::string>() + "/" + row[1].as<std::string>() +
                    " of another run (domain " + row[3].as<std::string>() + ", seed " + row[4].as<std::string>() +
                    ", or another version, row count or option); give shards of one run the same --load-id");
      }
    }
    std::vector<uint64_t> done(generator.entities().size(), 0);
    std::vector<Chunk> chunks;
    for (int e : generator.order()) {
      const RowRange range = ShardRows(generator.entities()[e].rows, shard);
      if (!range.empty()) chunks.push_back({e, range});
    }
    size_t next = 0;
    CopyChunks(
        tx, generator, schema, options.threads, [&] { return next < chunks.size() ? chunks[next++] : Chunk{}; },
        [&](int e, uint64_t rows) {
          done[e] += rows;
          if (options.progress) options.progress(e, done[e]);
        },
        nullptr);
    tx.exec("INSERT INTO " + QuoteIdent(schema) + "." + kManifest +
            " (shard, shards, fingerprint, domain, seed, version, rows) VALUES (" + std::to_string(shard.index) + ", " +
            std::to_string(shard.count) + ", " + QuoteLiteral(fingerprint) + ", " + QuoteLiteral(generator.domain().name) + ", " +
            QuoteLiteral(std::to_string(generator.options().seed)) + ", " + QuoteLiteral(SEEDFORGE_VERSION_STRING) + ", " +
            std::to_string(summary.rows) + ")");
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

LoadSummary FinishShards(const Generator& generator, const LoadOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const ConnectionString db(options.uri);
  std::string schema;
  if (!options.load_id.empty()) schema = ShardSchema(generator, options, 1);  // checked before connecting
  auto c = Connect(db);
  DropStaleStaging(*c);
  const std::string target = TargetSchema(*c);
  if (schema.empty()) {
    // The default load id names the shard count, which finish does not take:
    // find the one staged load of this domain and seed.
    const std::string stem = kPrefix + DefaultLoadId(generator, 1);
    const std::string like = stem.substr(0, stem.size() - 1);  // ..._of
    pqxx::nontransaction tx(*c);
    pqxx::result found = tx.exec("SELECT nspname FROM pg_namespace WHERE nspname LIKE " + QuoteLiteral(like + "%") +
                                 " AND obj_description(oid, 'pg_namespace') LIKE " +
                                 QuoteLiteral(std::string(kMarker) + ": shards%") + " ORDER BY 1");
    std::vector<std::string> names;
    for (const auto& row : found) {
      std::string name = row[0].as<std::string>();
      if (name.find_first_not_of("0123456789", like.size()) == std::string::npos) names.push_back(name);
    }
    if (names.empty()) {
      throw Error("no staged shards of domain " + generator.domain().name + " seed " +
                  std::to_string(generator.options().seed) + " in " + db.Display() +
                  " (run load --shard K/N first, or give the --load-id the shards used); nothing was changed");
    }
    if (names.size() > 1) {
      throw Error("several staged loads of domain " + generator.domain().name + " seed " +
                  std::to_string(generator.options().seed) + ": " + Join(names, ", ") +
                  "; give --load-id to choose one; nothing was changed");
    }
    schema = names[0];
  }
  const std::string ddl = RenderSchema(generator, options.templates_dir).create_tables;
  const std::string fingerprint = Fingerprint(generator, ddl);
  LoadSummary summary;
  summary.tables = PlannedTables(generator);
  std::string step = "locking load " + schema;
  try {
    {
      pqxx::nontransaction tx(*c);
      if (tx.exec1("SELECT to_regnamespace(" + QuoteLiteral(schema) + ") IS NULL")[0].as<bool>()) {
        throw Error("no staged shards under load id " + schema.substr(std::string(kPrefix).size()) +
                    "; nothing was changed");
      }
      if (!tx.exec1("SELECT pg_try_advisory_lock(" + LockArgs(kLiveLock, schema) + ")")[0].as<bool>()) {
        throw Error("a shard of load " + schema + " is still being staged (or another finish runs); try again when "
                    "it ends; nothing was changed");
      }
    }
    step = "checking the shards' manifest";
    pqxx::work tx(*c, "seedforge_finish");
    tx.exec("SET LOCAL timezone = 'UTC'");
    std::set<int> staged;
    int count = 0;
    for (const auto& row : tx.exec("SELECT shard, shards, fingerprint, domain, seed, version FROM " +
                                   QuoteIdent(schema) + "." + kManifest + " ORDER BY shard")) {
      const std::string which = "shard " + row[0].as<std::string>() + "/" + row[1].as<std::string>();
      if (count != 0 && row[1].as<int>() != count) {
        throw Error("load " + schema + " mixes shard counts (" + which + " and shards of " + std::to_string(count) +
                    "); nothing was changed");
      }
      count = row[1].as<int>();
      if (row[2].as<std::string>() != fingerprint) {
        throw Error(which + " of load " + schema + " was staged by another run (domain " + row[3].as<std::string>() +
                    ", seed " + row[4].as<std::string>() + ", seedforge " + row[5].as<std::string>() +
                    ") than this finish asks for (domain " + generator.domain().name + ", seed " +
                    std::to_string(generator.options().seed) +
                    "; row counts and options must match too); nothing was changed");
      }
      staged.insert(row[0].as<int>());
    }
    if (count == 0) throw Error("load " + schema + " has no staged shard; nothing was changed");
    std::vector<std::string> missing;
    for (int k = 0; k < count; ++k) {
      if (!staged.count(k)) missing.push_back(std::to_string(k) + "/" + std::to_string(count));
    }
    if (!missing.empty()) {
      throw Error("load " + schema + " is missing shard(s) " + Join(missing, ", ") + " (staged: " +
                  std::to_string(staged.size()) + " of " + std::to_string(count) +
                  "); run them with load --shard K/N, then finish again; nothing was changed");
    }
    step = "publishing the staged rows";
    CheckTargets(tx, generator, options, db, true);
    Publish(tx, generator, options, schema, target);
    FinishPublish(tx, generator, options, schema);
    step = "committing";
    tx.commit();
    summary.publish_seconds = Since(start);
  } catch (const Error&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    FailLoad("connection lost while " + step, e, db);
  } catch (const std::exception& e) {
    FailLoad(step + " failed", e, db);
  }
  for (const TableLoad& t : summary.tables) summary.rows += t.rows;
  summary.seconds = Since(start);
  return summary;
}

}  // namespace seedforge
