// Per-format row encoders. Each appends to a caller-owned string, so a
// worker thread reuses one buffer for a whole run.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <iterator>

#include <nlohmann/json.hpp>

#include "seedforge/json_string.h"
#include "seedforge/output.h"

namespace seedforge {

std::optional<Format> ParseFormat(const std::string& name) {
  if (name == "csv") return Format::kCsv;
  if (name == "jsonl") return Format::kJsonl;
  if (name == "json") return Format::kJson;
  if (name == "sql") return Format::kSql;
  if (name == "copy") return Format::kCopy;
  if (name == "ddl") return Format::kDdl;
  if (name == "xlsx") return Format::kXlsx;
  if (name == "docx") return Format::kDocx;
  return std::nullopt;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kCsv: return "csv";
    case Format::kJsonl: return "jsonl";
    case Format::kJson: return "json";
    case Format::kSql: return "sql";
    case Format::kCopy: return "copy";
    case Format::kDdl: return "ddl";
    case Format::kXlsx: return "xlsx";
    case Format::kDocx: return "docx";
  }
  return "?";
}

std::vector<std::string> FormatNames() { return {"csv", "jsonl", "json", "sql", "copy", "ddl", "xlsx", "docx"}; }

namespace {

bool IsTextual(ValueKind k) {
  return k == ValueKind::kText || k == ValueKind::kUuid || k == ValueKind::kDate ||
         k == ValueKind::kTimestamp;
}

// RFC 4180: quoted when it holds a comma, quote or line break, is empty (so
// that "" differs from NULL, an empty field) or starts or ends with a space.
void AppendCsvField(std::string_view s, std::string& out) {
  // Characters that force quoting, looked up in a table: this loop runs
  // for every text value of every row.
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> table{};
    table[static_cast<unsigned char>(',')] = table[static_cast<unsigned char>('"')] = true;
    table[static_cast<unsigned char>('\n')] = table[static_cast<unsigned char>('\r')] = true;
    return table;
  }();
  bool quote = s.empty() || s.front() == ' ' || s.back() == ' ';
  for (size_t i = 0; i < s.size() && !quote; ++i) quote = kSpecial[static_cast<unsigned char>(s[i])];
  if (!quote) {
    out.append(s);
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

class CsvEncoder : public RowEncoder {
 public:
  void Encode(const Batch& batch, std::string& out) const override {
    for (size_t i = 0; i < batch.size; ++i) {
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        if (c) out += ',';
        const BatchColumn& col = batch.columns[c];
        if (col.IsNull(i)) continue;
        if (col.kind == ValueKind::kText) {
          AppendCsvField(col.texts[i], out);
        } else {
          col.AppendText(i, out);
        }
      }
      out += '\n';
    }
  }
};

// JavaScript reads JSON numbers as doubles. Integers within
// ±Number.MAX_SAFE_INTEGER, and decimals of at most 15 significant digits
// (DBL_DIG: every such decimal survives the trip through a double), keep
// their exact value there; other values are written as strings.
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;
constexpr int64_t kMaxExactDecimal = 999'999'999'999'999;  // 15 digits

bool IsExactInJavaScript(int64_t unscaled, int scale) {
  const int64_t limit = scale > 0 ? kMaxExactDecimal : kMaxSafeInteger;
  return unscaled >= -limit && unscaled <= limit;
}

// Whether s is one JSON value (RFC 8259) with nothing but white space around
// it. nlohmann's acceptor parses without building the value, with an
// explicit stack (deep nesting cannot exhaust ours), and refuses what strict
// readers refuse: malformed UTF-8, lone surrogate escapes.
bool IsJson(std::string_view s) { return nlohmann::json::accept(s); }

// A json or jsonb value goes in as the JSON it is. Line breaks can only be
// white space between tokens there (IsJson refuses them inside strings), and
// become spaces so that a JSON Lines row stays on one line. Text that is not
// JSON is written as a JSON string.
void AppendJsonValue(std::string_view s, std::string& out) {
  if (!IsJson(s)) {
    AppendJsonString(s, out);
    return;
  }
  size_t from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      out.append(s.data() + from, i - from);
      out += ' ';
      from = i + 1;
    }
  }
  out.append(s.data() + from, s.size() - from);
}

// A numeric as PostgreSQL prints it with a fraction ("-12.30"), of at most
// 15 significant digits: as it is, the text is a JSON number that a double
// holds exactly, as for numeric columns.
bool IsExactDecimalText(std::string_view t) {
  const size_t begin = !t.empty() && t[0] == '-' ? 1 : 0;
  size_t k = begin, significant = 0;
  bool point = false;
  for (; k < t.size(); ++k) {
    if (t[k] == '.' && !point && k > begin && k + 1 < t.size()) {
      point = true;
    } else if (t[k] >= '0' && t[k] <= '9') {
      if (significant > 0 || t[k] != '0') ++significant;
    } else {
      return false;
    }
  }
  const bool leading_zero = t.size() > begin + 1 && t[begin] == '0' && t[begin + 1] != '.';  // not JSON
  return point && !leading_zero && significant <= 15;
}

// One element of an array literal, typed by the array's element type.
// `bare`: unquoted and without backslash escapes (only such an element can
// be NULL).
void AppendArrayElement(std::string_view text, bool bare, SqlType::Family element, std::string& out) {
  using F = SqlType::Family;
  auto equals_ignoring_case = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if ((text[k] | 0x20) != word[k]) return false;
    }
    return true;
  };
  if (bare && equals_ignoring_case("null")) {
    out += "null";
    return;
  }
  switch (element) {
    case F::kSmallInt:
    case F::kInteger:
    case F::kBigInt:
    case F::kNumeric: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size() && IsExactInJavaScript(v, 0)) {
        AppendInt(v, out);
        return;
      }
      if (element != F::kNumeric) break;
      if (IsExactDecimalText(text)) {
        out.append(text);
        return;
      }
      if (equals_ignoring_case("nan") || equals_ignoring_case("infinity") || equals_ignoring_case("-infinity")) {
        out += "null";
        return;
      }
      break;
    }
    case F::kReal:
    case F::kDouble: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size()) {
        if (std::isfinite(v)) {
          AppendDouble(v, out);
        } else {
          out += "null";  // JSON has no NaN or infinity, as for float columns
        }
        return;
      }
      break;
    }
    case F::kBoolean:
      if (equals_ignoring_case("t") || equals_ignoring_case("true")) {
        out += "true";
        return;
      }
      if (equals_ignoring_case("f") || equals_ignoring_case("false")) {
        out += "false";
        return;
      }
      break;
    case F::kJson:
    case F::kJsonb: AppendJsonValue(text, out); return;
    default: break;
  }
  AppendJsonString(text, out);
}

// Appends a PostgreSQL array literal ("{a,\"b c\",NULL}", "{{1,2},{3,4}}",
// as array_in reads it) as a JSON array of typed elements, nested for more
// dimensions. Returns false, with `out` as it was, when `text` is not such a
// literal. `element` is a buffer for unescaped elements.
bool AppendArrayAsJson(std::string_view text, SqlType::Family element_type, std::string& element,
                       std::string& out) {
  // array_isspace() of src/backend/utils/adt/arrayfuncs.c.
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  const size_t start = out.size();
  auto fail = [&] {
    out.resize(start);
    return false;
  };
  const size_t n = text.size();
  size_t i = 0;
  while (i < n && space(text[i])) ++i;
  if (i < n && text[i] == '[') {  // explicit bounds, "[0:1]={a,b}"
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) return fail();
    i = eq + 1;
    while (i < n && space(text[i])) ++i;
  }
  if (i == n || text[i] != '{') return fail();
  enum class Want { kValue, kValueOrClose, kCommaOrClose };
  Want want = Want::kValue;
  int depth = 0;
  while (true) {
    while (i < n && space(text[i])) ++i;
    if (i == n) return fail();
    const char c = text[i];
    if (want == Want::kCommaOrClose || (want == Want::kValueOrClose && c == '}')) {
      if (c == ',') {
        out += ',';
        want = Want::kValue;
      } else if (c == '}') {
        out += ']';
        if (--depth == 0) break;
        want = Want::kCommaOrClose;
      } else {
        return fail();
      }
      ++i;
      continue;
    }
    if (c == '{') {
      out += '[';
      ++depth;
      ++i;
      want = Want::kValueOrClose;
      continue;
    }
    if (c == '}' || c == ',') return fail();
    element.clear();
    bool bare = true;
    if (c == '"') {
      bare = false;
      for (++i;; ++i) {
        if (i == n) return fail();
        if (text[i] == '"') break;
        if (text[i] == '\\' && ++i == n) return fail();
        element += text[i];
      }
      ++i;
    } else {
      size_t kept = 0;  // length without trailing unescaped white space
      for (; i < n && text[i] != ',' && text[i] != '}'; ++i) {
        if (text[i] == '"' || text[i] == '{') return fail();
        if (text[i] == '\\') {
          if (++i == n) return fail();
          bare = false;
          element += text[i];
          kept = element.size();
          continue;
        }
        element += text[i];
        if (!space(text[i])) kept = element.size();
      }
      element.resize(kept);
    }
    AppendArrayElement(element, bare, element_type, out);
    want = Want::kCommaOrClose;
  }
  ++i;
  while (i < n && space(text[i])) ++i;
  return i == n ? true : fail();
}

// One JSON object per row; `array` adds the separators of a JSON array.
class JsonEncoder : public RowEncoder {
 public:
  JsonEncoder(const DomainEntity& entity, bool array) : array_(array) {
    for (const DomainColumn& c : entity.columns) {
      Field field;
      AppendJsonString(c.name, field.key);
      field.key += ':';
      field.shape = c.type.array ? Shape::kArray
                    : c.type.family == SqlType::Family::kJson || c.type.family == SqlType::Family::kJsonb
                        ? Shape::kJson
                        : Shape::kScalar;
      field.element = c.type.family;
      fields_.push_back(std::move(field));
    }
  }

  void Encode(const Batch& batch, std::string& out) const override {
    std::string text, element;  // buffers, reused for every value of the batch
    for (size_t i = 0; i < batch.size; ++i) {
      if (array_) out += (batch.first_row + i == 0) ? "\n" : ",\n";
      out += '{';
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        if (c) out += ',';
        const Field& field = fields_[c];
        out += field.key;
        const BatchColumn& col = batch.columns[c];
        if (col.IsNull(i)) {
          out += "null";
        } else if (col.kind == ValueKind::kText && field.shape == Shape::kJson) {
          AppendJsonValue(col.texts[i], out);
        } else if (col.kind == ValueKind::kText && field.shape == Shape::kArray) {
          if (!AppendArrayAsJson(col.texts[i], field.element, element, out)) AppendJsonString(col.texts[i], out);
        } else if (col.kind == ValueKind::kText || col.kind == ValueKind::kUuid) {
          AppendJsonString(col.texts[i], out);
        } else if (IsTextual(col.kind)) {
          text.clear();
          col.AppendText(i, text);
          AppendJsonString(text, out);
        } else if (col.kind == ValueKind::kFloat && !std::isfinite(col.floats[i])) {
          out += "null";  // JSON has no NaN or infinity
        } else if ((col.kind == ValueKind::kInt || col.kind == ValueKind::kDecimal) &&
                   !IsExactInJavaScript(col.ints[i], col.kind == ValueKind::kDecimal ? col.scale : 0)) {
          out += '"';
          col.AppendText(i, out);
          out += '"';
        } else {
          col.AppendText(i, out);
        }
      }
      out += '}';
      if (!array_) out += '\n';
    }
  }

 private:
  enum class Shape : uint8_t { kScalar, kJson, kArray };
  struct Field {
    std::string key;  // "name": escaped, with its colon
    Shape shape = Shape::kScalar;
    SqlType::Family element = SqlType::Family::kText;  // of arrays
  };

  bool array_;
  std::vector<Field> fields_;
};

// Multi-row INSERT statements (standard_conforming_strings on: only the
// single quote needs doubling).
class InsertEncoder : public RowEncoder {
 public:
  explicit InsertEncoder(const DomainEntity& entity) {
    head_ = "INSERT INTO " + QuoteIdent(entity.name) + " (";
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      if (c) head_ += ", ";
      head_ += QuoteIdent(entity.columns[c].name);
    }
    head_ += ")";
    for (const DomainColumn& c : entity.columns) {
      // Rows carry their own identity values; GENERATED ALWAYS needs leave.
      if (c.identity == "always") {
        head_ += " OVERRIDING SYSTEM VALUE";
        break;
      }
    }
    head_ += " VALUES\n";
  }

  void Encode(const Batch& batch, std::string& out) const override {
    // Statements of at most kRowsPerStatement rows keep the server's parse
    // memory small. A batch starts a statement of its own; batch sizes are
    // multiples of kRowsPerStatement, so statements fall on the same rows
    // whatever the batching.
    constexpr uint64_t kRowsPerStatement = 500;
    for (size_t i = 0; i < batch.size; ++i) {
      uint64_t row = batch.first_row + i;
      bool first = row % kRowsPerStatement == 0 || i == 0;
      if (first && i != 0) out += ";\n";
      if (first) {
        out += head_;
      } else {
        out += ",\n";
      }
      out += '(';
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        if (c) out += ", ";
        const BatchColumn& col = batch.columns[c];
        if (col.IsNull(i)) {
          out += "NULL";
        } else if (col.kind == ValueKind::kBool) {
          out += col.ints[i] ? "TRUE" : "FALSE";
        } else if (col.kind == ValueKind::kFloat && !std::isfinite(col.floats[i])) {
          out += std::isnan(col.floats[i]) ? "'NaN'" : col.floats[i] > 0 ? "'Infinity'" : "'-Infinity'";
        } else if (IsTextual(col.kind)) {
          out += '\'';
          if (col.kind == ValueKind::kText) {
            for (char ch : col.texts[i]) {
              if (ch == '\'') out += '\'';
              out += ch;
            }
          } else {
            col.AppendText(i, out);
          }
          out += '\'';
        } else {
          col.AppendText(i, out);
        }
      }
      out += ')';
    }
    if (batch.size) out += ";\n";
  }

 private:
  std::string head_;
};

// COPY text format: tab-separated, \N for NULL, backslash escapes.
class CopyEncoder : public RowEncoder {
 public:
  CopyEncoder(std::vector<int> columns, std::vector<bool> nulled)
      : columns_(std::move(columns)), nulled_(std::move(nulled)) {}

  void Encode(const Batch& batch, std::string& out) const override {
    const size_t n = columns_.empty() ? batch.columns.size() : columns_.size();
    for (size_t i = 0; i < batch.size; ++i) {
      for (size_t k = 0; k < n; ++k) {
        if (k) out += '\t';
        size_t c = columns_.empty() ? k : static_cast<size_t>(columns_[k]);
        const BatchColumn& col = batch.columns[c];
        if (col.IsNull(i) || (c < nulled_.size() && nulled_[c])) {
          out += "\\N";
        } else if (col.kind == ValueKind::kText) {
          for (char ch : col.texts[i]) {
            switch (ch) {
              case '\\': out += "\\\\"; break;
              case '\t': out += "\\t"; break;
              case '\n': out += "\\n"; break;
              case '\r': out += "\\r"; break;
              default: out += ch;
            }
          }
        } else if (col.kind == ValueKind::kFloat && !std::isfinite(col.floats[i])) {
          out += std::isnan(col.floats[i]) ? "NaN" : col.floats[i] > 0 ? "Infinity" : "-Infinity";
        } else {
          col.AppendText(i, out);
        }
      }
      out += '\n';
    }
  }

 private:
  std::vector<int> columns_;  // empty: all, in order
  std::vector<bool> nulled_;  // columns written as NULL whatever their value
};

}  // namespace

std::unique_ptr<RowEncoder> MakeCopyEncoder(std::vector<int> columns, std::vector<bool> nulled) {
  return std::make_unique<CopyEncoder>(std::move(columns), std::move(nulled));
}

std::unique_ptr<RowEncoder> MakeRowEncoder(Format format, const DomainEntity& entity) {
  switch (format) {
    case Format::kCsv: return std::make_unique<CsvEncoder>();
    case Format::kJsonl: return std::make_unique<JsonEncoder>(entity, false);
    case Format::kJson: return std::make_unique<JsonEncoder>(entity, true);
    case Format::kSql: return std::make_unique<InsertEncoder>(entity);
    case Format::kCopy: return std::make_unique<CopyEncoder>(std::vector<int>{}, std::vector<bool>{});
    case Format::kDdl:
    case Format::kXlsx:  // whole documents: office.cpp
    case Format::kDocx: return nullptr;
  }
  return nullptr;
}

std::string EntityFilePrefix(Format format, const DomainEntity& entity) {
  if (format == Format::kJson) return "[";
  if (format != Format::kCsv) return "";
  std::string header;
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    if (c) header += ',';
    AppendCsvField(entity.columns[c].name, header);
  }
  return header + "\n";
}

std::string EntityFileSuffix(Format format) { return format == Format::kJson ? "\n]\n" : ""; }

}  // namespace seedforge
