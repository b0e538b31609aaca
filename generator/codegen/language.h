// What codegen needs to know of one target language, behind one small
// interface: type mapping, identifier style and keyword escaping, and which
// templates to render to which output files. Each language is one file,
// generator/codegen/lang_<name>.cpp, defining
//   std::unique_ptr<CodegenLanguage> MakeCodegenLanguage_<name>();
// CMake generates the list of languages from those files
// (cmake/codegen_languages.cmake), so adding a language touches nothing else.
//
// The language-neutral context (docs/codegen.md "Template context") is built
// by codegen.cpp; a language only adds keys to it through Fields.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace seedforge::codegen {

// What a column's values are, independent of any language.
enum class ValueType {
  kInteger,    // smallint, integer, bigint (bits: 16, 32, 64)
  kDecimal,    // numeric: exact, never a float
  kDouble,     // real, double precision
  kBoolean,    // "true"/"false" in CSV, true/false in JSON
  kDate,       // YYYY-MM-DD
  kTimestamp,  // YYYY-MM-DD HH:MM:SS[.ffffff] (timestamptz: UTC, tz = true)
  kText,       // text, varchar, char, uuid, enums, arrays and every other type, as written
  kJson,       // json, jsonb: the JSON text (nested JSON in JSON Lines)
};

// "integer", "decimal", ...: the `kind` key of a column in the context.
const char* ValueTypeName(ValueType type);

struct ColumnShape {
  std::string name;  // as in the domain (the CSV header, the JSON key)
  ValueType type = ValueType::kText;
  int bits = 64;       // kInteger: 16, 32 or 64
  int precision = 0;   // kDecimal: numeric(p, s); 0 = unconstrained
  int scale = 0;
  bool tz = false;     // kTimestamp: timestamptz
  bool array = false;  // an array type, kept as text
  bool nullable = true;
  std::string sql_type;  // "numeric(12,2)"
};

// Extra keys a language adds to a context object: strings, and booleans for
// {{#sections}}.
struct Fields {
  std::map<std::string, std::string> text;
  std::map<std::string, bool> flags;
};

// A template to render and the file it becomes (relative to --out).
struct TemplateFile {
  std::string template_path;  // relative to templates/: "codegen/cpp/fixtures.h.mustache"
  std::string output;         // "banking_fixtures.h"
  bool example = false;       // only with --example
  bool executable = false;    // chmod +x (run_example.sh)
};

// What an identifier names, for the language's style.
enum class IdentifierRole {
  kType,       // a record type: singular, "Customer"
  kField,      // a record's field: "credit_score"
  kMember,     // a collection or navigation member: "customers", "customer"
  kConstant,   // a named row label: "alice"
  kNamespace,  // the domain's module or namespace: "banking"
};

class CodegenLanguage {
 public:
  virtual ~CodegenLanguage() = default;

  // "cpp", as --lang takes it.
  virtual std::string Name() const = 0;

  // `words` (lower-case ASCII words, already split: {"credit", "score"})
  // in the language's style for `role`, never a keyword of the language.
  virtual std::string Identifier(const std::vector<std::string>& words, IdentifierRole role) const = 0;

  // The column's type in the language, nullable ones wrapped
  // (std::optional<T>, Optional[T], T | null, ...), and the unwrapped one.
  virtual std::string FieldType(const ColumnShape& column) const = 0;
  virtual std::string BaseType(const ColumnShape& column) const = 0;

  // The files to render for `domain` (its name as written).
  virtual std::vector<TemplateFile> Files(const std::string& domain) const = 0;

  // Optional language-specific keys for the column, the entity (given its
  // shaped columns) and the top level.
  virtual void AddColumnFields(const ColumnShape& column, Fields& fields) const {}
  virtual void AddDomainFields(const std::string& domain, Fields& fields) const {}
};

// The words of a name: split at '_', '-', spaces and lower-to-upper case
// changes, lower-cased, characters other than ASCII letters and digits
// dropped ("CreditScore" -> {"credit", "score"}). Never empty: {"x"}.
std::vector<std::string> SplitWords(std::string_view name);

// English singular of the last word ("categories" -> "category",
// "addresses" -> "address", "status" -> "status").
std::string Singular(const std::string& word);

// Joining helpers for languages.
std::string SnakeCase(const std::vector<std::string>& words);   // credit_score
std::string PascalCase(const std::vector<std::string>& words);  // CreditScore
std::string CamelCase(const std::vector<std::string>& words);   // creditScore
// An identifier may not start with a digit: prefixes `prefix` then.
std::string NoLeadingDigit(std::string id, const std::string& prefix = "_");

}  // namespace seedforge::codegen
