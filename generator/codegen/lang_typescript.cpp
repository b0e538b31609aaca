// TypeScript output of `seedforge codegen`: a record class per entity with
// its links as methods, CSV and JSON Lines loaders, and a Vitest/Jest helper
// that loads the fixtures into PostgreSQL with `pg` (templates/codegen/typescript/).
//
// Type mapping (docs/codegen.md, "TypeScript"): no value is rounded. bigint
// is a JavaScript bigint (a number holds integers exactly only to 2^53 - 1),
// numeric is its exact decimal text (type Decimal = string), date is a Date
// at midnight UTC, timestamp is ISO 8601 text (type Timestamp = string)
// because a Date holds milliseconds and PostgreSQL microseconds.
#include <set>

#include "codegen/language.h"

namespace seedforge::codegen {
namespace {

// Words no identifier may be: JavaScript's reserved words (get()'s
// parameters are fields), the members every object has, and the module
// namespace the generated code refers to.
const std::set<std::string>& ReservedWords() {
  static const std::set<std::string> words = {
      "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
      "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
      "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
      "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
      "public", "await", "async", "arguments", "eval", "undefined", "NaN", "Infinity", "constructor",
      "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
      "toLocaleString", "rt", "byKey"};
  return words;
}

// Labels are members of an entity's table, which is an array with get().
const std::set<std::string>& ArrayMembers() {
  static const std::set<std::string> words = {
      "length", "get", "at", "concat", "copyWithin", "entries", "every", "fill", "filter", "find", "findIndex",
      "findLast", "findLastIndex", "flat", "flatMap", "forEach", "includes", "indexOf", "join", "keys",
      "lastIndexOf", "map", "pop", "push", "reduce", "reduceRight", "reverse", "shift", "slice", "some", "sort",
      "splice", "unshift", "values", "toReversed", "toSorted", "toSpliced"};
  return words;
}

// Type names the modules declare or use.
const std::set<std::string>& ReservedTypes() {
  static const std::set<std::string> types = {
      "Fixtures", "FixtureError", "Decimal", "Timestamp", "LoadOptions", "Loaded", "TestHooks", "FixtureDatabase",
      "FixtureDatabaseOptions", "Client", "Date", "Map", "Set", "Array", "ReadonlyArray", "String", "Number",
      "Boolean", "BigInt", "Object", "Error", "Promise", "Symbol", "Function", "JSON", "Math", "Record",
      "Partial", "Readonly", "RegExp"};
  return types;
}

class TypeScriptLanguage : public CodegenLanguage {
 public:
  std::string Name() const override { return "typescript"; }

  std::string Identifier(const std::vector<std::string>& words, IdentifierRole role) const override {
    if (role == IdentifierRole::kType) {
      std::string id = NoLeadingDigit(PascalCase(words), "T");
      if (ReservedTypes().count(id)) id += "Row";
      return id;
    }
    std::string id = role == IdentifierRole::kNamespace ? SnakeCase(words) : CamelCase(words);
    id = NoLeadingDigit(id, "_");
    if (ReservedWords().count(id) || (role == IdentifierRole::kConstant && ArrayMembers().count(id))) id += "_";
    return id;
  }

  std::string BaseType(const ColumnShape& column) const override {
    switch (column.type) {
      case ValueType::kInteger: return column.bits == 64 ? "bigint" : "number";
      case ValueType::kDecimal: return "Decimal";
      case ValueType::kDouble: return "number";
      case ValueType::kBoolean: return "boolean";
      case ValueType::kDate: return "Date";
      case ValueType::kTimestamp: return "Timestamp";
      case ValueType::kText: return "string";
      case ValueType::kJson: return "unknown";
    }
    return "string";
  }

  std::string FieldType(const ColumnShape& column) const override {
    // unknown already holds null.
    return column.nullable && column.type != ValueType::kJson ? BaseType(column) + " | null" : BaseType(column);
  }

  std::vector<TemplateFile> Files(const std::string& domain) const override {
    const std::string stem = Module(domain);
    return {
        {"codegen/typescript/seedforge_runtime.ts.mustache", "seedforge_runtime.ts"},
        {"codegen/typescript/fixtures.ts.mustache", stem + ".ts"},
        {"codegen/typescript/testdb.ts.mustache", stem + "_testdb.ts"},
        {"codegen/typescript/example.ts.mustache", "example.ts", /*example=*/true},
        {"codegen/typescript/tsconfig.json.mustache", "tsconfig.json", /*example=*/true},
        {"codegen/typescript/package.json.mustache", "package.json", /*example=*/true},
        {"codegen/typescript/run_example.sh.mustache", "run_example.sh", /*example=*/true, /*executable=*/true},
    };
  }

  void AddColumnFields(const ColumnShape& column, Fields& fields) const override {
    // The runtime's converter from a field's text, and back to text for the
    // database glue.
    std::string convert = "rt.toText";
    switch (column.type) {
      case ValueType::kInteger:
        convert = column.bits == 16 ? "rt.toInt16" : column.bits == 32 ? "rt.toInt32" : "rt.toBigint";
        break;
      case ValueType::kDecimal: convert = "rt.toDecimal"; break;
      case ValueType::kDouble: convert = "rt.toFloat"; break;
      case ValueType::kBoolean: convert = "rt.toBoolean"; break;
      case ValueType::kDate: convert = "rt.toDate"; break;
      case ValueType::kTimestamp: convert = "rt.toTimestamp"; break;
      case ValueType::kText: break;
      case ValueType::kJson: convert = "rt.toJson"; break;
    }
    fields.text["ts_convert"] = convert;
    fields.text["ts_sql_text"] = column.type == ValueType::kJson ? "jsonText" : "sqlText";
  }

  void AddDomainFields(const std::string& domain, Fields& fields) const override {
    fields.text["ts_module"] = Module(domain);
  }

 private:
  static std::string Module(const std::string& domain) { return NoLeadingDigit(SnakeCase(SplitWords(domain)), "d"); }
};

}  // namespace

std::unique_ptr<CodegenLanguage> MakeCodegenLanguage_typescript() { return std::make_unique<TypeScriptLanguage>(); }

}  // namespace seedforge::codegen
