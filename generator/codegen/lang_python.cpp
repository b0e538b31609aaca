// Python 3 output of `seedforge codegen`: dataclasses, CSV and JSON Lines
// loaders, navigation by row index, and a pytest conftest.py
// (templates/codegen/python/).
#include <set>

#include "codegen/language.h"

namespace seedforge::codegen {
namespace {

const std::set<std::string>& PythonKeywords() {
  static const std::set<std::string> words = {
      "false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
      "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
      "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case",
      // Names a record's class body needs unshadowed (types of annotations, dataclasses.field), and
      // the members the generated code gives records.
      "int", "float", "bool", "str", "date", "datetime", "decimal", "Decimal", "Optional", "List", "Any", "field",
      "dataclass", "row_index", "self"};
  return words;
}

// A Python string literal of any text.
std::string PythonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

class PythonLanguage : public CodegenLanguage {
 public:
  std::string Name() const override { return "python"; }

  std::string Identifier(const std::vector<std::string>& words, IdentifierRole role) const override {
    std::string id = role == IdentifierRole::kType ? PascalCase(words) : SnakeCase(words);
    id = NoLeadingDigit(id, role == IdentifierRole::kType ? "T" : "n");
    // PEP 8: a trailing underscore avoids a keyword or builtin.
    if (PythonKeywords().count(id)) id += "_";
    if (role == IdentifierRole::kType && (id == "Table" || id == "Fixtures" || id == "FixtureError")) id += "Record";
    return id;
  }

  std::string BaseType(const ColumnShape& column) const override {
    switch (column.type) {
      case ValueType::kInteger: return "int";
      case ValueType::kDecimal: return "Decimal";
      case ValueType::kDouble: return "float";
      case ValueType::kBoolean: return "bool";
      case ValueType::kDate: return "datetime.date";
      case ValueType::kTimestamp: return "datetime.datetime";
      case ValueType::kText:
      case ValueType::kJson: return "str";
    }
    return "str";
  }

  std::string FieldType(const ColumnShape& column) const override {
    return column.nullable ? "Optional[" + BaseType(column) + "]" : BaseType(column);
  }

  std::vector<TemplateFile> Files(const std::string& domain) const override {
    const std::string stem = SnakeCase(SplitWords(domain));
    return {
        {"codegen/python/fixtures.py.mustache", stem + "_fixtures.py"},
        {"codegen/python/conftest.py.mustache", "conftest.py"},
        {"codegen/python/example.py.mustache", "example.py", /*example=*/true},
        {"codegen/python/run_example.sh.mustache", "run_example.sh", /*example=*/true, /*executable=*/true},
    };
  }

  void AddColumnFields(const ColumnShape& column, Fields& fields) const override {
    fields.text["name_literal"] = PythonString(column.name);
    // The module's converter of a value (CSV text, or the JSON value).
    switch (column.type) {
      case ValueType::kInteger: fields.text["convert"] = "_int"; break;
      case ValueType::kDecimal: fields.text["convert"] = "_decimal"; break;
      case ValueType::kDouble: fields.text["convert"] = "_float"; break;
      case ValueType::kBoolean: fields.text["convert"] = "_bool"; break;
      case ValueType::kDate: fields.text["convert"] = "_date"; break;
      case ValueType::kTimestamp: fields.text["convert"] = column.tz ? "_timestamptz" : "_timestamp"; break;
      case ValueType::kText:
      case ValueType::kJson: fields.text["convert"] = "_text"; break;
    }
  }

  void AddDomainFields(const std::string& domain, Fields& fields) const override {
    fields.text["module"] = SnakeCase(SplitWords(domain)) + "_fixtures";
  }
};

}  // namespace

std::unique_ptr<CodegenLanguage> MakeCodegenLanguage_python() { return std::make_unique<PythonLanguage>(); }

}  // namespace seedforge::codegen
