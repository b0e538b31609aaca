// Column profiles for `seedforge profile`: per column of a table read by the
// table layer, its inferred type, NULLs, distinct values, a distribution
// summary and the PII finding (seedforge/pii.h); and the domain the profile
// proposes, in which personal columns keep format-aware providers.
//
// The summary of a personal column never holds its values: no minimum,
// maximum or top value of a column of names, birth dates or SSNs is shown,
// so a profile can be shared where the data cannot.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "seedforge/database.h"
#include "seedforge/pii.h"
#include "seedforge/registry.h"
#include "seedforge/table.h"

namespace seedforge::profile {

struct ColumnProfile {
  std::string table;
  std::string name;
  ColumnType type = ColumnType::kEmpty;
  std::string type_reason;  // the table layer's words
  std::string format;       // dates and timestamps: "YYYY-MM-DD", ...
  size_t rows = 0;
  size_t nulls = 0;
  size_t distinct = 0;      // distinct non-NULL values as written
  // Numbers, dates and timestamps (not for personal columns): the least,
  // the greatest, the mean (numbers only) and the 5/25/50/75/95%
  // quantiles, written as the column writes its values.
  bool summarized = false;
  std::string min, max;
  std::optional<double> mean;
  std::vector<std::pair<int, std::string>> quantiles;  // (percent, value)
  // Text (not for personal columns): the most frequent values with their
  // counts, at most kTopValues, most frequent first, ties in text order.
  std::vector<std::pair<std::string, size_t>> top;
  // Text lengths: shortest and longest value, in bytes.
  size_t min_length = 0, max_length = 0;
  PiiFinding pii;

  double NullRate() const { return rows ? static_cast<double>(nulls) / static_cast<double>(rows) : 0; }
};

inline constexpr size_t kTopValues = 5;

// Profiles every column of `table` (named `table_name`), columns on up to
// `threads` threads; the result does not depend on the count.
std::vector<ColumnProfile> ProfileTable(const Table& table, const std::string& table_name, int threads = 1);

// The provider a kind is filled by ("provider: email", "provider:
// person.first_name", "provider: phone, params: {format: '###-###-####'}"),
// shaped after the column's values where the provider can follow them;
// empty for kNone.
struct ProviderChoice {
  std::string provider;  // registry name
  std::string field;     // "" for a provider's default field
  std::vector<std::pair<std::string, std::string>> params;  // scalar params
  // Values that are text although written as digits (ZIP Codes, cards).
  bool text = true;
};
ProviderChoice ProviderFor(const PiiFinding& finding, const TableColumn& column);

// Turns the personal columns of `sample` (with their profiles) to their
// format-aware providers, marked so that the learner keeps them
// (DatabaseSample::keep_providers). Keys and references are left as they
// are. Returns one note per column changed ("customers.email: email
// (confidence 0.95)").
// `schema_inferred`: the schema's SQL types were inferred from CSV (not a
// database's own), so a personal column typed as a number becomes text.
// A kind whose provider `registry` lacks keeps the schema's provider and
// gets a note.
std::vector<std::string> ProposeProviders(DatabaseSample& sample, const std::vector<ColumnProfile>& profiles,
                                          bool schema_inferred, const ProviderRegistry& registry);

}  // namespace seedforge::profile
