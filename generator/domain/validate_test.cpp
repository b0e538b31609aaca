// Tests of step 3 (validate.cpp): the rules of a resolved domain, and that
// parts ResolveDomain could not resolve are skipped rather than followed.
#include <gtest/gtest.h>

#include "domain/steps.h"

namespace seedforge {
namespace {

// The diagnostics of ValidateDomain alone, after a clean parse and resolve.
std::vector<std::string> Validate(const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = ParseDomainYaml(text, "test.yaml", diagnostics);
  ResolveDomain(domain, BuiltinRegistry(), diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  ValidateDomain(domain, BuiltinRegistry(), diagnostics);
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics) messages.push_back(d.ToString());
  return messages;
}

TEST(DomainValidate, AcceptsAConsistentDomain) {
  EXPECT_EQ(Validate(R"(entities:
  p:
    columns:
      id: {primary_key: true, provider: sequence}
  c:
    columns:
      pid: {not_null: true, references: p, per_parent: 2}
      line: {ordinal: pid}
)"),
            std::vector<std::string>{});
}

// In the order the checks run (ParseDomain sorts them by position).
TEST(DomainValidate, ReportsBrokenRules) {
  EXPECT_EQ(Validate(R"(entities:
  p:
    columns:
      id: {type: text, primary_key: true, provider: sequence}
      code: {type: boolean, unique: true, provider: uuid}
  c:
    columns:
      pid: {type: bigint, not_null: true, references: p, per_parent: 2}
      line: {type: text, ordinal: pid}
)"),
            (std::vector<std::string>{
                "test.yaml:5:53: column 'p.code': provider 'uuid.value' makes uuid values, which a boolean column "
                "cannot hold",
                "test.yaml:9:35: an ordinal column must have an integer type",
                "test.yaml:8:55: column 'c.pid' (bigint) cannot reference 'p.id' (text)",
            }));
}

// Fuzzer: with parameters, an unknown provider was reported and then
// dereferenced (a null ProviderSpec in ValidateColumnOrder): a crash.
TEST(DomainValidate, SkipsAnUnknownProvider) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = ParseDomainYaml(R"(entities:
  t:
    columns:
      kind: {type: text, provider: categroy, params: {values: [a, b]}}
)", "test.yaml", diagnostics);
  ResolveDomain(domain, BuiltinRegistry(), diagnostics);
  ASSERT_EQ(diagnostics.size(), 1u);
  ValidateDomain(domain, BuiltinRegistry(), diagnostics);
  EXPECT_EQ(diagnostics.size(), 1u);
}

}  // namespace
}  // namespace seedforge
