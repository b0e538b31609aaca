// Reading a CSV file into a typed DataTable, with type inference.
//
// The reader follows RFC 4180 (quoted fields, doubled quotes, embedded
// newlines, CRLF or LF). An empty unquoted field is NULL; "" is the empty
// string. Types are inferred per column from every non-NULL value, in this
// order: integer, continuous, boolean (true/false, t/f, yes/no), date
// (YYYY-MM-DD), timestamp; anything else is text. Text with many distinct
// values (more than 20 and more than half the rows) is an id-like column and
// is left out of models, as are integer columns named `id` / `*_id` whose
// values are all distinct; other text is categorical.
#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>

#include "learn/values.h"
#include "seedforge/error.h"
#include "seedforge/synthesizer.h"

namespace seedforge {

namespace {

using internal::ParseBoolText;
using internal::ParseDateText;
using internal::ParseFloatText;
using internal::ParseIntText;
using internal::ParseTimestampText;

// The raw cells of a CSV file, column by column.
struct RawTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string_view>> cells;  // [column][row]
  std::vector<std::vector<uint8_t>> nulls;           // [column][row]
  std::vector<int> lines;                            // line where each row starts
  std::deque<std::string> unescaped;                 // storage of quoted fields with "" inside
};

RawTable ParseRaw(std::string_view text, const std::string& source, size_t max_rows) {
  RawTable raw;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  size_t pos = 0;
  int line = 1;
  std::vector<std::string_view> fields;
  std::vector<uint8_t> field_nulls;
  bool header_done = false;
  while (pos < text.size()) {
    const int record_line = line;
    fields.clear();
    field_nulls.clear();
    while (true) {
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        const size_t start = pos;
        bool doubled = false;
        while (true) {
          if (pos >= text.size()) throw InputError({source, record_line}, "unterminated quoted field");
          if (text[pos] == '"') {
            if (pos + 1 < text.size() && text[pos + 1] == '"') {
              doubled = true;
              pos += 2;
              continue;
            }
            break;
          }
          if (text[pos] == '\n') ++line;
          ++pos;
        }
        std::string_view value = text.substr(start, pos - start);
        ++pos;  // closing quote
        if (doubled) {
          std::string s;
          for (size_t i = 0; i < value.size(); ++i) {
            s += value[i];
            if (value[i] == '"') ++i;
          }
          raw.unescaped.push_back(std::move(s));
          value = raw.unescaped.back();
        }
        fields.push_back(value);
        field_nulls.push_back(0);
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          throw InputError({source, line}, "unexpected character after a closing quote");
        }
      } else {
        const size_t start = pos;
        while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') ++pos;
        fields.push_back(text.substr(start, pos - start));
        field_nulls.push_back(pos == start);
      }
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == '\r') ++pos;
      if (pos < text.size() && text[pos] == '\n') ++pos;
      ++line;
      break;
    }
    if (!header_done) {
      for (std::string_view f : fields) {
        // Columns are found by name (types, models, constraints): one name,
        // one column.
        if (std::find(raw.header.begin(), raw.header.end(), f) != raw.header.end()) {
          throw InputError({source, record_line}, "duplicate column name '" + std::string(f) + "' in the header");
        }
        raw.header.emplace_back(f);
      }
      raw.cells.resize(fields.size());
      raw.nulls.resize(fields.size());
      header_done = true;
      continue;
    }
    if (fields.size() == 1 && field_nulls[0] && raw.header.size() > 1) continue;  // blank line
    if (fields.size() != raw.header.size()) {
      throw InputError({source, record_line}, "expected " + std::to_string(raw.header.size()) +
                                                  " fields as in the header, found " + std::to_string(fields.size()));
    }
    for (size_t c = 0; c < fields.size(); ++c) {
      raw.cells[c].push_back(fields[c]);
      raw.nulls[c].push_back(field_nulls[c]);
    }
    raw.lines.push_back(record_line);
    if (max_rows && raw.lines.size() >= max_rows) break;
  }
  if (!header_done) throw InputError({source}, "empty file: a header row is needed");
  return raw;
}

bool IdLikeName(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "id" || (lower.size() > 3 && (lower.ends_with("_id") || lower.ends_with(" id")));
}

// Infers the type of one column from its non-NULL cells.
DataType InferType(const std::string& name, const std::vector<std::string_view>& cells,
                   const std::vector<uint8_t>& nulls) {
  bool is_int = true, is_float = true, is_bool = true, is_date = true, is_timestamp = true;
  size_t present = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (nulls[i]) continue;
    ++present;
    const std::string_view v = cells[i];
    int64_t iv;
    double dv;
    bool bv;
    if (is_int && !ParseIntText(v, &iv)) is_int = false;
    if (is_float && !is_int && !ParseFloatText(v, &dv)) is_float = false;
    if (is_bool && !ParseBoolText(v, &bv)) is_bool = false;
    if (is_date && !ParseDateText(v, &iv)) is_date = false;
    if (is_timestamp && !is_date && !ParseTimestampText(v, &iv) && !ParseDateText(v, &iv)) is_timestamp = false;
    if (!is_int && !is_float && !is_bool && !is_date && !is_timestamp) break;
  }
  if (present == 0) return DataType::kId;  // nothing to learn from
  std::unordered_set<std::string_view> distinct;
  present = 0;  // the loop above may have stopped early
  for (size_t i = 0; i < cells.size(); ++i) {
    if (nulls[i]) continue;
    distinct.insert(cells[i]);
    ++present;
  }
  if (is_int) {
    return IdLikeName(name) && distinct.size() == present ? DataType::kId : DataType::kInteger;
  }
  if (is_float) return DataType::kContinuous;
  if (is_bool) return DataType::kBoolean;
  if (is_date) return DataType::kDate;
  if (is_timestamp) return DataType::kTimestamp;
  if (distinct.size() > 20 && distinct.size() * 2 > present) return DataType::kId;
  return DataType::kCategorical;
}

}  // namespace

DataTable ParseCsvTable(std::string_view text, const std::string& source, const CsvReadOptions& options) {
  RawTable raw = ParseRaw(text, source, options.max_rows);
  DataTable table;
  table.source = source;
  table.names = raw.header;
  table.rows = raw.lines.size();
  for (const auto& [name, type] : options.types) {
    if (std::find(raw.header.begin(), raw.header.end(), name) == raw.header.end()) {
      std::string known;
      for (const std::string& h : raw.header) known += (known.empty() ? "" : ", ") + h;
      throw InputError({source, 1}, "a type is given for '" + name + "', which is not a column (columns: " + known + ")");
    }
  }
  for (size_t c = 0; c < raw.header.size(); ++c) {
    const std::string& name = raw.header[c];
    auto it = options.types.find(name);
    const DataType type = it != options.types.end() ? it->second : InferType(name, raw.cells[c], raw.nulls[c]);
    table.types.push_back(type);
    Column col;
    col.kind = DataTypeKind(type);
    col.Resize(table.rows);
    int digits = 0;
    bool any_null = false;
    for (size_t i = 0; i < table.rows; ++i) {
      if (raw.nulls[c][i]) {
        if (!any_null) col.nulls.assign(table.rows, 0);
        any_null = true;
        col.nulls[i] = 1;
        continue;
      }
      const std::string_view v = raw.cells[c][i];
      auto bad = [&](const char* what) {
        throw InputError({source, raw.lines[i]},
                         "column '" + name + "': '" + std::string(v) + "' is not " + what);
      };
      switch (type) {
        case DataType::kContinuous: {
          int d;
          if (!ParseFloatText(v, &col.floats[i], &d)) bad("a number");
          digits = (d < 0 || digits < 0) ? -1 : std::max(digits, d);
          break;
        }
        case DataType::kInteger: {
          double dv;
          if (!ParseIntText(v, &col.ints[i])) {
            if (!ParseFloatText(v, &dv)) bad("an integer");
            col.ints[i] = static_cast<int64_t>(std::llround(dv));
          }
          break;
        }
        case DataType::kBoolean: {
          bool b;
          if (v == "1" || v == "0") {
            b = v == "1";
          } else if (!ParseBoolText(v, &b)) {
            bad("a boolean (true/false, yes/no, 1/0)");
          }
          col.ints[i] = b;
          break;
        }
        case DataType::kDate: {
          int64_t micros;
          if (!ParseDateText(v, &col.ints[i])) {
            if (!ParseTimestampText(v, &micros)) bad("a date (YYYY-MM-DD)");
            col.ints[i] = micros / 86'400'000'000LL - (micros % 86'400'000'000LL < 0);
          }
          break;
        }
        case DataType::kTimestamp: {
          int64_t days;
          int d = 0;
          if (!ParseTimestampText(v, &col.ints[i], &d)) {
            if (!ParseDateText(v, &days)) bad("a timestamp (YYYY-MM-DD HH:MM:SS)");
            col.ints[i] = days * 86'400'000'000LL;
          }
          digits = std::max(digits, d);
          break;
        }
        case DataType::kCategorical:
        case DataType::kId: col.texts[i] = std::string(v); break;
      }
    }
    table.digits.push_back(digits);
    table.columns.push_back(std::move(col));
  }
  return table;
}

DataTable ReadCsvTable(const std::string& path, const CsvReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path}, "cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseCsvTable(buffer.str(), path, options);
}

}  // namespace seedforge
