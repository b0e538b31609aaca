// Choosing a provider for a column of an existing table, from the evidence
// there is: its name, its SQL type, what its CHECK constraints say and a
// sample of its values. `seedforge introspect` asks it for every column it
// reads from PostgreSQL; the learners ask it for CSV columns. It reads no
// database and no file, so it is tested without a server.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/registry.h"

namespace seedforge {

// What a CHECK constraint says about one column, when it is simple enough
// (load/introspect_text.h reads them from pg_get_constraintdef()).
struct CheckFacts {
  std::optional<double> min, max;
  bool min_exclusive = false, max_exclusive = false;
  std::vector<std::string> in_list;
  std::string after;  // this column >= that column
};

struct ColumnEvidence {
  std::string table;  // a person-like table ("customer") makes a bare `name` a person's name
  std::string name;
  SqlType type;
  const CheckFacts* check = nullptr;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  bool sequence = false;                 // an identity or serial column
  std::vector<std::string> enum_labels;  // of an enum type
  // The row's other text columns, in order: what a tsvector is made from.
  std::vector<std::string> text_columns;
  // A sample of the column's values as PostgreSQL writes them as text
  // (nullopt for NULL); empty when the table has no rows.
  std::vector<std::optional<std::string>> sample;
};

struct ColumnGuess {
  // The source part of a column line: "provider: email",
  // "provider: integer, params: {min: 0, max: 1}"; "" when no provider fits.
  std::string source;
  // The share of NULLs of a nullable column: seen in the sample, else a
  // default of 0.05; nullopt for a column that is never NULL.
  std::optional<double> null_rate;
  // The most rows the chosen provider keeps unique (a short pattern key).
  uint64_t max_rows = UINT64_MAX;
};

// REQUIRES: the registry has the built-in packs (only providers it has are
// chosen, within the type's length limit).
ColumnGuess GuessColumn(const ColumnEvidence& evidence, const ProviderRegistry& registry);

// A `per_parent` value, as YAML, for an observed distribution: `parents_with`
// maps a number of children to how many parents have that many. One count
// when every parent has it; weights when at most 20 counts occur; else a
// Poisson when the variance is near the mean, else a log-normal of the
// positive counts, both clamped to the observed [min, max]. REQUIRES: at
// least one parent.
std::string PerParentFromCounts(const std::map<int64_t, uint64_t>& parents_with);

namespace internal {

// `s` as a YAML scalar: bare when unambiguous, else quoted, such that a YAML
// parser reads back exactly `s`.
std::string Yaml(const std::string& s);

}  // namespace internal

}  // namespace seedforge
