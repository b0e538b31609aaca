// The FK-closed sample of a PostgreSQL schema: which rows of each table to
// take so that every foreign key of the rows taken resolves inside them.
// One rule for `learn --sample-rows` (read_database.cpp) and `mask --subset`
// (mask/database.cpp):
//  1. Roots. `learn`: each root table (no NOT NULL foreign key to another
//     table) gives about rows_per_root rows, the first by a hash of the
//     row's key and the seed. `mask`: each named entity is read whole and
//     keeps the rows its filter accepts.
//  2. Descent. Every row that refers to a row of steps 1 and 2 is taken
//     too, recursively: `learn` follows each table's counting link only
//     (CountingLink), `mask` every foreign key (self-references included).
//  3. Closure. Every row a row of steps 1 and 2 refers to through any
//     foreign key is added to its table, and again for the rows so added,
//     until every foreign key of the sample points inside it. Rows added
//     here are not descended from.
// Reads of steps 2 and 3 name their keys (`WHERE key IN (...)`, in chunks),
// so a table is never read whole for a sample that needs a part of it.
// Rows are handed to a sink as they are read, never kept: what is kept is
// the key values links refer to (and with row_ids, each row's ctid).
//
// The caller runs the sampler inside one REPEATABLE READ transaction of
// `session`, so that every read sees the same rows and a ctid names the
// same row for the whole transaction.
//
// Thread safety: one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "load/pg_read_session.h"
#include "seedforge/domain.h"

namespace seedforge {

struct FkSampleOptions {
  std::string schema = "public";
  // Step 1 for learn: rows per root table, chosen by hashtextextended of the
  // key with `seed`. Used when `roots` is empty.
  uint64_t rows_per_root = 0;
  uint64_t seed = 1;
  // Step 1 for mask: these entities (indexes into the domain's entities)
  // are read whole and keep the rows `keep` accepts (fields as the sink
  // gets them); every other table is reached by steps 2 and 3 only, or not.
  std::vector<size_t> roots;
  std::function<bool(size_t entity, PgReadSession::Fields)> keep;
  // Step 2 follows every foreign key rather than the counting link only.
  bool descend_every_link = false;
  // Appends each row's ctid as a last field; rows are then told apart by it
  // (for tables without a key that links refer to).
  bool row_ids = false;
  std::function<void(std::string_view)> progress;  // one line per step; may be empty
};

class FkSampler {
 public:
  // Rows as read: the entity's columns that are not hidden, in order, then
  // the ctid when row_ids. Valid during the call only.
  using Sink = std::function<void(size_t entity, PgReadSession::Fields)>;

  FkSampler(PgReadSession& session, const Domain& schema, const FkSampleOptions& options, Sink sink);
  ~FkSampler();
  FkSampler(const FkSampler&) = delete;
  FkSampler& operator=(const FkSampler&) = delete;

  // Runs steps 1 to 3, calling the sink once per row taken.
  void Run();

  struct TableResult {
    uint64_t rows = 0;          // rows taken
    uint64_t sampled_rows = 0;  // of which from steps 1 and 2 (the first ones)
    int counting_link = -1;     // as CountingLink chose it; -1 for a root
    bool whole = false;         // learn: a root table with fewer rows than asked, so all of them
  };
  const TableResult& result(size_t entity) const;

  // The column list the sink's fields come from ("t"."a", "t"."b", ...),
  // for reading the same rows again.
  const std::string& SelectList(size_t entity) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Rows in a whole table ("schema"."table"): the catalog's statistics, else
// (never analyzed) the planner's guess, counted when the guess is small.
// Never fewer than `at_least`.
uint64_t TableRowCount(PgReadSession& session, const std::string& qualified_table, uint64_t at_least);

}  // namespace seedforge
