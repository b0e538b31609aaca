// Loading generated rows straight into PostgreSQL.
//
// One transaction for the whole load: optional DDL, then each table's rows
// streamed with COPY in foreign-key order while they are generated (no
// intermediate files), then the foreign keys when the schema was created
// here. Any failure (connection lost, constraint violated, process killed)
// leaves nothing committed.
//
// Parallel and sharded loads (jobs > 1, shard, finish; load/staged_load.cpp)
// keep that promise with a staging schema: rows are COPYed over several
// connections (or from several machines) into tables of a schema of
// seedforge's own, `seedforge_staging_<id>`, then one final transaction moves
// them into place, adds the foreign keys and drops the staging schema. A kill
// before that commit leaves the target as it was; the staging schema it
// leaves is dropped by the next load (docs/postgres.md, "Parallel loads").
//
// Safety: only the domain's own tables are read, written or truncated, and
// a table that already holds rows is refused unless truncate or append is
// asked for. Passwords never appear in messages (load/conninfo.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "seedforge/generator.h"
#include "seedforge/shard.h"

namespace seedforge {

enum class ExistingRows { kRefuse, kTruncate, kAppend };

struct LoadOptions {
  std::string uri;  // libpq URI or key=value string; empty = PG* environment; never printed
  bool create_schema = false;
  ExistingRows existing = ExistingRows::kRefuse;
  int threads = 1;
  std::filesystem::path templates_dir;
  std::function<void(int, uint64_t)> progress;  // (entity, rows done), optional
  // Connections filling staging tables at once; 1 = the single-transaction
  // load, streamed straight into the tables.
  int jobs = 1;
  // Stage only this shard's rows (load --shard K/N) for a later finish.
  std::optional<Shard> shard;
  // Publish the N staged shards of a load in one transaction (load --finish).
  bool finish = false;
  // Names a sharded load's staging schema; empty: DefaultLoadId().
  std::string load_id;
};

// `<domain>_<seed>_of<N>`, lower case, other characters as '_'.
std::string DefaultLoadId(const Generator& generator, int shards);

struct TableLoad {
  std::string table;
  uint64_t rows = 0;
  double seconds = 0;
};

struct LoadSummary {
  std::vector<TableLoad> tables;  // in load order; seconds 0 where tables load at once (jobs)
  uint64_t rows = 0;
  double seconds = 0;
  // Staged loads: filling the staging tables, and the final transaction.
  double staging_seconds = 0;
  double publish_seconds = 0;
};

// Dispatches on jobs / shard / finish. Throws Error (exit 1) with the table, and the server's message, on failure.
LoadSummary LoadIntoDatabase(const Generator& generator, const LoadOptions& options);

}  // namespace seedforge
