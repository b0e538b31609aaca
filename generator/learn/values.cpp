#include "learn/values.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "seedforge/error.h"
#include "seedforge/table.h"

namespace seedforge {

std::string_view DataTypeName(DataType type) {
  switch (type) {
    case DataType::kContinuous: return "continuous";
    case DataType::kInteger: return "integer";
    case DataType::kCategorical: return "categorical";
    case DataType::kBoolean: return "boolean";
    case DataType::kDate: return "date";
    case DataType::kTimestamp: return "timestamp";
    case DataType::kId: return "id";
  }
  return "?";
}

std::optional<DataType> ParseDataType(std::string_view name) {
  static const std::pair<std::string_view, DataType> kNames[] = {
      {"continuous", DataType::kContinuous}, {"numerical", DataType::kContinuous},
      {"float", DataType::kContinuous},      {"integer", DataType::kInteger},
      {"int", DataType::kInteger},           {"categorical", DataType::kCategorical},
      {"boolean", DataType::kBoolean},       {"bool", DataType::kBoolean},
      {"date", DataType::kDate},             {"timestamp", DataType::kTimestamp},
      {"datetime", DataType::kTimestamp},    {"id", DataType::kId},
      {"skip", DataType::kId},
  };
  for (const auto& [text, type] : kNames) {
    if (text == name) return type;
  }
  return std::nullopt;
}

ValueKind DataTypeKind(DataType type) {
  switch (type) {
    case DataType::kContinuous: return ValueKind::kFloat;
    case DataType::kInteger: return ValueKind::kInt;
    case DataType::kBoolean: return ValueKind::kBool;
    case DataType::kDate: return ValueKind::kDate;
    case DataType::kTimestamp: return ValueKind::kTimestamp;
    case DataType::kCategorical:
    case DataType::kId: return ValueKind::kText;
  }
  return ValueKind::kText;
}

int DataTable::Find(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

namespace internal {

CategoryIndex::CategoryIndex(const std::vector<std::string>& categories) {
  sorted_.reserve(categories.size());
  for (size_t i = 0; i < categories.size(); ++i) sorted_.emplace_back(categories[i], static_cast<int>(i));
  std::sort(sorted_.begin(), sorted_.end());
}

int CategoryIndex::Find(std::string_view label) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<std::string_view, int>(label, -1));
  return it != sorted_.end() && it->first == label ? it->second : -1;
}

bool ValueFromText(const ModelColumn& column, std::string_view text, double* value) {
  switch (column.type) {
    case DataType::kContinuous:
      if (std::optional<double> x = ParseDecimal(text)) return *value = *x, true;
      return false;
    case DataType::kInteger: {
      if (std::optional<int64_t> v = ParseInteger(text)) return *value = static_cast<double>(*v), true;
      if (std::optional<double> x = ParseDecimal(text)) return *value = *x, true;
      return false;
    }
    case DataType::kCategorical: {
      for (size_t i = 0; i < column.categories.size(); ++i) {
        if (column.categories[i] == text) return *value = static_cast<double>(i), true;
      }
      return false;
    }
    case DataType::kBoolean: {
      if (text == "1" || text == "0") return *value = text == "1" ? 1 : 0, true;
      if (std::optional<bool> b = ParseBoolean(text)) return *value = *b ? 1 : 0, true;
      return false;
    }
    case DataType::kDate:
    case DataType::kTimestamp: {
      std::optional<ParsedDateTime> t = ParseDateTime(text, column.format);
      if (!t && column.format.epoch) t = ParseDateTime(text);
      if (!t) return false;
      *value = column.type == DataType::kDate
                   ? static_cast<double>(t->micros / kMicrosPerDay - (t->micros % kMicrosPerDay < 0))
                   : static_cast<double>(t->micros);
      return true;
    }
    case DataType::kId: return false;
  }
  return false;
}

double TableValue(const DataTable& table, int column, size_t row) {
  const BatchColumn& c = table.columns[column];
  switch (table.types[column]) {
    case DataType::kContinuous: return c.floats[row];
    case DataType::kInteger:
    case DataType::kBoolean:
    case DataType::kDate:
    case DataType::kTimestamp: return static_cast<double>(c.ints[row]);
    case DataType::kCategorical:
    case DataType::kId: return 0;
  }
  return 0;
}

std::vector<ModelColumn> LearnColumns(const DataTable& table) {
  if (table.rows == 0) throw InputError({table.source}, "the table has no rows to learn from");
  std::vector<ModelColumn> out;
  for (size_t c = 0; c < table.names.size(); ++c) {
    const DataType type = table.types[c];
    if (type == DataType::kId) continue;
    const BatchColumn& col = table.columns[c];
    ModelColumn learned;
    learned.name = table.names[c];
    learned.type = type;
    size_t nulls = 0;
    for (size_t i = 0; i < table.rows; ++i) nulls += col.IsNull(i);
    learned.null_rate = static_cast<double>(nulls) / static_cast<double>(table.rows);
    const double present = static_cast<double>(table.rows - nulls);
    if (type == DataType::kCategorical) {
      std::unordered_map<std::string_view, size_t> counts;
      for (size_t i = 0; i < table.rows; ++i) {
        if (!col.IsNull(i)) ++counts[col.texts[i]];
      }
      std::vector<std::pair<std::string_view, size_t>> sorted(counts.begin(), counts.end());
      // Most frequent first; ties by label, so the order is reproducible.
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      for (const auto& [label, count] : sorted) {
        learned.categories.emplace_back(label);
        learned.frequencies.push_back(static_cast<double>(count) / present);
      }
      learned.min = 0;
      learned.max = sorted.empty() ? 0 : static_cast<double>(sorted.size() - 1);
    } else if (type == DataType::kBoolean) {
      size_t ones = 0;
      for (size_t i = 0; i < table.rows; ++i) ones += !col.IsNull(i) && col.ints[i] != 0;
      const double p = present > 0 ? static_cast<double>(ones) / present : 0.5;
      learned.frequencies = {1 - p, p};
      learned.min = 0;
      learned.max = 1;
    } else {
      double lo = INFINITY, hi = -INFINITY;
      for (size_t i = 0; i < table.rows; ++i) {
        if (col.IsNull(i)) continue;
        const double v = TableValue(table, static_cast<int>(c), i);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      learned.min = std::isfinite(lo) ? lo : 0;
      learned.max = std::isfinite(hi) ? hi : 0;
      learned.digits = c < table.digits.size() ? table.digits[c] : (type == DataType::kContinuous ? -1 : 6);
      if (c < table.formats.size()) learned.format = table.formats[c];
    }
    out.push_back(std::move(learned));
  }
  if (out.empty()) {
    throw InputError({table.source}, "no column to learn: every column is an id or free text (use --type COL=TYPE)");
  }
  return out;
}

std::vector<int> TableColumnsOf(const DataTable& table, const std::vector<ModelColumn>& columns) {
  std::vector<int> out;
  for (const ModelColumn& c : columns) out.push_back(table.Find(c.name));
  return out;
}

double FinishValue(const ModelColumn& column, double value) {
  if (!std::isfinite(value)) value = column.min;
  switch (column.type) {
    case DataType::kContinuous:
      if (column.digits >= 0 && column.digits <= 12) {
        const double scale = std::pow(10.0, column.digits);
        const double rounded = std::round(value * scale) / scale;
        if (std::isfinite(rounded)) value = rounded;
      }
      break;
    case DataType::kTimestamp: {
      // Whole minutes when the data's format writes no seconds.
      const double unit = !column.format.seconds && !column.format.epoch
                              ? 60e6
                              : std::pow(10.0, 6 - std::clamp(column.digits, 0, 6));
      value = std::round(value / unit) * unit;
      break;
    }
    default:
      value = std::round(value);
  }
  return std::clamp(value, column.min, column.max);
}

void StoreValue(const ModelColumn& column, double value, BatchColumn& out, size_t i) {
  switch (column.type) {
    case DataType::kContinuous: out.floats[i] = value; break;
    case DataType::kCategorical: {
      size_t index = static_cast<size_t>(std::clamp(value, 0.0, static_cast<double>(column.categories.size() - 1)));
      out.texts[i] = column.categories[index];
      break;
    }
    case DataType::kId: break;
    default: out.ints[i] = static_cast<int64_t>(std::llround(value));
  }
}

void StoreDateAsWritten(const ModelColumn& column, double value, BatchColumn& out, size_t i) {
  out.texts[i].clear();
  AppendDateTime(std::llround(value), column.type == DataType::kTimestamp, column.format, out.texts[i]);
}

}  // namespace internal
}  // namespace seedforge
