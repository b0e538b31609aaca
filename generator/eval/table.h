// Typed tables for the report: column kinds from the real data, real /
// synthetic / holdout rows encoded with the same schema, and the links
// between tables of a multi-table dataset.
//
// Kinds follow SDMetrics' sdtypes (numerical, datetime, categorical, boolean,
// id) so scores are comparable with what SDV users see; `kText` is ours for
// free-text-like strings, which no score uses. Files are read and typed by
// the table layer (seedforge/table.h: its CSV reader, NULL rule and the one
// type inference); a kind is that type mapped:
//   empty                 categorical (no value to score)
//   integer, decimal      numerical; but whole numbers with at most
//                         kFewValuesAsCategory distinct values are categorical
//                         (a year or a 0/1 flag: SDV's metadata detection does
//                         the same)
//   boolean               boolean
//   date, timestamp       datetime, as seconds since 1970-01-01 UTC
//   category, id, text    categorical, id, text
// and a column that is the key of a link between tables is an id.
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

#include "seedforge/pii.h"
#include "seedforge/table.h"

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

// Whole numbers with at most this many distinct values are categorical.
constexpr size_t kFewValuesAsCategory = 5;

struct ColumnEncoding {
  std::string name;
  ColumnKind kind = ColumnKind::kCategorical;
  DateFormat format;   // datetime: the real data's format (its day-month order)
  std::string reason;  // why this kind, in words, for the report
  bool whole_numbers = false;
  // Labels of a discrete column (categorical, boolean, id, text), indexed by
  // code: the real data's labels first, in order of first appearance, then
  // labels only the synthetic or holdout data has.
  std::vector<std::string> labels;
  size_t real_labels = 0;
  std::unordered_map<std::string, int32_t> index;  // label -> code
  // What the PII detector (seedforge/pii.h, the one `seedforge profile`
  // uses) finds in the real values; the audit reads it. Shares only, no value.
  PiiFinding pii;

  int32_t Code(const std::string& label);  // adds the label when new
};

// One table's values. Continuous columns fill `values` (NaN = missing),
// discrete ones `codes` (-1 = missing); the other vector stays empty.
struct EncodedValues {
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
  std::vector<EncodedValues> columns;  // parallel to TableSet::columns
  std::vector<std::string> extra_columns;  // in the file, not in the real data: ignored
};

// One entity: its schema and its real, synthetic and optional holdout rows.
struct TableSet {
  std::string name;
  std::vector<ColumnEncoding> columns;
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

// A column whose kind the domain decides, whatever its values: the key of a
// self-reference (an id), or a column filled by a provider of personal data,
// identifiers or filler text (text). SDV's metadata gives such columns PII
// or id sdtypes, which SDMetrics leaves out of its scores.
struct DeclaredColumn {
  std::string table, column;
  ColumnKind kind = ColumnKind::kText;
  std::string reason;
};

// The schema of a real table. `forced_ids` names columns that are link keys
// and so are ids whatever their values; `declared` (for any table, matched
// by `table_name`) sets other columns' kinds. Each column's PII finding is
// made here, from the real values (`table_name` helps it read a bare "name").
std::vector<ColumnEncoding> InferSchema(const Table& real, const std::vector<std::string>& forced_ids = {},
                                        const std::vector<DeclaredColumn>& declared = {},
                                        const std::string& table_name = "");

// Encodes a table's values (as written) with the schema, which gains new
// labels. Columns are matched by name; a schema column missing from `table`
// is an InputError naming the file.
TableData Encode(const Table& table, std::vector<ColumnEncoding>& schema);

// Loads --real/--synthetic/--holdout: three CSV files, or three folders of
// per-entity CSV files (`<entity>.csv`; the synthetic and holdout folders must
// hold the same file names). `link_specs` are "child.col=parent.col"; when
// empty, links are inferred from columns named `<parent>_id` (parent given in
// singular or plural: `customer_id` finds `customer` or `customers`) that
// reference the parent's `id` or `<parent>_id` column.
// Throws InputError for unreadable or bad files, UsageError for a bad spec.
// `null_marker`: besides the empty unquoted field, what reads as NULL
// (--null, seedforge/csv.h).
Dataset LoadDataset(const std::string& real, const std::string& synthetic, const std::string& holdout,
                    const std::vector<std::string>& link_specs, const std::string& null_marker = "",
                    const std::vector<DeclaredColumn>& declared = {});

}  // namespace seedforge::eval
