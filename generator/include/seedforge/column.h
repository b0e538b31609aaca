// Columnar batches: the unit of work between generation and the sinks.
//
// A Batch holds a contiguous range of rows of one entity, one BatchColumn per
// column of the entity (struct of arrays). Columns are typed by ValueKind;
// the storage vector used depends on the kind. Batches are reused from one
// range to the next, so strings keep their capacity and the steady state
// allocates nothing.
//
// Thread safety: none; a batch belongs to one worker at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/calendar.h"

namespace seedforge {

enum class ValueKind : uint8_t {
  kInt,        // ints: integer
  kFloat,      // floats: IEEE double
  kDecimal,    // ints: unscaled value, BatchColumn::scale digits after the point
  kText,       // texts: UTF-8
  kBool,       // ints: 0 or 1
  kDate,       // ints: days since 1970-01-01
  kTimestamp,  // ints: microseconds since 1970-01-01T00:00:00Z
  kUuid,       // texts: canonical 36-character form
};

std::string_view ValueKindName(ValueKind kind);

struct BatchColumn {
  ValueKind kind = ValueKind::kText;
  int scale = 0;  // kDecimal only

  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> texts;
  std::vector<uint8_t> nulls;  // 1 = NULL; empty when the column has no NULL

  // Makes room for n values of the column's kind; keeps string capacity.
  void Resize(size_t n);
  size_t size() const;

  bool IsNull(size_t i) const { return !nulls.empty() && nulls[i] != 0; }
  void SetNull(size_t i);
  void ClearNulls() { nulls.clear(); }

  // The value as SQL-literal-free text: 42, 3.5, 12.30, true, 2024-01-31,
  // 2024-01-31 12:00:00 (UTC, no zone). Used by derived columns, the JSON and
  // CSV encoders, and tests. REQUIRES: !IsNull(i).
  void AppendText(size_t i, std::string& out) const;
  std::string Text(size_t i) const;
};

// Rows [first_row, first_row + size) of one entity.
struct Batch {
  uint64_t first_row = 0;
  size_t size = 0;
  std::vector<BatchColumn> columns;  // in the entity's column order
};

// Text forms of values (dates through seedforge/calendar.h).
void AppendDate(int64_t days, std::string& out);                // YYYY-MM-DD
void AppendTimestamp(int64_t micros, std::string& out);          // YYYY-MM-DD HH:MM:SS[.ffffff]
void AppendDecimal(int64_t unscaled, int scale, std::string& out);  // -12.30
void AppendInt(int64_t value, std::string& out);
void AppendDouble(double value, std::string& out);               // shortest round-trip

}  // namespace seedforge
