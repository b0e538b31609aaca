// Loading generated rows straight into PostgreSQL.
//
// One transaction for the whole load: optional DDL, then each table's rows
// streamed with COPY in foreign-key order while they are generated (no
// intermediate files), then the foreign keys when the schema was created
// here. Any failure (connection lost, constraint violated, process killed)
// leaves nothing committed.
//
// Safety: only the domain's own tables are read, written or truncated, and
// a table that already holds rows is refused unless truncate or append is
// asked for. Passwords never appear in messages (load/conninfo.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "seedforge/generator.h"

namespace seedforge {

enum class ExistingRows { kRefuse, kTruncate, kAppend };

struct LoadOptions {
  std::string uri;  // libpq URI or key=value string; empty = PG* environment; never printed
  bool create_schema = false;
  ExistingRows existing = ExistingRows::kRefuse;
  int threads = 1;
  std::filesystem::path templates_dir;
  std::function<void(int, uint64_t)> progress;  // (entity, rows done), optional
};

struct TableLoad {
  std::string table;
  uint64_t rows = 0;
  double seconds = 0;
};

struct LoadSummary {
  std::vector<TableLoad> tables;  // in load order
  uint64_t rows = 0;
  double seconds = 0;
};

// Throws Error (exit 1) with the table, and the server's message, on failure.
LoadSummary LoadIntoDatabase(const Generator& generator, const LoadOptions& options);

}  // namespace seedforge
