// Tests of ParseDomain (domain.cpp): how it composes the steps of steps.h.
#include <gtest/gtest.h>

#include "seedforge/domain.h"
#include "seedforge/registry.h"

namespace seedforge {
namespace {

std::vector<std::string> Problems(const std::string& text) {
  try {
    ParseDomain(text, "test.yaml", BuiltinRegistry());
  } catch (const InputError& e) {
    std::vector<std::string> messages;
    for (const Diagnostic& d : e.diagnostics()) messages.push_back(d.ToString());
    return messages;
  }
  return {};
}

// A problem the file alone shows stops ParseDomain before resolving: the
// unknown provider below would only repeat what the unknown key explains.
TEST(ParseDomain, StopsAfterAParseProblem) {
  EXPECT_EQ(Problems(R"(entities:
  t:
    columns:
      a: {provder: sequence}
      b: {provider: nothing}
)"),
            (std::vector<std::string>{
                "test.yaml:4:7: column 't.a' needs a source: 'provider', 'derive', 'compute', 'copy', 'aggregate', 'references', 'ordinal' or "
                "'learned'",
                "test.yaml:4:11: unknown key 'provder' in column 't.a'; did you mean 'provider'?",
            }));
}

// Resolve and validate both run, and their diagnostics come out in file
// order: the rule broken on line 4 (found by validate) before the unknown
// provider on line 5 (found earlier, by resolve).
TEST(ParseDomain, ReportsResolveAndValidateProblemsInFileOrder) {
  EXPECT_EQ(Problems(R"(entities:
  t:
    columns:
      a: {type: boolean, provider: sequence}
      b: {provider: nothing}
)"),
            (std::vector<std::string>{
                "test.yaml:4:36: column 't.a': provider 'sequence.value' makes integer values, which a boolean column "
                "cannot hold",
                "test.yaml:5:21: column 't.b': unknown provider 'nothing' (seedforge list providers)",
            }));
}

}  // namespace
}  // namespace seedforge

namespace seedforge {
namespace {

TEST(ExplainColumn, SaysEachRuleInWords) {
  Domain domain = ParseDomain(R"yaml(entities:
  customers:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      born: {type: date, not_null: true, provider: date_of_birth}
      since: {type: date, not_null: true, provider: date}
      segment: {type: text, provider: category, params: {values: [retail, private]}}
  accounts:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      customer_id: {type: bigint, not_null: true, references: customers, per_parent: {min: 1, max: 3}}
      segment: {type: text, hidden: true, copy: customers.segment}
      product: {type: text, provider: category, params: {by: segment, values: {retail: [basic], private: [gold]}}}
      opened_on: {type: date, provider: date, after: customers.since, min_age_at: customers.born}
      review_on: {type: date, compute: "opened_on + 365"}
)yaml",
                              "explain.yaml", BuiltinRegistry());
  const DomainEntity& accounts = domain.entities[1];
  auto explain = [&](const std::string& column) { return ExplainColumn(accounts, accounts.columns[accounts.FindColumn(column)]); };
  EXPECT_EQ(explain("customer_id"), (std::vector<std::string>{"1 to 3 per customers row"}));
  EXPECT_EQ(explain("segment"), (std::vector<std::string>{"copied from customers.segment"}));
  EXPECT_EQ(explain("product"), (std::vector<std::string>{"drawn from a table of weights per value of segment"}));
  EXPECT_EQ(explain("opened_on"), (std::vector<std::string>{"on or after customers.since",
                                                             "at least 18 years after customers.born"}));
  EXPECT_EQ(explain("review_on"), (std::vector<std::string>{"computed: opened_on + 365"}));
  EXPECT_TRUE(explain("id").empty());
  const DomainEntity& customers = domain.entities[0];
  EXPECT_EQ(ExplainColumn(customers, customers.columns[customers.FindColumn("since")]), std::vector<std::string>{});
}

}  // namespace
}  // namespace seedforge
