// Introspection: an existing PostgreSQL schema as a domain file.
//
// Reads tables, columns and types, keys, unique and foreign-key constraints
// (composite, self-referencing, cyclic), NOT NULL, defaults, identity and
// generated columns, enums, DOMAIN types, simple CHECK constraints (ranges,
// IN lists, column comparisons), partitions and their bounds, and BEFORE
// INSERT triggers; then row counts and a sample of every table's values, in
// one READ ONLY snapshot. Providers are chosen from names, types,
// constraints and values (domain/column_guess.h); children per parent
// follow the data. The result is a readable YAML domain that loads into a
// copy of the same schema without constraint violations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "seedforge/registry.h"

namespace seedforge {

struct IntrospectOptions {
  std::string uri;
  std::string schema = "public";
  // Rows of every table counted by no link; absent: the table's own count
  // (1000 for an empty table).
  std::optional<uint64_t> rows;
};

// Returns the domain file's text. Throws Error on connection or query failure.
std::string IntrospectDomain(const IntrospectOptions& options, const ProviderRegistry& registry);

}  // namespace seedforge
