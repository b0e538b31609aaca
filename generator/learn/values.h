// Values of learned columns as numbers, and their text forms.
//
// Inside the synthesizers every value of a row is one double: continuous
// and integer values as themselves, a category as its index into
// ModelColumn::categories, a boolean as 0 or 1, a date as days and a
// timestamp as microseconds since 1970-01-01. These helpers convert between
// that form, table columns, output columns and text; text is parsed by the
// table layer (seedforge/table.h).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/synthesizer.h"

namespace seedforge::internal {

// The number form of a value given as text for a column (a condition or a
// constraint), dates in the column's own format or ISO. False when the text
// is not a value of the column (an unknown category, a malformed date).
bool ValueFromText(const ModelColumn& column, std::string_view text, double* value);

// The number form of row `row` of a table column. REQUIRES: not NULL; for
// categorical columns `categories` maps label to index (see CategoryIndex).
double TableValue(const DataTable& table, int column, size_t row);

// Label -> index lookup of a categorical column; -1 when unknown.
class CategoryIndex {
 public:
  explicit CategoryIndex(const std::vector<std::string>& categories);
  int Find(std::string_view label) const;

 private:
  std::vector<std::pair<std::string_view, int>> sorted_;
};

// Learns the columns of a table (ranges, decimals, null rates, category
// frequencies), leaving out kId columns. Throws InputError naming the
// table's source when no column is left or the table has no rows.
std::vector<ModelColumn> LearnColumns(const DataTable& table);
// The table column of each learned column.
std::vector<int> TableColumnsOf(const DataTable& table, const std::vector<ModelColumn>& columns);

// Rounds and clips a number-form value to what the column can hold:
// integers, dates and categories to whole numbers, continuous values to the
// learned decimals, timestamps to the learned fraction of a second, and all
// of them into the observed [min, max] (SDV's enforce_min_max_values and
// enforce_rounding).
double FinishValue(const ModelColumn& column, double value);

// Writes a number-form value into an output column of DataTypeKind.
void StoreValue(const ModelColumn& column, double value, BatchColumn& out, size_t i);
// Writes a date or timestamp as the data wrote it (ModelColumn::format)
// into a kText column. REQUIRES: a kDate or kTimestamp column.
void StoreDateAsWritten(const ModelColumn& column, double value, BatchColumn& out, size_t i);

}  // namespace seedforge::internal
