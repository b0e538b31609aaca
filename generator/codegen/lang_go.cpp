// Go output of `seedforge codegen`: a struct per entity with its links as
// methods, CSV and JSON Lines loaders, and a `testing` helper that loads the
// fixtures into PostgreSQL through database/sql (templates/codegen/go/).
//
// Type mapping (docs/codegen.md, "Go"): smallint, integer and bigint are
// int16, int32 and int64; numeric is Decimal, its exact decimal text (a
// float would round it); real and double precision are float32 and float64;
// date and timestamp are time.Time in UTC, exact to the microsecond; json is
// json.RawMessage; every other type is string. A nullable column is a
// pointer, nil for NULL.
#include <cctype>
#include <set>

#include "codegen/language.h"

namespace seedforge::codegen {
namespace {

const std::set<std::string>& GoKeywords() {
  static const std::set<std::string> words = {
      "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func",
      "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select", "struct",
      "switch", "type", "var",
      // Predeclared identifiers a parameter would shadow, and the names the
      // package's functions use.
      "any", "bool", "byte", "error", "string", "int", "len", "cap", "make", "new", "nil", "true", "false",
      "append", "copy", "delete", "panic", "print", "println", "recover", "iota", "main", "t", "r", "fx",
      "json", "time", "fmt", "sql", "os", "strings", "filepath", "strconv", "big", "sync", "testing"};
  return words;
}

// Exported names the package declares, which a record type may not take.
const std::set<std::string>& PackageNames() {
  static const std::set<std::string> names = {
      "Fixtures", "FixtureError", "Decimal", "LoadOptions", "Load", "LoadWith", "TestDB", "TestDBOptions",
      "OpenTestDB", "Executor", "InsertFixtures", "Format", "CSV", "JSONLines", "Domain", "SchemaHash",
      "ManifestFile", "CreateTables", "AddForeignKeys"};
  return names;
}

// Go's initialisms stay upper case (Effective Go, "MixedCaps"; golint's list).
const std::set<std::string>& Initialisms() {
  static const std::set<std::string> words = {"id",   "url", "uri",  "uuid", "api",  "http", "https", "json",
                                              "sql",  "ip",  "html", "xml",  "ssn",  "vin",  "iban",  "utc",
                                              "cpu",  "dns", "eof",  "tcp",  "udp",  "tls",  "ttl",   "ui",
                                              "uid",  "xss", "ascii", "acl", "rpc",  "smtp", "ssh",   "zip"};
  return words;
}

std::string GoCase(const std::vector<std::string>& words, bool exported) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    if (i == 0 && !exported) {
      out += w;
      continue;
    }
    if (Initialisms().count(w) && w != "zip") {
      for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    }
    out += w;
  }
  return out;
}

class GoLanguage : public CodegenLanguage {
 public:
  std::string Name() const override { return "go"; }

  std::string Identifier(const std::vector<std::string>& words, IdentifierRole role) const override {
    switch (role) {
      case IdentifierRole::kNamespace: {
        // A package name: lower case, one word (Effective Go, "Package names").
        std::string id;
        for (const std::string& w : words) id += w;
        id = NoLeadingDigit(id, "d");
        if (GoKeywords().count(id)) id += "fixtures";
        return id;
      }
      case IdentifierRole::kType: {
        std::string id = NoLeadingDigit(GoCase(words, true), "T");
        if (PackageNames().count(id)) id += "Row";
        return id;
      }
      case IdentifierRole::kConstant: {
        // A field of the entity's table, beside Rows.
        std::string id = NoLeadingDigit(GoCase(words, true), "L");
        if (id == "Rows" || id == "Len" || id == "Get") id += "Row";
        return id;
      }
      case IdentifierRole::kField:
      case IdentifierRole::kMember: return NoLeadingDigit(GoCase(words, true), "X");
    }
    return GoCase(words, true);
  }

  std::string BaseType(const ColumnShape& column) const override {
    switch (column.type) {
      case ValueType::kInteger: return column.bits == 16 ? "int16" : column.bits == 32 ? "int32" : "int64";
      case ValueType::kDecimal: return "Decimal";
      case ValueType::kDouble: return IsReal(column) ? "float32" : "float64";
      case ValueType::kBoolean: return "bool";
      case ValueType::kDate:
      case ValueType::kTimestamp: return "time.Time";
      case ValueType::kText: return "string";
      case ValueType::kJson: return "json.RawMessage";
    }
    return "string";
  }

  std::string FieldType(const ColumnShape& column) const override {
    if (!column.nullable) return BaseType(column);
    // Built step by step: GCC 12 warns falsely (-Wrestrict) on "*" + string.
    std::string pointer = "*";
    pointer += BaseType(column);
    return pointer;
  }

  std::vector<TemplateFile> Files(const std::string& domain) const override {
    const std::string stem = SnakeCase(SplitWords(domain));
    return {
        {"codegen/go/seedforge_runtime.go.mustache", "seedforge_runtime.go"},
        {"codegen/go/fixtures.go.mustache", stem + ".go"},
        {"codegen/go/testdb.go.mustache", stem + "_testdb.go"},
        {"codegen/go/go.mod.mustache", "go.mod", /*example=*/true},
        {"codegen/go/example_main.go.mustache", "example_main.go", /*example=*/true},
        {"codegen/go/run_example.sh.mustache", "run_example.sh", /*example=*/true, /*executable=*/true},
    };
  }

  void AddColumnFields(const ColumnShape& column, Fields& fields) const override {
    // The runtime's converter from a field's text; the key type links are
    // looked up by (integers of any width as int64, JSON as its text); the
    // value handed to database/sql.
    const char* convert = "toText";
    const char* key_type = nullptr;  // the base type
    const char* key_open = "";
    const char* key_close = "";
    switch (column.type) {
      case ValueType::kInteger:
        convert = column.bits == 16 ? "toInt16" : column.bits == 32 ? "toInt32" : "toInt64";
        key_type = "int64";
        key_open = "int64(";
        key_close = ")";
        break;
      case ValueType::kDecimal: convert = "toDecimal"; break;
      case ValueType::kDouble: convert = IsReal(column) ? "toFloat32" : "toFloat64"; break;
      case ValueType::kBoolean: convert = "toBool"; break;
      case ValueType::kDate: convert = "toDate"; break;
      case ValueType::kTimestamp: convert = "toTimestamp"; break;
      case ValueType::kText: break;
      case ValueType::kJson:
        convert = "toJSON";
        key_type = "string";
        key_open = "string(";
        key_close = ")";
        break;
    }
    fields.text["go_convert"] = std::string(convert);
    fields.text["go_key_type"] = key_type ? std::string(key_type) : BaseType(column);
    fields.text["go_key_open"] = std::string(key_open);
    fields.text["go_key_close"] = std::string(key_close);
    fields.text["go_sql"] = column.type == ValueType::kDate ? "sqlDate" : "sqlValue";
    std::string param = NoLeadingDigit(GoCase(SplitWords(column.name), false), "x");
    if (GoKeywords().count(param)) param += "_";
    fields.text["go_param"] = param;
  }

  void AddDomainFields(const std::string& domain, Fields& fields) const override {
    // A literal "{" right before a tag would read as "{{{": templates write
    // {{go_lbrace}} there.
    fields.text["go_lbrace"] = std::string(1, '{');
    std::string module = "seedforge.local/";
    module += Identifier(SplitWords(domain), IdentifierRole::kNamespace);
    fields.text["go_module"] = module;
  }

 private:
  static bool IsReal(const ColumnShape& column) { return column.sql_type == "real" || column.sql_type == "float4"; }
};

}  // namespace

std::unique_ptr<CodegenLanguage> MakeCodegenLanguage_go() { return std::make_unique<GoLanguage>(); }

}  // namespace seedforge::codegen
