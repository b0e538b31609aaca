// learn's view of the table layer: a Table (seedforge/table.h) as the
// DataTable the synthesizers fit, with --type overrides. Reading, NULL rules
// and type inference are the table layer's; only the mapping of its column
// types to the models' DataTypes lives here.
#include <algorithm>
#include <string>

#include "seedforge/synthesizer.h"
#include "seedforge/table.h"

namespace seedforge {

namespace {

// Ids, free text and columns without a value are left out of models.
DataType DataTypeOf(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger: return DataType::kInteger;
    case ColumnType::kDecimal: return DataType::kContinuous;
    case ColumnType::kBoolean: return DataType::kBoolean;
    case ColumnType::kDate: return DataType::kDate;
    case ColumnType::kTimestamp: return DataType::kTimestamp;
    case ColumnType::kCategory: return DataType::kCategorical;
    case ColumnType::kEmpty:
    case ColumnType::kId:
    case ColumnType::kText: return DataType::kId;
  }
  return DataType::kId;
}

ColumnType ColumnTypeOf(DataType type) {
  switch (type) {
    case DataType::kContinuous: return ColumnType::kDecimal;
    case DataType::kInteger: return ColumnType::kInteger;
    case DataType::kCategorical: return ColumnType::kCategory;
    case DataType::kBoolean: return ColumnType::kBoolean;
    case DataType::kDate: return ColumnType::kDate;
    case DataType::kTimestamp: return ColumnType::kTimestamp;
    case DataType::kId: return ColumnType::kId;
  }
  return ColumnType::kId;
}

TableOptions TableOptionsOf(const CsvReadOptions& options) {
  TableOptions out;
  out.csv.max_rows = options.max_rows;
  out.csv.null_marker = options.null_marker;
  for (const auto& [name, type] : options.types) out.types[name].type = ColumnTypeOf(type);
  for (const auto& [name, format] : options.formats) out.types[name].format = format;
  return out;
}

}  // namespace

DataTable DataTableOf(const Table& table) {
  DataTable out;
  out.source = table.source;
  out.rows = table.rows();
  for (const TableColumn& c : table.columns) {
    const DataType type = DataTypeOf(c.type);
    out.names.push_back(c.name);
    out.types.push_back(type);
    out.formats.push_back(c.format);
    out.digits.push_back(c.type == ColumnType::kDecimal || c.type == ColumnType::kTimestamp ? c.decimals : 0);
    BatchColumn col;
    col.kind = DataTypeKind(type);
    if (c.type == ColumnType::kDecimal) {
      col.floats = c.numbers;
    } else if (!IsTextType(c.type)) {
      col.ints = c.ints;
    } else {
      col.texts.reserve(out.rows);
      for (size_t r = 0; r < out.rows; ++r) col.texts.emplace_back(c.Text(r));
    }
    col.Resize(out.rows);
    if (std::find(c.nulls.begin(), c.nulls.end(), 1) != c.nulls.end()) col.nulls = c.nulls;
    out.columns.push_back(std::move(col));
  }
  return out;
}

bool SetColumnType(const std::string& column, std::string_view spec, CsvReadOptions& options) {
  const size_t colon = spec.find(':');
  const std::optional<DataType> type = ParseDataType(spec.substr(0, colon));
  if (!type) return false;
  if (colon != std::string_view::npos) {
    const std::optional<DateFormat> format = DateFormat::Parse(spec.substr(colon + 1));
    // Epoch seconds are a timestamp's; a date format's time part would be dropped.
    if (!format || (*type != DataType::kDate && *type != DataType::kTimestamp) ||
        (format->epoch && *type != DataType::kTimestamp)) {
      return false;
    }
    options.formats[column] = *format;
  }
  options.types[column] = *type;
  return true;
}

DataTable ParseCsvTable(std::string_view text, const std::string& source, const CsvReadOptions& options) {
  return DataTableOf(ParseTable(text, source, TableOptionsOf(options)));
}

DataTable ReadCsvTable(const std::string& path, const CsvReadOptions& options) {
  return DataTableOf(ReadTable(path, TableOptionsOf(options)));
}

}  // namespace seedforge
