// Introspection: an existing PostgreSQL schema as a domain file.
//
// Reads tables, columns and types, keys, unique and foreign-key constraints
// (composite, self-referencing, cyclic), NOT NULL, defaults, identity
// columns, enums and simple CHECK constraints (ranges, IN lists, column
// comparisons), and chooses a provider for each column from its name and
// type and constraints. The result is a readable YAML domain that loads into
// a copy of the same schema without constraint violations.
#pragma once

#include <string>

#include "seedforge/registry.h"

namespace seedforge {

struct IntrospectOptions {
  std::string uri;
  std::string schema = "public";
  uint64_t rows = 1000;  // default row count written for each root table
};

// Returns the domain file's text. Throws Error on connection or query failure.
std::string IntrospectDomain(const IntrospectOptions& options, const ProviderRegistry& registry);

}  // namespace seedforge
