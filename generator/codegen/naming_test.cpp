#include <gtest/gtest.h>

#include "codegen/language.h"
#include "seedforge/codegen.h"
#include "seedforge/registry.h"

namespace seedforge::codegen {
namespace {

using Words = std::vector<std::string>;

TEST(CodegenNaming, SplitWords) {
  EXPECT_EQ(SplitWords("credit_score"), (Words{"credit", "score"}));
  EXPECT_EQ(SplitWords("CreditScore"), (Words{"credit", "score"}));
  EXPECT_EQ(SplitWords("HTTPServer2go"), (Words{"http", "server2go"}));
  EXPECT_EQ(SplitWords("Quoted Name"), (Words{"quoted", "name"}));
  EXPECT_EQ(SplitWords("__"), (Words{"x"}));
  EXPECT_EQ(SplitWords("été"), (Words{"t"}));  // non-ASCII bytes split words and are dropped
}

TEST(CodegenNaming, Singular) {
  const std::pair<const char*, const char*> cases[] = {
      {"customers", "customer"}, {"categories", "category"}, {"addresses", "address"}, {"status", "status"},
      {"boxes", "box"},          {"branches", "branch"},     {"staff", "staff"},       {"analysis", "analysis"},
  };
  for (const auto& [plural, singular] : cases) EXPECT_EQ(Singular(plural), singular) << plural;
}

TEST(CodegenNaming, Styles) {
  EXPECT_EQ(SnakeCase({"credit", "score"}), "credit_score");
  EXPECT_EQ(PascalCase({"credit", "score"}), "CreditScore");
  EXPECT_EQ(CamelCase({"credit", "score"}), "creditScore");
  EXPECT_EQ(NoLeadingDigit("2fa"), "_2fa");
}

// The schema hash follows the shape a loader reads: not row counts, not
// providers, not hidden columns; yes types, nullability and links.
TEST(CodegenSchemaHash, ChangesWithTheShapeOnly) {
  const std::string base = R"(domain: d
entities:
  a:
    rows: 10
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      n:  {type: integer, provider: integer, params: {min: 1, max: 9}}
)";
  auto hash = [](const std::string& text) { return SchemaHash(ParseDomain(text, "d.yaml", BuiltinRegistry())); };
  const std::string h = hash(base);
  EXPECT_EQ(h.size(), 16u);
  std::string rows = base;
  rows.replace(rows.find("rows: 10"), 8, "rows: 99");
  EXPECT_EQ(hash(rows), h);
  std::string params = base;
  params.replace(params.find("max: 9"), 6, "max: 7");
  EXPECT_EQ(hash(params), h);
  std::string hidden = base + "      h:  {type: integer, hidden: true, provider: integer, params: {min: 1, max: 9}}\n";
  EXPECT_EQ(hash(hidden), h);
  std::string type = base;
  type.replace(type.find("n:  {type: integer"), 18, "n:  {type: bigint ");
  EXPECT_NE(hash(type), h);
  std::string not_null = base;
  not_null.replace(not_null.find("provider: integer"), 17, "not_null: true, provider: integer");
  EXPECT_NE(hash(not_null), h);
}

}  // namespace
}  // namespace seedforge::codegen
