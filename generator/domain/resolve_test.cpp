// Tests of step 2 (resolve.cpp): names turned into what they name, and the
// defaults a file leaves out filled in.
#include <gtest/gtest.h>

#include "domain/steps.h"

namespace seedforge {
namespace {

// Parses `text` (which must parse cleanly) and resolves it.
Domain Resolve(const std::string& text, std::vector<Diagnostic>& diagnostics) {
  Domain domain = ParseDomainYaml(text, "test.yaml", diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  ResolveDomain(domain, BuiltinRegistry(), diagnostics);
  return domain;
}

TEST(DomainResolve, FillsInWhatTheFileLeavesOut) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = Resolve(R"(entities:
  p:
    columns:
      id: {primary_key: true, provider: sequence}
      name: person
      slug: {derive: "{name}"}
  c:
    columns:
      pid: {not_null: true, references: p, per_parent: 2}
      line: {ordinal: pid}
)", diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  const DomainEntity& p = domain.entities[0];
  EXPECT_EQ(p.columns[0].field, "value");
  EXPECT_EQ(p.columns[0].type.ToSql(), "bigint");
  EXPECT_EQ(p.columns[0].group, "id");  // a single-field provider: its own instance
  EXPECT_EQ(p.columns[1].field, "full_name");
  EXPECT_EQ(p.columns[1].type.ToSql(), "text");
  EXPECT_EQ(p.columns[1].group, "");  // a multi-field provider: shared by default
  EXPECT_EQ(p.columns[2].type.ToSql(), "text");
  const DomainEntity& c = domain.entities[1];
  EXPECT_EQ(c.links[0].parent_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(c.columns[0].type.ToSql(), "bigint");
  EXPECT_EQ(c.columns[1].type.ToSql(), "integer");
  EXPECT_EQ(c.columns[1].link, 0);
}

// An untyped reference to an untyped reference of an entity further down
// the file used to copy the text type that column had before it was
// resolved: `c.x text` referencing `a.y bigint`, a foreign key PostgreSQL
// refuses.
TEST(DomainResolve, UntypedReferenceChainTakesTheKeysTypeInAnyOrder) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = Resolve(R"(entities:
  c:
    columns:
      x: {references: a.y}
  a:
    columns:
      y: {primary_key: true, references: b}
  b:
    columns:
      id: {type: smallint, primary_key: true, provider: sequence}
)", diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(domain.entities[1].columns[0].type.ToSql(), "smallint");
  EXPECT_EQ(domain.entities[0].columns[0].type.ToSql(), "smallint");
}

// Columns of one provider instance share one set of parameters; giving one
// differently is reported where the second one is written.
TEST(DomainResolve, ColumnsOfOneInstanceShareTheirParameters) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = Resolve(R"(entities:
  t:
    columns:
      first: {provider: person.first_name, params: {gender_labels: "F,M"}}
      last: {provider: person.last_name}
      other: {provider: person.last_name, group: b, params: {gender_labels: "m,f"}}
      clash: {provider: person.full_name, params: {gender_labels: "m,f"}}
)", diagnostics);
  const std::vector<DomainColumn>& columns = domain.entities[0].columns;
  EXPECT_EQ(columns[1].params.values().at("gender_labels").scalar, "F,M");
  EXPECT_EQ(columns[2].params.values().at("gender_labels").scalar, "m,f");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].ToString(),
            "test.yaml:7:52: parameter 'gender_labels' of provider 'person' differs from the one at line 4; columns of "
            "one provider share parameters (use 'group' to separate them)");
}

// Each name that resolves to nothing is one diagnostic, with a suggestion
// where a near name exists.
TEST(DomainResolve, ReportsNamesThatNameNothing) {
  std::vector<Diagnostic> diagnostics;
  Resolve(R"(entities:
  p:
    columns:
      id: {primary_key: true, provider: sequense}
      n: {provider: person.middle}
  c:
    columns:
      a: {references: q}
      b: {references: p.nope}
      o: {ordinal: a}
)", diagnostics);
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics) messages.push_back(d.ToString());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "test.yaml:4:41: column 'p.id': unknown provider 'sequense'; did you mean 'sequence'? "
                          "(seedforge list providers)",
                          "test.yaml:5:21: column 'p.n': provider 'person' has no field 'middle' (fields: "
                          "full_name, first_name, last_name, gender, middle_initial)",
                          "test.yaml:10:20: 'ordinal' names a column of 'c' that references a parent with "
                          "'per_parent': the ordinal counts its children",
                          "test.yaml:8:23: link from 'c' to unknown entity 'q'; did you mean 'c'?",
                          "test.yaml:9:23: link references unknown column 'p.nope'",
                      }));
}

TEST(DomainResolve, DateRulesFindTheirRowThroughAChainOfLinks) {
  // Every form of bound: a column of the row, a parent's, a grandparent's
  // (min_age_at, 18 years unless given) with an offset, lists of bounds and
  // a list of between pairs; and a parent reached through two chains.
  std::vector<Diagnostic> diagnostics;
  Domain domain = Resolve(R"(entities:
  customers:
    columns:
      id: {primary_key: true, provider: sequence}
      born: {type: date, provider: date}
  accounts:
    columns:
      id: {primary_key: true, provider: sequence}
      customer: {not_null: true, references: customers}
      opened: {type: date, provider: date}
  tx:
    columns:
      id: {primary_key: true, provider: sequence}
      account: {not_null: true, references: accounts}
      early: {type: date, provider: date}
      at: {type: date, provider: date, before: [early, accounts.opened], min_age_at: {column: customers.born, days: -1},
           between: [[accounts.opened, early]]}
  transfers:
    columns:
      id: {primary_key: true, provider: sequence}
      from: {not_null: true, references: accounts}
      to: {not_null: true, references: accounts}
      at: {type: date, provider: date, after: customers.born}
)", diagnostics);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_NE(diagnostics[0].message.find("more than one chain of links (transfers.from -> accounts.customer -> customers, "
                                        "transfers.to -> accounts.customer -> customers)"),
            std::string::npos)
      << diagnostics[0].message;
  EXPECT_EQ(domain.entities[3].columns[3].rules.at(0).target_entity, -1);  // resolves to nothing
  const std::vector<DateRule>& rules = domain.entities[2].columns[3].rules;
  ASSERT_EQ(rules.size(), 5u);  // before x2, min_age_at, between's lower and upper
  EXPECT_EQ(rules[0].Shown(), "early");
  EXPECT_TRUE(rules[0].path.empty());
  EXPECT_EQ(rules[0].target_entity, 2);
  EXPECT_EQ(rules[0].target_column, 2);
  EXPECT_EQ(rules[1].path, std::vector<int>{0});
  EXPECT_EQ(rules[1].target_entity, 1);
  EXPECT_EQ(rules[1].side, DateRule::Side::kUpper);
  EXPECT_EQ(rules[2].Shown(), "customers.born + 18 years - 1 day");
  EXPECT_EQ(rules[2].path, (std::vector<int>{0, 0}));  // tx's link 0 (account), then accounts' link 0
  EXPECT_EQ(rules[2].target_entity, 0);
  EXPECT_EQ(rules[2].target_column, 1);
  EXPECT_EQ(rules[3].key, "between");
  EXPECT_EQ(rules[3].side, DateRule::Side::kLower);
  EXPECT_EQ(rules[4].side, DateRule::Side::kUpper);
  EXPECT_EQ(rules[4].column, "early");
}

}  // namespace
}  // namespace seedforge
