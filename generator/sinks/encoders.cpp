// Per-format row encoders. Each appends to a caller-owned string, so a
// worker thread reuses one buffer for a whole run.
#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "seedforge/output.h"

namespace seedforge {

std::optional<Format> ParseFormat(const std::string& name) {
  if (name == "csv") return Format::kCsv;
  if (name == "jsonl") return Format::kJsonl;
  if (name == "json") return Format::kJson;
  if (name == "sql") return Format::kSql;
  if (name == "copy") return Format::kCopy;
  if (name == "ddl") return Format::kDdl;
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
  }
  return "?";
}

std::vector<std::string> FormatNames() { return {"csv", "jsonl", "json", "sql", "copy", "ddl"}; }

namespace {

// The key words PostgreSQL's quote_ident() quotes: every one not in the
// "unreserved" category (reserved, type or function name, column name),
// from pg_get_keywords() of PostgreSQL 15, plus the words later versions
// made key words (system_user, json and the json_* functions, merge_action),
// so that a script written here still loads there. Quoting one word more
// than needed is harmless; one fewer breaks a script.
constexpr std::string_view kKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct",
    "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
    "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in",
    "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull",
    "join", "json", "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg",
    "json_query", "json_scalar", "json_serialize", "json_table", "json_value", "lateral", "leading",
    "least", "left", "like", "limit", "localtime", "localtimestamp", "merge_action", "national",
    "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset",
    "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position",
    "precision", "primary", "real", "references", "returning", "right", "row", "select",
    "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "system_user",
    "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true",
    "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where",
    "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest",
    "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"};

}  // namespace

std::string QuoteIdent(const std::string& name) {
  // PostgreSQL's quote_identifier() (src/backend/utils/adt/ruleutils.c):
  // bare only when it starts with a-z or _, continues with a-z, 0-9 or _,
  // and is not a key word that needs quoting. Anything else (upper case,
  // a leading digit, spaces, quotes, non-ASCII letters) is double-quoted
  // with " doubled, which keeps it exactly as written.
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  plain = plain && std::find(std::begin(kKeywords), std::end(kKeywords), name) == std::end(kKeywords);
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

bool IsTextual(ValueKind k) {
  return k == ValueKind::kText || k == ValueKind::kUuid || k == ValueKind::kDate ||
         k == ValueKind::kTimestamp;
}

// RFC 4180. NULL is an empty field; an empty string is "" so the two differ.
class CsvEncoder : public RowEncoder {
 public:
  void Encode(const Batch& batch, std::string& out) const override {
    for (size_t i = 0; i < batch.size; ++i) {
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        if (c) out += ',';
        const Column& col = batch.columns[c];
        if (col.IsNull(i)) continue;
        if (col.kind == ValueKind::kText) {
          AppendField(col.texts[i], out);
        } else {
          col.AppendText(i, out);
        }
      }
      out += '\n';
    }
  }

 private:
  static void AppendField(const std::string& s, std::string& out) {
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
};

void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;  // UTF-8 passes through unchanged (RFC 8259 section 7)
        }
    }
  }
  out += '"';
}

// One JSON object per row; `array` adds the separators of a JSON array.
class JsonEncoder : public RowEncoder {
 public:
  JsonEncoder(const EntityDef& entity, bool array) : array_(array) {
    for (const ColumnDef& c : entity.columns) {
      std::string key;
      AppendJsonString(c.name, key);
      keys_.push_back(key + ":");
    }
  }

  void Encode(const Batch& batch, std::string& out) const override {
    std::string text;
    for (size_t i = 0; i < batch.size; ++i) {
      if (array_) out += (batch.first_row + i == 0) ? "\n" : ",\n";
      out += '{';
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        if (c) out += ',';
        out += keys_[c];
        const Column& col = batch.columns[c];
        if (col.IsNull(i)) {
          out += "null";
        } else if (col.kind == ValueKind::kText || col.kind == ValueKind::kUuid) {
          AppendJsonString(col.texts[i], out);
        } else if (IsTextual(col.kind)) {
          text.clear();
          col.AppendText(i, text);
          AppendJsonString(text, out);
        } else if (col.kind == ValueKind::kFloat && !std::isfinite(col.floats[i])) {
          out += "null";  // JSON has no NaN or infinity
        } else {
          col.AppendText(i, out);
        }
      }
      out += '}';
      if (!array_) out += '\n';
    }
  }

 private:
  bool array_;
  std::vector<std::string> keys_;
};

// Multi-row INSERT statements (standard_conforming_strings on: only the
// single quote needs doubling).
class InsertEncoder : public RowEncoder {
 public:
  explicit InsertEncoder(const EntityDef& entity) {
    head_ = "INSERT INTO " + QuoteIdent(entity.name) + " (";
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      if (c) head_ += ", ";
      head_ += QuoteIdent(entity.columns[c].name);
    }
    head_ += ")";
    for (const ColumnDef& c : entity.columns) {
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
        const Column& col = batch.columns[c];
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
        const Column& col = batch.columns[c];
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

std::unique_ptr<RowEncoder> MakeRowEncoder(Format format, const EntityDef& entity) {
  switch (format) {
    case Format::kCsv: return std::make_unique<CsvEncoder>();
    case Format::kJsonl: return std::make_unique<JsonEncoder>(entity, false);
    case Format::kJson: return std::make_unique<JsonEncoder>(entity, true);
    case Format::kSql: return std::make_unique<InsertEncoder>(entity);
    case Format::kCopy: return std::make_unique<CopyEncoder>(std::vector<int>{}, std::vector<bool>{});
    case Format::kDdl: return nullptr;
  }
  return nullptr;
}

std::string EntityFilePrefix(Format format, const EntityDef& entity) {
  if (format == Format::kJson) return "[";
  if (format != Format::kCsv) return "";
  std::string header;
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    if (c) header += ',';
    header += entity.columns[c].name;
  }
  return header + "\n";
}

std::string EntityFileSuffix(Format format) { return format == Format::kJson ? "\n]\n" : ""; }

}  // namespace seedforge
