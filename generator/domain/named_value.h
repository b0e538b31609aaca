// The one reading of a named row's value (`scenarios:`, docs/domain-files.md
// "Named rows") as a typed cell: validation checks values with it, and the
// plan stores the cells it gives into generated rows.
#pragma once

#include <cstdint>
#include <string>

#include "seedforge/column.h"

namespace seedforge {

// One value of a named row, typed as a BatchColumn of `kind` holds it.
struct NamedCell {
  bool null = false;
  int64_t integer = 0;  // kInt, kBool, kDate (days), kTimestamp (micros), kDecimal (unscaled)
  double real = 0;      // kFloat
  std::string text;     // kText, kUuid

  // Whether the cell holds the same value as row i of `column` (NULLs
  // compare equal to nothing, as a unique index has it).
  bool Equals(const BatchColumn& column, size_t i) const;
  // Writes the cell into row i of `column`.
  void Store(BatchColumn& column, size_t i) const;
  // Row i of `column` as a cell.
  static NamedCell Of(const BatchColumn& column, size_t i);
};

// Reads `text` as a value of `kind` (decimal `scale` digits): integers,
// decimals (at most `scale` digits after the point: more would be rounded
// away silently), reals, true/false, dates (YYYY-MM-DD or today[+-]N(d|m|y),
// relative to `today`, days since 1970-01-01), timestamps
// (YYYY-MM-DD[ HH:MM[:SS]]), text as it is. Returns "" or why it is not one.
std::string ReadNamedCell(const std::string& text, ValueKind kind, int scale, int64_t today, NamedCell* out);

}  // namespace seedforge
