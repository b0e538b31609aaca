// The text parsing behind introspection: PostgreSQL catalog strings in,
// YAML scalars out. Separate from the catalog queries so that the fuzzers
// (tests/fuzz/values_fuzz.cpp) and unit tests reach them without a server.
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/column_guess.h"

namespace seedforge::internal {

// The numbers of an int2vector or int2[] ("1 2", "{1,2}"). Throws Error for
// text the catalogs never hold ("{-}", a number beyond int).
std::vector<int> ParseIntArray(const std::string& text);

using seedforge::CheckFacts;

// Parses pg_get_constraintdef() output such as
//   CHECK (((qty >= 1) AND (qty <= 100)))
//   CHECK ((status = ANY (ARRAY['new'::text, 'paid'::text])))
//   CHECK ((ends_on >= starts_on))
// into facts per column; terms it does not understand are left out.
void ReadCheck(const std::string& definition, std::map<std::string, CheckFacts>& facts);

}  // namespace seedforge::internal
