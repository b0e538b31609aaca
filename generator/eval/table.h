// Typed tables for the report: column kinds inferred from the real data,
// real / synthetic / holdout rows encoded with the same schema, and the
// links between tables of a multi-table dataset.
//
// Kinds follow SDMetrics' sdtypes (numerical, datetime, categorical, boolean,
// id) so scores are comparable with what SDV users see; `kText` is ours for
// free-text-like strings, which no score uses. Inference looks at every
// non-missing value of the real column, in this order:
//   id        the name is "id", ends in "_id" / " id" / "Id", or is a link
//             column, and the values are whole numbers or strings; or the
//             column is strings with every value distinct (20+ values)
//   boolean   every value is true/false, yes/no, t/f or y/n (any case)
//   numeric   every value parses as a decimal number; whole numbers with at
//             most 5 distinct values are categorical instead (e.g. a year or
//             a 0/1 flag: SDV's metadata detection does the same)
//   datetime  every value is an ISO 8601 date or date-time (YYYY-MM-DD,
//             optionally THH:MM[:SS[.fff]] with Z or +HH:MM; ' ' for 'T' and
//             YYYY/MM/DD accepted), stored as seconds since 1970-01-01 UTC
//   text      strings with more than half of 50+ values distinct
//   categorical otherwise
// The synthetic and holdout files are read with the real file's schema: a
// value that does not parse as the column's kind counts as missing and is
// counted in `unparsed`; categories unseen in the real data get new codes.
//
// Thread safety: values; nothing is shared.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "eval/csv.h"

namespace seedforge::eval {

enum class ColumnKind { kNumeric, kDatetime, kCategorical, kBoolean, kId, kText };

const char* KindName(ColumnKind kind);  // "numerical", "datetime", ... as SDMetrics names them

// Kinds that the fidelity scores use (SDMetrics' "statistical" sdtypes).
inline bool IsScored(ColumnKind k) {
  return k == ColumnKind::kNumeric || k == ColumnKind::kDatetime || k == ColumnKind::kCategorical ||
         k == ColumnKind::kBoolean;
}
// Numeric and datetime columns are continuous; the rest are discrete.
inline bool IsContinuous(ColumnKind k) { return k == ColumnKind::kNumeric || k == ColumnKind::kDatetime; }

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr int32_t kMissingCode = -1;

struct ColumnInfo {
  std::string name;
  ColumnKind kind = ColumnKind::kCategorical;
  std::string reason;  // why this kind, in words, for the report
  bool whole_numbers = false;
  // Labels of a discrete column (categorical, boolean, id, text), indexed by
  // code: the real data's labels first, in order of first appearance, then
  // labels only the synthetic or holdout data has.
  std::vector<std::string> labels;
  size_t real_labels = 0;
  std::unordered_map<std::string, int32_t> index;  // label -> code

  int32_t Code(const std::string& label);  // adds the label when new
};

// One table's values. Continuous columns fill `values` (NaN = missing),
// discrete ones `codes` (-1 = missing); the other vector stays empty.
struct ColumnData {
  std::vector<double> values;
  std::vector<int32_t> codes;
  size_t unparsed = 0;  // values that did not parse as the column's kind

  bool IsMissing(size_t row) const {
    return codes.empty() ? values[row] != values[row] : codes[row] == kMissingCode;
  }
};

struct TableData {
  std::string file;
  size_t rows = 0;
  std::vector<ColumnData> columns;  // parallel to TableSet::columns
  std::vector<std::string> extra_columns;  // in the file, not in the real data: ignored
};

// One entity: its schema and its real, synthetic and optional holdout rows.
struct TableSet {
  std::string name;
  std::vector<ColumnInfo> columns;
  TableData real;
  TableData synthetic;
  std::optional<TableData> holdout;

  int Find(const std::string& column) const;  // -1 when absent
};

// A foreign key: child.child_column references parent.parent_column.
struct Link {
  std::string child, child_column, parent, parent_column;
  bool inferred = false;
  std::string ToString() const { return child + "." + child_column + " -> " + parent + "." + parent_column; }
};

struct Dataset {
  std::vector<TableSet> tables;  // sorted by name
  std::vector<Link> links;
  bool multi_table = false;

  int Find(const std::string& table) const;  // -1 when absent
};

// Parses a value as a number / ISO date-time; nullopt when it is not one.
std::optional<double> ParseNumber(std::string_view text);
std::optional<double> ParseDateTime(std::string_view text);  // seconds since the epoch, UTC
std::optional<bool> ParseBool(std::string_view text);

// Infers the schema of a real table. `forced_ids` names columns that are link
// keys and so are ids whatever their values.
std::vector<ColumnInfo> InferSchema(const RawTable& real, const std::vector<std::string>& forced_ids = {});

// Encodes a raw table with the schema (which gains new labels). Columns are
// matched by name; a schema column missing from `raw` is an InputError naming
// the file.
TableData Encode(const RawTable& raw, std::vector<ColumnInfo>& schema);

// Loads --real/--synthetic/--holdout: three CSV files, or three folders of
// per-entity CSV files (`<entity>.csv`; the synthetic and holdout folders must
// hold the same file names). `link_specs` are "child.col=parent.col"; when
// empty, links are inferred from columns named `<parent>_id` (parent given in
// singular or plural: `customer_id` finds `customer` or `customers`) that
// reference the parent's `id` or `<parent>_id` column.
// Throws InputError for unreadable or bad files, UsageError for a bad spec.
Dataset LoadDataset(const std::string& real, const std::string& synthetic, const std::string& holdout,
                    const std::vector<std::string>& link_specs);

}  // namespace seedforge::eval
