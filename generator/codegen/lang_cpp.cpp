// C++20 output of `seedforge codegen`: plain record structs, a hand-written
// CSV loader and a JSON Lines one (nlohmann-json), navigation by row index,
// and GoogleTest glue (templates/codegen/cpp/).
#include <set>

#include "codegen/language.h"

namespace seedforge::codegen {
namespace {

const std::set<std::string>& CppKeywords() {
  static const std::set<std::string> words = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
      "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
      "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
      "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
      "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
      "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      // Names the generated code itself uses in the same scopes.
      "std", "detail", "size", "index", "rows", "find", "at", "begin", "end", "fixtures", "empty", "key", "records", "testing",
      "Decimal", "Timestamp", "Fixtures", "FixtureError", "load_csv", "load_jsonl", "kSchemaHash"};
  return words;
}

// A C++ string literal of any text: quotes, backslashes and control bytes
// escaped (octal, so no following digit joins the escape).
std::string StringLiteral(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      const char digits[] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                             static_cast<char>('0' + (c & 7))};
      out.append(digits, 4);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

class CppLanguage : public CodegenLanguage {
 public:
  std::string Name() const override { return "cpp"; }

  std::string Identifier(const std::vector<std::string>& words, IdentifierRole role) const override {
    std::string id = role == IdentifierRole::kType ? PascalCase(words) : SnakeCase(words);
    id = NoLeadingDigit(id, role == IdentifierRole::kType ? "T" : "_");
    // A trailing underscore keeps the name readable and out of the way of
    // keywords (leading underscores are reserved at namespace scope).
    if (CppKeywords().count(id)) id += "_";
    // A record type named like one of the generated helpers.
    if (role == IdentifierRole::kType && (id == "Table" || id == "Rows")) id += "Record";
    return id;
  }

  std::string BaseType(const ColumnShape& column) const override {
    switch (column.type) {
      case ValueType::kInteger:
        return column.bits == 16 ? "std::int16_t" : column.bits == 32 ? "std::int32_t" : "std::int64_t";
      case ValueType::kDecimal: return "Decimal";
      case ValueType::kDouble: return "double";
      case ValueType::kBoolean: return "bool";
      case ValueType::kDate: return "std::chrono::year_month_day";
      case ValueType::kTimestamp: return "Timestamp";
      case ValueType::kText:
      case ValueType::kJson: return "std::string";
    }
    return "std::string";
  }

  std::string FieldType(const ColumnShape& column) const override {
    return column.nullable ? "std::optional<" + BaseType(column) + ">" : BaseType(column);
  }

  std::vector<TemplateFile> Files(const std::string& domain) const override {
    const std::string stem = SnakeCase(SplitWords(domain));
    return {
        {"codegen/cpp/fixtures.h.mustache", stem + "_fixtures.h"},
        {"codegen/cpp/gtest.h.mustache", stem + "_gtest.h"},
        {"codegen/cpp/example.cpp.mustache", "example.cpp", /*example=*/true},
        {"codegen/cpp/run_example.sh.mustache", "run_example.sh", /*example=*/true, /*executable=*/true},
    };
  }

  void AddColumnFields(const ColumnShape& column, Fields& fields) const override {
    fields.text["name_literal"] = StringLiteral(column.name);
  }

  void AddDomainFields(const std::string& domain, Fields& fields) const override {
    const std::string stem = SnakeCase(SplitWords(domain));
    fields.text["header"] = stem + "_fixtures.h";
    fields.text["gtest_header"] = stem + "_gtest.h";
  }
};

}  // namespace

std::unique_ptr<CodegenLanguage> MakeCodegenLanguage_cpp() { return std::make_unique<CppLanguage>(); }

}  // namespace seedforge::codegen
