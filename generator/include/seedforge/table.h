// The table layer: typed columns read from CSV (or built from any rows of
// nullable strings, e.g. a PostgreSQL result set), with the one type
// inference that learn and report (and later profile, mask and database
// learning) share.
//
// A Table is columnar. Every column keeps its values as written (one string
// with end offsets, so a million rows cost one allocation, not a million)
// and, by its type, the parsed values: integers, decimals, booleans, dates
// and timestamps. Date and timestamp columns remember the format their values
// were written in (DateFormat), so synthetic data can be written back the
// same way.
//
// Type inference looks at every non-NULL value of a column, in this order
// (docs/synthesizers.md, "Column types"):
//   empty      no value at all
//   integer    every value is a whole number (-12, +7, 007); but an id when
//              the name looks like a key ("id", "*_id", "* id", "*-id",
//              "*.id", "customerId"), or when the values count up by one
//              from row to row (row numbers: 20+ rows, no NULL)
//   decimal    every value is a finite number (1.5, -2e3)
//   boolean    every value is true/false, t/f or yes/no (any case)
//   date       every value is a date in one of the formats below
//   timestamp  the same with a time of day on some value
//   id         text whose name looks like a key, or 20+ values all distinct
//   text       free text: more than 20 distinct values, over half the values
//   category   any other text
// Numbers, booleans and dates may have spaces around them.
//
// Dates: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY (any of
// '-', '/', '.' between the parts; one-digit months and days accepted), with
// an optional time [T| ]HH:MM[:SS[.ffffff]] and zone (Z, +HH:MM, +HHMM, +HH;
// values are stored in UTC). Year-last dates are month first (MM/DD/YYYY)
// with '/', day first with '.' or '-', unless the data says otherwise: a
// first part above 12 on some value makes the column day first, a second part
// above 12 month first. Epoch seconds are never guessed: declare them
// (`--type created=timestamp:epoch`).
//
// Thread safety: values; a TableBuilder belongs to one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/csv.h"
#include "seedforge/error.h"

namespace seedforge {

// How a date or timestamp column writes its values.
struct DateFormat {
  enum class Order : uint8_t { kYmd, kMdy, kDmy };
  enum class Zone : uint8_t { kNone, kUtc /* Z */, kOffset /* +00:00 */ };

  Order order = Order::kYmd;
  char date_separator = '-';
  char time_separator = ' ';  // ' ' or 'T'
  bool seconds = true;        // timestamps write :SS
  Zone zone = Zone::kNone;
  bool epoch = false;         // seconds since 1970-01-01 UTC (declared only)

  // YYYY-MM-DD and YYYY-MM-DD HH:MM:SS[.ffffff]: what BatchColumn::AppendText
  // writes, and what a model file without a format means.
  bool IsIso() const { return *this == DateFormat{}; }
  // The pattern: "YYYY/MM/DD HH:MM", "DD.MM.YYYY", "YYYY-MM-DDTHH:MM:SSZ",
  // "epoch". `timestamp` adds the time part.
  std::string Name(bool timestamp) const;
  // The inverse of Name (the time part, if any, is ignored for the date
  // columns' formats); nullopt for anything else.
  static std::optional<DateFormat> Parse(std::string_view name);

  bool operator==(const DateFormat&) const = default;
};

// Values as text, parsed. Spaces and tabs around the text are ignored.
// Whole numbers in int64's range, with an optional sign.
std::optional<int64_t> ParseInteger(std::string_view text);
// A finite decimal or scientific number; *decimals = digits after the point,
// or -1 with an exponent.
std::optional<double> ParseDecimal(std::string_view text, int* decimals = nullptr);
// true/false, t/f, yes/no, any case.
std::optional<bool> ParseBoolean(std::string_view text);

struct ParsedDateTime {
  int64_t micros = 0;       // since 1970-01-01T00:00:00Z
  bool has_time = false;
  int fraction_digits = 0;  // digits after the seconds' point
};
// A date or timestamp with the order (and, for epoch, the kind) of `format`;
// separators, the time part and the zone may be any accepted above.
std::optional<ParsedDateTime> ParseDateTime(std::string_view text, const DateFormat& format = {});

// Writes days (`timestamp` false) or microseconds as `format` says.
void AppendDateTime(int64_t value, bool timestamp, const DateFormat& format, std::string& out);

enum class ColumnType : uint8_t { kEmpty, kInteger, kDecimal, kBoolean, kDate, kTimestamp, kCategory, kId, kText };

std::string_view ColumnTypeName(ColumnType type);  // "integer", "decimal", ...
// Whether the values are kept as text only (category, id, text, empty).
inline bool IsTextType(ColumnType type) {
  return type == ColumnType::kEmpty || type == ColumnType::kCategory || type == ColumnType::kId ||
         type == ColumnType::kText;
}

// Values as written, back to back in one string with end offsets.
class TextValues {
 public:
  size_t size() const { return ends_.size(); }
  std::string_view Value(size_t row) const {
    const uint64_t begin = row == 0 ? 0 : ends_[row - 1];
    return std::string_view(data_).substr(begin, ends_[row] - begin);
  }
  void Append(std::string_view value) {
    data_.append(value);
    ends_.push_back(data_.size());
  }

 private:
  std::string data_;
  std::vector<uint64_t> ends_;
};

// A column of a table: its name, inferred (or declared) type and values.
struct TableColumn {
  std::string name;
  ColumnType type = ColumnType::kEmpty;
  DateFormat format;     // kDate, kTimestamp
  // kDecimal: most digits after the point (-1: some value has an exponent);
  // kTimestamp: most digits of a fraction of a second.
  int decimals = 0;
  std::string reason;    // why this type, in words ("declared" when given)
  size_t unparsed = 0;   // lenient tables: values not of the declared type, made NULL

  TextValues texts;              // every value as written ("" when NULL)
  std::vector<uint8_t> nulls;    // 1 = NULL
  std::vector<int64_t> ints;     // kInteger; kBoolean 0/1; kDate days; kTimestamp microseconds
  std::vector<double> numbers;    // kDecimal

  bool IsNull(size_t row) const { return nulls[row] != 0; }
  std::string_view Text(size_t row) const { return texts.Value(row); }
};

struct Table {
  std::string source;  // the file, for messages
  std::vector<TableColumn> columns;
  std::vector<int> lines;  // the line where each row starts
  size_t rows() const { return lines.size(); }
  int Find(std::string_view name) const;  // -1 when absent
};

// A declared type, and for dates and timestamps optionally their format
// (otherwise inferred from the values like an undeclared column's).
struct ColumnSpec {
  ColumnType type = ColumnType::kCategory;
  std::optional<DateFormat> format;
  // Known to be text (a SQL text column): `type` is ignored, and the values
  // choose category, id or free text as inference does, so that text made
  // of digits ("02139") stays text.
  bool any_text = false;
};

struct TableOptions {
  CsvOptions csv;  // the NULL marker and the row limit
  // Declared types by column name; a name that is no column is an
  // InputError (at the header).
  std::map<std::string, ColumnSpec> types;
  // false: a value that is not of its column's declared type is an
  // InputError naming file:line. true: it becomes NULL and is counted in
  // TableColumn::unparsed (report reads synthetic data this way).
  bool lenient = false;
  // false: no inference; undeclared columns stay text (kText), for a caller
  // that reads the values with another table's types (report's synthetic
  // data).
  bool infer_types = true;
};

// Builds a Table from a header and rows of nullable strings: the CSV reader
// feeds it, and so can any other source of rows.
class TableBuilder {
 public:
  // Empty header names become "column<N>" (N 1-based: R's write.csv leaves
  // the row-name column unnamed). Throws InputError at `header` for a
  // duplicate name.
  TableBuilder(SourceLocation header, std::vector<std::string> names, TableOptions options);

  // REQUIRES: fields.size() == the header's.
  void AddRow(std::span<const std::optional<std::string_view>> fields, int line);

  // Types every column (declared, or inferred) and parses its values.
  Table Finish() &&;

 private:
  SourceLocation header_;
  TableOptions options_;
  Table table_;
};

// Reads a CSV file (csv.h) into a typed table, streaming it.
Table ReadTable(const std::string& path, const TableOptions& options = {});
Table ParseTable(std::string_view text, const std::string& source, const TableOptions& options = {});

}  // namespace seedforge
