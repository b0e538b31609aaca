#include "learn/values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

#include "seedforge/error.h"

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

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool Digits(std::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = v;
  return true;
}

bool ValidDate(int year, int month, int day) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  if (month == 2 && day == 29) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return true;
}

}  // namespace

bool ParseBoolText(std::string_view text, bool* value) {
  for (std::string_view t : {"true", "t", "yes"}) {
    if (EqualsIgnoreCase(text, t)) return *value = true, true;
  }
  for (std::string_view f : {"false", "f", "no"}) {
    if (EqualsIgnoreCase(text, f)) return *value = false, true;
  }
  return false;
}

bool ParseDateText(std::string_view text, int64_t* days) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, &y) ||
      !Digits(text, 5, 2, &m) || !Digits(text, 8, 2, &d) || !ValidDate(y, m, d)) {
    return false;
  }
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

bool ParseTimestampText(std::string_view text, int64_t* micros, int* fraction_digits) {
  int64_t days;
  int hh, mm, ss = 0;
  if (text.size() < 16 || !ParseDateText(text.substr(0, 10), &days) || (text[10] != 'T' && text[10] != ' ') ||
      !Digits(text, 11, 2, &hh) || text[13] != ':' || !Digits(text, 14, 2, &mm) || hh > 23 || mm > 59) {
    return false;
  }
  size_t pos = 16;
  int64_t fraction = 0;
  int digits = 0;
  if (pos < text.size() && text[pos] == ':') {
    if (!Digits(text, pos + 1, 2, &ss) || ss > 60) return false;
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 6) {
          fraction = fraction * 10 + (text[pos] - '0');
          ++digits;
        }
        ++pos;
      }
      if (digits == 0) return false;
    }
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return false;
  for (int i = digits; i < 6; ++i) fraction *= 10;
  *micros = ((days * 24 + hh) * 60 + mm) * 60'000'000LL + ss * 1'000'000LL + fraction;
  if (fraction_digits) *fraction_digits = digits;
  return true;
}

bool ParseIntText(std::string_view text, int64_t* value) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseFloatText(std::string_view text, double* value, int* digits) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(*value)) return false;
  if (digits) {
    // Letters here can only be an exponent (or inf/nan, refused above).
    size_t point = text.find('.');
    bool exponent = text.find_first_of("eE") != std::string_view::npos;
    *digits = exponent ? -1 : point == std::string_view::npos ? 0 : static_cast<int>(text.size() - point - 1);
  }
  return true;
}

CategoryIndex::CategoryIndex(const std::vector<std::string>& categories) {
  sorted_.reserve(categories.size());
  for (size_t i = 0; i < categories.size(); ++i) sorted_.emplace_back(categories[i], static_cast<int>(i));
  std::sort(sorted_.begin(), sorted_.end());
}

int CategoryIndex::Find(std::string_view label) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<std::string_view, int>(label, -1));
  return it != sorted_.end() && it->first == label ? it->second : -1;
}

bool ValueFromText(const LearnedColumn& column, std::string_view text, double* value) {
  switch (column.type) {
    case DataType::kContinuous:
      return ParseFloatText(text, value);
    case DataType::kInteger: {
      int64_t v;
      if (ParseIntText(text, &v)) return *value = static_cast<double>(v), true;
      return ParseFloatText(text, value);
    }
    case DataType::kCategorical: {
      for (size_t i = 0; i < column.categories.size(); ++i) {
        if (column.categories[i] == text) return *value = static_cast<double>(i), true;
      }
      return false;
    }
    case DataType::kBoolean: {
      bool b;
      if (text == "1" || text == "0") return *value = text == "1" ? 1 : 0, true;
      if (ParseBoolText(text, &b)) return *value = b ? 1 : 0, true;
      return false;
    }
    case DataType::kDate: {
      int64_t days;
      if (!ParseDateText(text, &days)) return false;
      *value = static_cast<double>(days);
      return true;
    }
    case DataType::kTimestamp: {
      int64_t micros, days;
      if (ParseTimestampText(text, &micros)) return *value = static_cast<double>(micros), true;
      if (ParseDateText(text, &days)) return *value = static_cast<double>(days) * 86'400'000'000.0, true;
      return false;
    }
    case DataType::kId: return false;
  }
  return false;
}

double TableValue(const DataTable& table, int column, size_t row) {
  const Column& c = table.columns[column];
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

std::vector<LearnedColumn> LearnColumns(const DataTable& table) {
  if (table.rows == 0) throw InputError({table.source}, "the table has no rows to learn from");
  std::vector<LearnedColumn> out;
  for (size_t c = 0; c < table.names.size(); ++c) {
    const DataType type = table.types[c];
    if (type == DataType::kId) continue;
    const Column& col = table.columns[c];
    LearnedColumn learned;
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
    }
    out.push_back(std::move(learned));
  }
  if (out.empty()) {
    throw InputError({table.source}, "no column to learn: every column is an id or free text (use --type COL=TYPE)");
  }
  return out;
}

std::vector<int> TableColumnsOf(const DataTable& table, const std::vector<LearnedColumn>& columns) {
  std::vector<int> out;
  for (const LearnedColumn& c : columns) out.push_back(table.Find(c.name));
  return out;
}

double FinishValue(const LearnedColumn& column, double value) {
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
      const double unit = std::pow(10.0, 6 - std::clamp(column.digits, 0, 6));
      value = std::round(value / unit) * unit;
      break;
    }
    default:
      value = std::round(value);
  }
  return std::clamp(value, column.min, column.max);
}

void StoreValue(const LearnedColumn& column, double value, Column& out, size_t i) {
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

}  // namespace internal
}  // namespace seedforge
