// Tests of step 1 (parse.cpp): the domain as written, before any name is
// resolved. Regression tests for inputs the fuzzer (tests/fuzz/domain_fuzz.cpp,
// render_fuzz.cpp) found fail before their fix; those about memory errors
// fail under scripts/sanitize.sh.
#include <gtest/gtest.h>

#include "domain/steps.h"

namespace seedforge {
namespace {

Domain Parse(const std::string& text, std::vector<Diagnostic>& diagnostics) {
  return ParseDomainYaml(text, "test.yaml", diagnostics);
}

// The range-for over an enum's labels read them through a dead iterator
// proxy (ASan: stack-use-after-scope).
TEST(DomainParse, EnumLabelsAreReadWhole) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = Parse(R"(domain: d
enums:
  mood: [happy, 'it''s ok', sad]
entities:
  t:
    rows: 2
    columns:
      m: {type: mood, provider: category, params: {values: [happy]}}
)", diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  ASSERT_EQ(domain.enums.size(), 1u);
  EXPECT_EQ(domain.enums[0].name, "mood");
  EXPECT_EQ(domain.enums[0].labels, (std::vector<std::string>{"happy", "it's ok", "sad"}));
}

// Parsing gives names as written and leaves out what only the registry and
// the other entities decide: no field, no type, no parent key.
TEST(DomainParse, LeavesNamesUnresolved) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = Parse(R"(entities:
  p:
    columns:
      id: {primary_key: true, provider: no_such_provider}
  c:
    columns:
      pid: {references: p}
)", diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(domain.name, "test");  // from the file name
  const DomainColumn& id = domain.entities[0].columns[0];
  EXPECT_EQ(id.provider, "no_such_provider");
  EXPECT_EQ(id.field, "");
  EXPECT_FALSE(id.type_given);
  const DomainLink& link = domain.entities[1].links[0];
  EXPECT_EQ(link.parent, "p");
  EXPECT_TRUE(link.parent_columns.empty());
  EXPECT_EQ(domain.entities[1].columns[0].link, 0);
}

// A column's position in messages is the value that gave it its source.
TEST(DomainParse, ColumnIsPlacedAtItsSource) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = Parse(R"(entities:
  t:
    columns:
      a: {type: text, derive: "{b}"}
      b:
        type: text
        provider: person
)", diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(domain.entities[0].columns[0].where.line, 4);
  EXPECT_EQ(domain.entities[0].columns[0].where.column, 31);
  EXPECT_EQ(domain.entities[0].columns[1].where.line, 7);
  EXPECT_EQ(domain.entities[0].columns[1].source, ColumnSource::kProvider);
  EXPECT_EQ(domain.entities[0].columns[0].source, ColumnSource::kDerived);
}

TEST(DomainParse, TwoSourcesAreOneProblem) {
  std::vector<Diagnostic> diagnostics;
  Parse(R"(entities:
  t:
    columns:
      a: {provider: sequence, ordinal: b}
)", diagnostics);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].ToString(),
            "test.yaml:4:7: column 't.a' has more than one of 'provider', 'derive', 'compute', 'copy', 'aggregate', 'references', 'ordinal' and "
            "'learned'");
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
TEST(DomainParse, PerParentCountsMustBeFiniteAndAtMostABillion) {
  for (const std::string bad : {"1e300", "nan", "inf", "{min: 0, max: inf}", "{min: 2e9, max: 3e9}",
                                "{weights: {1e300: 1}}", "{poisson: inf}", "{weights: {1: nan}}"}) {
    SCOPED_TRACE(bad);
    std::vector<Diagnostic> diagnostics;
    Parse(PerParent(bad), diagnostics);
    ASSERT_FALSE(diagnostics.empty());
    for (const Diagnostic& d : diagnostics) EXPECT_EQ(d.where.line, 9) << d.ToString();
  }
  std::vector<Diagnostic> diagnostics;
  Domain domain = Parse(PerParent("{min: 0, max: 1000000000}"), diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(domain.entities[1].links[0].per_parent->max, 1'000'000'000);
}

}  // namespace
}  // namespace seedforge
