// TableBuilder: rows of nullable strings into typed columns, with the one
// type inference (rules in seedforge/table.h).
#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include "seedforge/calendar.h"
#include "seedforge/table.h"
#include "table/date_parts.h"

namespace seedforge {

namespace {

// More distinct text values than this, and more than half the values, make
// free text; this many values all distinct make an id (a key).
constexpr size_t kFreeTextDistinct = 20;
constexpr size_t kKeyValues = 20;

bool IdLikeName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "id") return true;
  for (std::string_view suffix : {"_id", " id", "-id", ".id"}) {
    if (lower.size() > suffix.size() && lower.ends_with(suffix)) return true;
  }
  // camelCase: customerId, orderID
  if (name.size() > 2) {
    const std::string_view tail = name.substr(name.size() - 2);
    const char before = name[name.size() - 3];
    if ((tail == "Id" || tail == "ID") && before >= 'a' && before <= 'z') return true;
  }
  return false;
}

// What the non-NULL values of a column could be, gathered in one pass.
struct Evidence {
  size_t present = 0;
  bool integers = true, decimals = true, booleans = true, dates = true;
  bool counting = true;  // integers counting up by one from row to row
  int64_t previous = 0;
  // Dates: which layouts appear, which day-month orders fit every value.
  bool year_first = false, year_last = false;
  bool month_first_fits = true, day_first_fits = true;
  bool any_time = false;
  bool first_date = true;
  DateFormat format;  // separators, seconds and zone as seen

  bool AnyLeft() const { return integers || decimals || booleans || dates; }

  void Add(std::string_view v) {
    if (integers) {
      if (std::optional<int64_t> x = ParseInteger(v)) {
        // previous + 1 would overflow after INT64_MAX; with previous < x the
        // unsigned difference is the true one.
        if (present > 0 && !(previous < *x && static_cast<uint64_t>(*x) - static_cast<uint64_t>(previous) == 1)) {
          counting = false;
        }
        previous = *x;
      } else {
        integers = false;
      }
    }
    if (decimals && !integers && !ParseDecimal(v)) decimals = false;
    if (booleans && !ParseBoolean(v)) booleans = false;
    if (dates) AddDate(v);
    ++present;
  }

  void AddDate(std::string_view v) {
    internal::DateParts p;
    if (!internal::SplitDateTime(v, &p)) {
      dates = false;
      return;
    }
    int64_t micros;
    if (p.year_first) {
      year_first = true;
      dates = internal::DateTimeMicros(p, DateFormat::Order::kYmd, &micros);
    } else {
      year_last = true;
      month_first_fits = month_first_fits && internal::DateTimeMicros(p, DateFormat::Order::kMdy, &micros);
      day_first_fits = day_first_fits && internal::DateTimeMicros(p, DateFormat::Order::kDmy, &micros);
      dates = month_first_fits || day_first_fits;
    }
    if (year_first && year_last) dates = false;
    if (first_date) format.date_separator = p.date_separator;
    first_date = false;
    if (p.has_time) {
      if (!any_time) {
        format.time_separator = p.time_separator;
        format.seconds = false;
        format.zone = p.zone;
      }
      any_time = true;
      format.seconds = format.seconds || p.has_seconds;
    }
  }

  // The date format the values fit, if any.
  std::optional<DateFormat> Dates() const {
    if (!dates || present == 0) return std::nullopt;
    DateFormat out = format;
    if (year_last) {
      // Both orders fit only when no part exceeds 12: then the separator's
      // custom decides (US MM/DD/YYYY with '/', DD.MM.YYYY otherwise).
      const bool usual_month_first = format.date_separator == '/';
      out.order = month_first_fits && (usual_month_first || !day_first_fits) ? DateFormat::Order::kMdy
                                                                             : DateFormat::Order::kDmy;
    }
    if (!any_time) {  // a date column's format has no time part
      out.time_separator = ' ';
      out.seconds = true;
      out.zone = DateFormat::Zone::kNone;
    }
    return out;
  }
};

size_t CountDistinct(const TableColumn& column) {
  std::unordered_set<std::string_view> distinct;
  for (size_t r = 0; r < column.nulls.size(); ++r) {
    if (!column.IsNull(r)) distinct.insert(column.Text(r));
  }
  return distinct.size();
}

// The one inference: sets type, format and reason.
void Infer(TableColumn& column, const Evidence& e, size_t rows) {
  const bool key_name = IdLikeName(column.name);
  if (e.present == 0) {
    column.type = ColumnType::kEmpty;
    column.reason = "every value is NULL";
  } else if (e.integers && key_name) {
    column.type = ColumnType::kId;
    column.reason = "the name looks like a key";
  } else if (e.integers && e.counting && e.present >= kKeyValues && e.present == rows) {
    column.type = ColumnType::kId;
    column.reason = "row numbers (whole numbers counting up by one)";
  } else if (e.integers) {
    column.type = ColumnType::kInteger;
    column.reason = "every value is a whole number";
  } else if (e.decimals) {
    column.type = ColumnType::kDecimal;
    column.reason = "every value is a number";
  } else if (e.booleans) {
    column.type = ColumnType::kBoolean;
    column.reason = "every value is true/false or yes/no";
  } else if (std::optional<DateFormat> format = e.Dates()) {
    column.type = e.any_time ? ColumnType::kTimestamp : ColumnType::kDate;
    column.format = *format;
    column.reason = std::string("every value is a ") + (e.any_time ? "timestamp" : "date") + " (" +
                    format->Name(e.any_time) + ")";
  } else if (key_name) {
    column.type = ColumnType::kId;
    column.reason = "the name looks like a key";
  } else {
    const size_t d = CountDistinct(column);
    if (d == e.present && e.present >= kKeyValues) {
      column.type = ColumnType::kId;
      column.reason = "every value is distinct (looks like an identifier)";
    } else if (d > kFreeTextDistinct && d * 2 > e.present) {
      column.type = ColumnType::kText;
      column.reason = std::to_string(d) + " distinct values in " + std::to_string(e.present) + " (looks like free text)";
    } else {
      column.type = ColumnType::kCategory;
      column.reason = std::to_string(d) + " distinct values";
    }
  }
}

const char* Expected(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger: return "an integer";
    case ColumnType::kDecimal: return "a number";
    case ColumnType::kBoolean: return "a boolean (true/false, yes/no, 1/0)";
    case ColumnType::kDate: return "a date";
    case ColumnType::kTimestamp: return "a timestamp";
    default: return "a value";
  }
}

// Parses the column's values as its type; false for a value that is not.
bool ParseValue(TableColumn& column, std::string_view v, size_t r) {
  switch (column.type) {
    case ColumnType::kInteger: {
      if (std::optional<int64_t> x = ParseInteger(v)) return column.ints[r] = *x, true;
      // A declared integer column rounds decimals.
      std::optional<double> x = ParseDecimal(v);
      if (!x || std::fabs(*x) >= 9.2e18) return false;
      column.ints[r] = std::llround(*x);
      return true;
    }
    case ColumnType::kDecimal: {
      int decimals = 0;
      std::optional<double> x = ParseDecimal(v, &decimals);
      if (!x) return false;
      column.numbers[r] = *x;
      column.decimals = (decimals < 0 || column.decimals < 0) ? -1 : std::max(column.decimals, decimals);
      return true;
    }
    case ColumnType::kBoolean: {
      std::optional<bool> b = v == "1" ? true : v == "0" ? false : ParseBoolean(v);
      if (!b) return false;
      column.ints[r] = *b;
      return true;
    }
    case ColumnType::kDate: {
      std::optional<ParsedDateTime> t = ParseDateTime(v, column.format);
      if (!t) return false;
      column.ints[r] = t->micros / kMicrosPerDay - (t->micros % kMicrosPerDay < 0);
      return true;
    }
    case ColumnType::kTimestamp: {
      std::optional<ParsedDateTime> t = ParseDateTime(v, column.format);
      if (!t) return false;
      column.ints[r] = t->micros;
      column.decimals = std::max(column.decimals, t->fraction_digits);
      return true;
    }
    default: return true;
  }
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kEmpty: return "empty";
    case ColumnType::kInteger: return "integer";
    case ColumnType::kDecimal: return "decimal";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kDate: return "date";
    case ColumnType::kTimestamp: return "timestamp";
    case ColumnType::kCategory: return "category";
    case ColumnType::kId: return "id";
    case ColumnType::kText: return "text";
  }
  return "?";
}

int Table::Find(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

TableBuilder::TableBuilder(SourceLocation header, std::vector<std::string> names, TableOptions options)
    : header_(std::move(header)), options_(std::move(options)) {
  table_.source = header_.file;
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    TableColumn column;
    column.name = names[i].empty() ? "column" + std::to_string(i + 1) : std::move(names[i]);
    // Columns are found by name (types, models, constraints): one name,
    // one column.
    if (!seen.insert(column.name).second) {
      throw InputError(header_, "duplicate column name '" + column.name + "' in the header");
    }
    table_.columns.push_back(std::move(column));
  }
  for (const auto& [name, spec] : options_.types) {
    if (table_.Find(name) >= 0) continue;
    std::string known;
    for (const TableColumn& c : table_.columns) known += (known.empty() ? "" : ", ") + c.name;
    throw InputError(header_, "a type is given for '" + name + "', which is not a column (columns: " + known + ")");
  }
}

void TableBuilder::AddRow(std::span<const std::optional<std::string_view>> fields, int line) {
  for (size_t c = 0; c < fields.size(); ++c) {
    TableColumn& column = table_.columns[c];
    column.texts.Append(fields[c].value_or(std::string_view()));
    column.nulls.push_back(!fields[c].has_value());
  }
  table_.lines.push_back(line);
}

Table TableBuilder::Finish() && {
  const size_t rows = table_.rows();
  for (TableColumn& column : table_.columns) {
    Evidence evidence;
    if (!options_.infer_types) evidence.integers = evidence.decimals = evidence.booleans = evidence.dates = false;
    for (size_t r = 0; r < rows && evidence.AnyLeft(); ++r) {
      if (!column.IsNull(r)) evidence.Add(column.Text(r));
    }
    // The loop may stop early: count what it skipped.
    evidence.present = static_cast<size_t>(std::count(column.nulls.begin(), column.nulls.end(), 0));
    auto declared = options_.types.find(column.name);
    if (declared == options_.types.end() && !options_.infer_types) {
      column.type = ColumnType::kText;
      column.reason = "not inferred";
      continue;
    }
    if (declared == options_.types.end()) {
      Infer(column, evidence, rows);
    } else if (declared->second.any_text) {
      evidence.integers = evidence.decimals = evidence.booleans = evidence.dates = false;
      Infer(column, evidence, rows);
    } else {
      column.type = declared->second.type;
      column.reason = "declared";
      if (std::optional<DateFormat> format = declared->second.format) {
        column.format = *format;
      } else if (std::optional<DateFormat> seen = evidence.Dates()) {
        column.format = *seen;
      }
    }
    if (column.type == ColumnType::kDecimal) {
      column.numbers.assign(rows, 0);
    } else if (!IsTextType(column.type)) {
      column.ints.assign(rows, 0);
    }
    for (size_t r = 0; r < rows; ++r) {
      if (column.IsNull(r)) continue;
      const std::string_view v = column.Text(r);
      if (ParseValue(column, v, r)) continue;
      if (!options_.lenient) {
        throw InputError({table_.source, table_.lines[r]},
                         "column '" + column.name + "': '" + std::string(v) + "' is not " + Expected(column.type) +
                             (column.type == ColumnType::kDate || column.type == ColumnType::kTimestamp
                                  ? " (" + column.format.Name(column.type == ColumnType::kTimestamp) + ")"
                                  : ""));
      }
      column.nulls[r] = 1;
      ++column.unparsed;
    }
  }
  return std::move(table_);
}

namespace {

Table Read(CsvReader& reader, const TableOptions& options) {
  TableBuilder builder({reader.source(), reader.header_line()}, reader.header(), options);
  while (reader.Next()) builder.AddRow(reader.fields(), reader.line());
  return std::move(builder).Finish();
}

}  // namespace

Table ReadTable(const std::string& path, const TableOptions& options) {
  return Read(*CsvReader::Open(path, options.csv), options);
}

Table ParseTable(std::string_view text, const std::string& source, const TableOptions& options) {
  return Read(*CsvReader::FromText(text, source, options.csv), options);
}

}  // namespace seedforge
