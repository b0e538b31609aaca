// Date rules (after, before, between, min_age_at) as the generator applies
// them: bounds read from the row, a parent or a grandparent regenerated from
// its key, NULL bounds, empty windows, and the same values however rows are
// split into batches.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "generate/generated_rows.h"

namespace seedforge {
namespace {

using engine_test::GenerateAll;
using engine_test::Tables;

Domain Parse(const std::string& text) { return ParseDomain(text, "rules.yaml", BuiltinRegistry()); }

GenerateOptions Options() { return engine_test::TestOptions(11); }

// The day `years` after `day`, as the rules count it (29 February on to 1 March).
int64_t YearsAfter(int64_t day, int years) {
  int year = 0;
  unsigned month = 0, mday = 0;
  CivilFromDays(day, year, month, mday);
  return DaysFromCivil(year + years, month, mday);
}

// Grandparents g, parents p (3 per g), children c (5 per p). A child's date
// must fall between its grandparent's 18th and 30th birthday: read through
// two links. Without the rules the child's dates (1900-2100) would miss
// that window in nearly every row.
constexpr const char* kFamily = R"(entities:
  g:
    rows: 40
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      born: {type: date, not_null: true, provider: date, params: {from: 1950-01-01, to: 2000-12-31}}
  p:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      gid: {type: bigint, not_null: true, references: g, per_parent: 3}
  c:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      pid: {type: bigint, not_null: true, references: p, per_parent: 5}
      at: {type: date, not_null: true, provider: date, params: {from: 1900-01-01, to: 2100-12-31},
           min_age_at: g.born, before: {column: g.born, years: 30}}
)";

TEST(DateRules, ReadAGrandparentThroughTwoLinks) {
  const Domain domain = Parse(kFamily);
  const Tables t = GenerateAll(Generator(domain, BuiltinRegistry(), Options()), 8000);
  const auto& g = t[0];
  const auto& p = t[1];
  const auto& c = t[2];
  ASSERT_EQ(c[0].size(), 600u);
  std::map<int64_t, int64_t> born, grandparent;  // by id
  for (size_t i = 0; i < g[0].size(); ++i) born[*g[0][i]] = *g[1][i];
  for (size_t i = 0; i < p[0].size(); ++i) grandparent[*p[0][i]] = *p[1][i];
  for (size_t i = 0; i < c[0].size(); ++i) {
    const int64_t b = born.at(grandparent.at(*c[1][i]));
    ASSERT_TRUE(c[2][i]) << "row " << i;
    EXPECT_GE(*c[2][i], YearsAfter(b, 18)) << "row " << i;
    EXPECT_LE(*c[2][i], YearsAfter(b, 30)) << "row " << i;
  }
}

TEST(DateRules, SameValuesForAnySplitIntoBatches) {
  // Threads make batches on their own: each batch regenerates the parents
  // it reads, so any split gives the same rows.
  const Domain domain = Parse(kFamily);
  const Generator generator(domain, BuiltinRegistry(), Options());
  EXPECT_EQ(GenerateAll(generator, 8000), GenerateAll(generator, 7));
}

// Those accounts, half of them open (closed NULL), and ten transactions each,
// every one pointing at a campaign through a nullable link. `rules` goes on
// the transaction's date.
// Accounts opened 2010-2015 and closed 2016-2018; `closed` says whether
// the close may be NULL ("null_rate: 0.5") or not ("not_null: true").
std::string Accounts(int rows, const std::string& closed) {
  return R"(entities:
  accounts:
    rows: )" + std::to_string(rows) + R"(
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      opened: {type: date, not_null: true, provider: date, params: {from: 2010-01-01, to: 2015-12-31}}
      closed: {type: date, )" + closed + R"(, provider: date, params: {from: 2016-01-01, to: 2018-12-31}}
)";
}

std::string Bank(const std::string& rules, const std::string& campaign_dates) {
  return Accounts(200, "null_rate: 0.5") + R"(  campaigns:
    rows: 5
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      starts: {type: date, not_null: true, provider: date, params: {)" + campaign_dates + R"(}}
      ends: {type: date, not_null: true, provider: date, params: {after: starts, max_days_after: 30}}
  tx:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      account: {type: bigint, not_null: true, references: accounts, per_parent: 10}
      campaign: {type: bigint, references: campaigns}
      on_day: {type: date, not_null: true, provider: date, params: {from: 2000-01-01, to: 2030-12-31})" +
         rules + R"(}
)";
}

TEST(DateRules, ANullBoundBoundsNothing) {
  // An open account (closed NULL) leaves the transaction's date as the
  // provider drew it: the very value a domain without the rule gets.
  const Domain ruled = Parse(Bank(", before: accounts.closed", "from: 2016-01-01, to: 2016-01-31"));
  const Domain plain = Parse(Bank("", "from: 2016-01-01, to: 2016-01-31"));
  const Tables r = GenerateAll(Generator(ruled, BuiltinRegistry(), Options()), 8000);
  const Tables u = GenerateAll(Generator(plain, BuiltinRegistry(), Options()), 8000);
  const auto& accounts = r[0];
  const auto& tx = r[2];
  int open = 0, moved = 0;
  for (size_t i = 0; i < tx[0].size(); ++i) {
    const auto& closed = accounts[2][static_cast<size_t>(*tx[1][i] - 1)];
    if (!closed) {
      ++open;
      EXPECT_EQ(tx[3][i], u[2][3][i]) << "row " << i;
    } else {
      EXPECT_LE(*tx[3][i], *closed) << "row " << i;
      moved += tx[3][i] != u[2][3][i];
    }
  }
  // Of 2,000 rows about half are of open accounts; of the others about 40%
  // of the provider's draws (2000-2030) fall after the close (2016-2018).
  EXPECT_GT(open, 700);
  EXPECT_GT(moved, 250);
}

TEST(DateRules, AnEmptyWindowDropsANullableLink) {
  // Campaigns run in 2020, after every closed account closed (by 2018): a
  // transaction of a closed account cannot be inside both its account's
  // life and its campaign, so its campaign link is dropped and its date
  // kept inside the account's life. Open accounts keep their campaigns.
  const Domain domain = Parse(Bank(", after: [accounts.opened, campaigns.starts], before: [accounts.closed, campaigns.ends]",
                                   "from: 2020-01-01, to: 2020-01-31"));
  const Tables t = GenerateAll(Generator(domain, BuiltinRegistry(), Options()), 8000);
  const auto& accounts = t[0];
  const auto& campaigns = t[1];
  const auto& tx = t[2];
  int linked = 0, closed_rows = 0;
  for (size_t i = 0; i < tx[0].size(); ++i) {
    const size_t account = static_cast<size_t>(*tx[1][i] - 1);
    const int64_t day = *tx[3][i];
    EXPECT_GE(day, *accounts[1][account]) << "row " << i;
    if (accounts[2][account]) {
      ++closed_rows;
      EXPECT_LE(day, *accounts[2][account]) << "row " << i;
      EXPECT_FALSE(tx[2][i]) << "a closed account's transaction kept its campaign, row " << i;
      continue;
    }
    ASSERT_TRUE(tx[2][i]) << "an open account's transaction lost its campaign, row " << i;
    ++linked;
    const size_t campaign = static_cast<size_t>(*tx[2][i] - 1);
    EXPECT_GE(day, *campaigns[1][campaign]) << "row " << i;
    EXPECT_LE(day, *campaigns[2][campaign]) << "row " << i;
  }
  EXPECT_GT(linked, 700);
  EXPECT_GT(closed_rows, 700);
}

TEST(DateRules, AnEmptyWindowWithNoLinkToDropIsNullOrTheLowerBound) {
  // After the account closed (2016-2018) yet before it opened (2010-2015):
  // never possible. A nullable column is NULL; a NOT NULL one takes the
  // lower bound, so every `after` holds.
  const std::string text = Accounts(50, "not_null: true") + R"(  tx:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      account: {type: bigint, not_null: true, references: accounts, per_parent: 4}
      required: {type: date, not_null: true, provider: date, after: accounts.closed, before: accounts.opened}
      optional: {type: date, provider: date, after: accounts.closed, before: accounts.opened}
)";
  const Tables t = GenerateAll(Generator(Parse(text), BuiltinRegistry(), Options()), 8000);
  const auto& accounts = t[0];
  const auto& tx = t[1];
  ASSERT_EQ(tx[0].size(), 200u);
  for (size_t i = 0; i < tx[0].size(); ++i) {
    EXPECT_EQ(tx[2][i], accounts[2][static_cast<size_t>(*tx[1][i] - 1)]) << "row " << i;
    EXPECT_FALSE(tx[3][i]) << "row " << i;
  }
}

TEST(DateRules, TimestampsReadDatesAtMidnightInWholeSeconds) {
  // A timestamp between two dates: at or after the first midnight, at or
  // before the second, drawn in whole seconds.
  const std::string text = R"(entities:
  spans:
    rows: 300
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      starts: {type: date, not_null: true, provider: date, params: {from: 2020-01-01, to: 2020-12-31}}
      ends: {type: date, not_null: true, provider: date, params: {after: starts, max_days_after: 3}}
  events:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      span: {type: bigint, not_null: true, references: spans, per_parent: 3}
      at: {type: timestamp, not_null: true, provider: timestamp, params: {from: 2019-01-01, to: 2022-12-31},
           between: [spans.starts, spans.ends]}
)";
  const Tables t = GenerateAll(Generator(Parse(text), BuiltinRegistry(), Options()), 8000);
  const auto& spans = t[0];
  const auto& events = t[1];
  ASSERT_EQ(events[0].size(), 900u);
  for (size_t i = 0; i < events[0].size(); ++i) {
    const size_t span = static_cast<size_t>(*events[1][i] - 1);
    const int64_t at = *events[2][i];
    EXPECT_GE(at, *spans[1][span] * kMicrosPerDay) << "row " << i;
    EXPECT_LE(at, *spans[2][span] * kMicrosPerDay) << "row " << i;
    EXPECT_EQ(at % 1'000'000, 0) << "row " << i;
  }
}

}  // namespace
}  // namespace seedforge
