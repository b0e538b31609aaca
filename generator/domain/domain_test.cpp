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
                "test.yaml:4:7: column 't.a' needs a source: 'provider', 'derive', 'compute', 'copy', 'references', 'ordinal' or "
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
