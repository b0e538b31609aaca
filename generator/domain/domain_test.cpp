// Regression tests of the domain parser for inputs the fuzzer
// (tests/fuzz/domain_fuzz.cpp, render_fuzz.cpp) found. Each fails before its
// fix; those about memory errors fail under scripts/sanitize.sh.
#include <gtest/gtest.h>

#include "seedforge/domain.h"
#include "seedforge/registry.h"

namespace seedforge {
namespace {

Domain Parse(const std::string& text) { return ParseDomain(text, "test.yaml", BuiltinRegistry()); }

// The range-for over an enum's labels read them through a dead iterator
// proxy (ASan: stack-use-after-scope).
TEST(DomainParser, EnumLabelsAreReadWhole) {
  Domain domain = Parse(R"(domain: d
enums:
  mood: [happy, 'it''s ok', sad]
entities:
  t:
    rows: 2
    columns:
      m: {type: mood, provider: category, params: {values: [happy]}}
)");
  ASSERT_EQ(domain.enums.size(), 1u);
  EXPECT_EQ(domain.enums[0].name, "mood");
  EXPECT_EQ(domain.enums[0].labels, (std::vector<std::string>{"happy", "it's ok", "sad"}));
}

// Fuzzer: with parameters, an unknown provider was reported and then
// dereferenced (a null ProviderSpec in ValidateColumnOrder): a crash.
TEST(DomainParser, UnknownProviderWithParametersIsAnInputError) {
  try {
    Parse(R"(domain: d
entities:
  t:
    columns:
      kind: {type: text, provider: categroy, params: {values: [a, b]}}
)");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml:5:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown provider 'categroy'; did you mean 'category'?"), std::string::npos)
        << e.what();
  }
}

// A domain whose child entity counts `per_parent` children per parent.
std::string PerParent(const std::string& per_parent) {
  return R"(domain: d
entities:
  p:
    rows: 2
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
  c:
    columns:
      pid: {type: bigint, not_null: true, references: p, per_parent: )" +
         per_parent + "}\n";
}

// Found with domain_fuzz on written inputs: counts of 1e300, nan or inf
// were cast to int64 (UBSan: outside the range of representable values).
TEST(DomainParser, PerParentCountsMustBeFiniteAndAtMostABillion) {
  for (const std::string bad : {"1e300", "nan", "inf", "{min: 0, max: inf}", "{min: 2e9, max: 3e9}",
                                "{weights: {1e300: 1}}", "{poisson: inf}", "{weights: {1: nan}}"}) {
    SCOPED_TRACE(bad);
    try {
      Parse(PerParent(bad));
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("test.yaml:9:"), std::string::npos) << e.what();
    }
  }
  Domain domain = Parse(PerParent("{min: 0, max: 1000000000}"));
  EXPECT_EQ(domain.entities[1].links[0].per_parent->max, 1'000'000'000);
}

}  // namespace
}  // namespace seedforge
