// Test helper of the engine's unit tests: every row of a plan, as integers.
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include "seedforge/calendar.h"
#include "seedforge/generator.h"

namespace seedforge::engine_test {

// Every row of every entity, generated in batches of `batch_rows`: per
// entity, per column, the values (all integer-backed here: keys, dates,
// timestamps), nullopt for NULL.
using Values = std::vector<std::optional<int64_t>>;
using Tables = std::vector<std::vector<Values>>;

inline Tables GenerateAll(const Generator& generator, size_t batch_rows) {
  Tables tables;
  for (size_t e = 0; e < generator.entities().size(); ++e) {
    const uint64_t rows = generator.entities()[e].rows;
    Batch batch;
    generator.InitBatch(static_cast<int>(e), batch);
    std::vector<Values> all(batch.columns.size());
    for (uint64_t first = 0; first < rows; first += batch_rows) {
      const size_t count = static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first));
      generator.Generate(static_cast<int>(e), first, count, batch);
      for (size_t c = 0; c < all.size(); ++c) {
        const BatchColumn& in = batch.columns[c];
        for (size_t i = 0; i < count; ++i) {
          all[c].push_back(in.IsNull(i) ? std::nullopt : std::optional<int64_t>(in.ints[i]));
        }
      }
    }
    tables.push_back(std::move(all));
  }
  return tables;
}

// Options of a test plan: `seed`, and a reference date that does not move
// with the day the test runs.
inline GenerateOptions TestOptions(uint64_t seed) {
  GenerateOptions options;
  options.seed = seed;
  options.today = DaysFromCivil(2026, 1, 1);
  return options;
}

}  // namespace seedforge::engine_test
