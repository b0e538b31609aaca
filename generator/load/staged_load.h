// Loads through a staging schema: `load --jobs N`, `load --shard K/N` and
// `load --finish` (seedforge/load.h for the promise, docs/postgres.md
// "Parallel and sharded loads" for the protocol).
#pragma once

#include <pqxx/pqxx>

#include "seedforge/load.h"

namespace seedforge {

// N connections COPY row ranges into a staging schema; one transaction
// publishes. REQUIRES: options.jobs > 1.
LoadSummary LoadParallel(const Generator& generator, const LoadOptions& options);

// Stages shard options.shard's rows, with its manifest row, in one
// transaction into the load's staging schema.
LoadSummary StageShard(const Generator& generator, const LoadOptions& options);

// Publishes every staged shard of the load in one transaction, or refuses
// (nothing changed) when one is missing or from another run.
LoadSummary FinishShards(const Generator& generator, const LoadOptions& options);

// Drops staging schemas of seedforge's that no live run holds (their
// process died before publishing): every `jobs` one, and `shards` ones that
// hold no staged shard. Errors are ignored: a cleanup must never fail a load.
void DropStaleStaging(pqxx::connection& connection);

}  // namespace seedforge
