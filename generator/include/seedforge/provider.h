// Providers: format-aware value generators.
//
// A provider is a pure function of (random stream, parameters, input columns
// of the row). One provider instance fills one or more *fields* for a set of
// rows; fields that belong together (card issuer, number and CVV; state, city
// and ZIP) come from one instance so that they agree. A domain column names a
// provider and a field, `provider: address.zip`; columns of one entity that
// name the same provider (and the same `group`, if any) share one instance.
//
// Determinism: a provider draws only from RandomStream(args.key, row) for the
// rows it is asked for, never from global state, so a row's values do not
// depend on which other rows are in the batch or on the thread.
//
// Uniqueness: a provider that can make a field unique reports the size of
// that field's value space; when asked for uniqueness it maps row r to a
// distinct value through IndexPermutation, by construction.
//
// Thread safety: Fill is const and called concurrently from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/params.h"
#include "seedforge/random.h"

namespace seedforge {

// The smallest and largest value of a numeric field. long double holds every
// int64 exactly on x86-64 (a 64-bit mantissa), so integer bounds compare with
// a column type's limits without rounding.
struct ValueRange {
  long double min = 0;
  long double max = 0;
};

struct FillArgs {
  std::span<const uint64_t> rows;  // row indices within the entity
  uint64_t key = 0;                // stream key of this provider instance
  // Input columns, in the order of the spec's column parameters
  // (ParamSpec::is_column), aligned with `rows`; nullptr if not given.
  std::span<const BatchColumn* const> inputs;
  // One per field of the spec; nullptr for fields no column asked for. Each
  // is already Resize()d to rows.size() with the field's kind.
  std::span<BatchColumn* const> outputs;
  // unique[f]: field f must be distinct across all rows of the entity.
  std::span<const bool> unique;
};

class Provider {
 public:
  virtual ~Provider() = default;

  virtual void Fill(const FillArgs& args) const = 0;

  // Longest value of a text field with these parameters, in characters,
  // when the provider knows it better than its FieldSpec (a category's
  // longest value, a pattern's length); 0 = use FieldSpec::max_length.
  virtual size_t MaxLength(size_t field) const {
    (void)field;
    return 0;
  }

  // Number of distinct values the field can take with these parameters, when
  // the provider can make it unique; nullopt when it cannot be unique.
  // UINT64_MAX means "more than any plan will ask for".
  virtual std::optional<uint64_t> UniqueSpace(size_t field) const {
    (void)field;
    return std::nullopt;
  }

  // The values a numeric field (integer, decimal, float) takes over rows
  // [0, rows), when the provider knows them: the plan checks them against
  // the column's SQL type (a sequence of 100,000 rows does not fit a
  // smallint). Of a date or timestamp field, in days or microseconds: a
  // date rule redraws a value it moves inside them. nullopt: unknown, not
  // checked. REQUIRES: rows > 0.
  virtual std::optional<ValueRange> Range(size_t field, uint64_t rows) const {
    (void)field;
    (void)rows;
    return std::nullopt;
  }

  // A value of a date or timestamp field inside [low, high] (stored units),
  // drawn from `random` the way the provider draws (a timestamp's
  // seasonality profile): a date rule that moves a value redraws it here so
  // that the value keeps the profile. nullopt: the provider draws uniformly,
  // and so does the rule. REQUIRES: low <= high.
  virtual std::optional<int64_t> DrawIn(size_t field, int64_t low, int64_t high, RandomStream& random) const {
    (void)field;
    (void)low;
    (void)high;
    (void)random;
    return std::nullopt;
  }
};

}  // namespace seedforge
