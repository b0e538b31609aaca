// Time as the generator applies it: the simulation window reaching the
// date and timestamp providers (from the domain or the options), children
// counted in proportion to their parent's active time in the window, and a
// seasonality profile that values moved by a rule keep.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "generate/generated_rows.h"
#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"

namespace seedforge {
namespace {

using engine_test::GenerateAll;
using engine_test::Tables;

Domain Parse(const std::string& text) { return ParseDomain(text, "time.yaml", BuiltinRegistry()); }

GenerateOptions Options() { return engine_test::TestOptions(5); }

constexpr int64_t kSecond = 1'000'000;
int64_t Day(int year, unsigned month, unsigned day) { return DaysFromCivil(year, month, day); }
int64_t Micros(int year, unsigned month, unsigned day) { return Day(year, month, day) * kMicrosPerDay; }

// A date and a timestamp drawing in the window, and a date with bounds of
// its own.
std::string Events(const std::string& time) {
  return time + R"(
entities:
  events:
    rows: 3000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      on_day: {type: date, not_null: true, provider: date}
      at: {type: timestamp, not_null: true, provider: timestamp}
      fixed: {type: date, not_null: true, provider: date, params: {from: 1990-01-01, to: 1990-12-31}}
)";
}

TEST(SimulationWindow, ReachesDatesAndTimestampsWithoutBoundsOfTheirOwn) {
  const Tables t =
      GenerateAll(Generator(Parse(Events("time: {from: 2023-03-01, to: 2023-03-31}")), BuiltinRegistry(), Options()), 8000);
  const Tables plain = GenerateAll(Generator(Parse(Events("")), BuiltinRegistry(), Options()), 8000);
  const auto& e = t[0];
  for (size_t i = 0; i < e[0].size(); ++i) {
    EXPECT_GE(*e[1][i], Day(2023, 3, 1));
    EXPECT_LE(*e[1][i], Day(2023, 3, 31));
    EXPECT_GE(*e[2][i], Micros(2023, 3, 1));
    EXPECT_LT(*e[2][i], Micros(2023, 4, 1));  // `to` is inclusive: its whole day
    EXPECT_EQ(*e[2][i] % kSecond, 0);
  }
  // Bounds of its own win; without a window, the providers' defaults
  // (2015-2024 and 2024): the window is what moved the values.
  EXPECT_EQ(e[3], plain[0][3]);
  int64_t before_2023 = 0;
  for (const auto& v : plain[0][1]) before_2023 += *v < Day(2023, 1, 1);
  EXPECT_GT(before_2023, 2000);  // 8 of the 10 default years
  for (const auto& v : plain[0][2]) EXPECT_GE(*v, Micros(2024, 1, 1));
}

TEST(SimulationWindow, OptionsReplaceTheDomainsBounds) {
  GenerateOptions options = Options();
  options.from = Micros(2022, 6, 1) + 12 * 3600 * kSecond;  // --from '2022-06-01 12:00'
  const Tables t = GenerateAll(
      Generator(Parse(Events("time: {from: 2022-01-01, to: 2022-06-02}")), BuiltinRegistry(), options), 8000);
  for (size_t i = 0; i < t[0][0].size(); ++i) {
    EXPECT_GE(*t[0][2][i], *options.from);
    EXPECT_LT(*t[0][2][i], Micros(2022, 6, 3));
    EXPECT_GE(*t[0][1][i], Day(2022, 6, 1));
  }
  // A domain without a window: both options, else a usage error.
  const Domain plain = Parse(Events(""));
  EXPECT_THROW(Generator(plain, BuiltinRegistry(), options), UsageError);
  options.to = Micros(2022, 6, 1);
  try {
    Generator generator(plain, BuiltinRegistry(), options);
    FAIL() << "--from after --to was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--from is after --to"), std::string::npos) << e.what();
  }
}

TEST(SimulationWindow, ABoundOfItsOwnMeetsTheWindowsOther) {
  // `to` before the provider's default `from` (2024-01-01) is valid inside
  // a 2023 window, whose `from` the column takes.
  const Tables t = GenerateAll(Generator(Parse(R"(time: {from: 2023-01-01, to: 2023-12-31}
entities:
  events:
    rows: 1000
    columns:
      at: {type: timestamp, not_null: true, provider: timestamp, params: {to: 2023-06-30}}
)"),
                                         BuiltinRegistry(), Options()),
                               8000);
  for (const auto& v : t[0][0]) {
    EXPECT_GE(*v, Micros(2023, 1, 1));
    EXPECT_LE(*v, Micros(2023, 6, 30));
  }
}

TEST(SimulationWindow, RelativeBoundsFollowTheReferenceDate) {
  const Tables t =
      GenerateAll(Generator(Parse(Events("time: {from: today-30d, to: today}")), BuiltinRegistry(), Options()), 8000);
  for (const auto& v : t[0][1]) {
    EXPECT_GE(*v, Options().today - 30);
    EXPECT_LE(*v, Options().today);
  }
}

// Accounts opened 2020-2025 (a window of 2023-2024), a third still open,
// the others closed up to two years later; transactions at 3 a month of
// each account's active time in the window.
constexpr const char* kAccounts = R"(time: {from: 2023-01-01, to: 2024-12-31}
entities:
  accounts:
    rows: 3000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      opened: {type: date, not_null: true, provider: date, params: {from: 2020-01-01, to: 2025-12-31}}
      closed: {type: date, null_rate: 0.33, provider: date, params: {after: opened, max_days_after: 730}}
  tx:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      account: {type: bigint, not_null: true, references: accounts,
                per_parent: {rate: 3, per: month, active: [opened, closed]}}
      at: {type: timestamp, not_null: true, provider: timestamp, between: [accounts.opened, accounts.closed]}
)";

TEST(RateCounts, ChildrenFollowTheParentsActiveTimeInTheWindow) {
  const Domain domain = Parse(kAccounts);  // the generator keeps a reference
  const Tables t = GenerateAll(Generator(domain, BuiltinRegistry(), Options()), 8000);
  const auto& accounts = t[0];
  const auto& tx = t[1];
  const int64_t window_from = Day(2023, 1, 1), window_end = Day(2025, 1, 1);
  std::vector<int64_t> children(accounts[0].size(), 0);
  for (size_t i = 0; i < tx[0].size(); ++i) {
    const size_t a = static_cast<size_t>(*tx[1][i] - 1);
    ++children[a];
    // Inside the window and the account's life.
    EXPECT_GE(*tx[2][i], window_from * kMicrosPerDay);
    EXPECT_LT(*tx[2][i], window_end * kMicrosPerDay);
    EXPECT_GE(*tx[2][i], *accounts[1][a] * kMicrosPerDay);
    if (accounts[2][a]) EXPECT_LE(*tx[2][i], *accounts[2][a] * kMicrosPerDay);
  }
  double months = 0;
  int outside = 0, outside_with_children = 0;
  for (size_t a = 0; a < children.size(); ++a) {
    const int64_t start = std::max(*accounts[1][a], window_from);
    const int64_t end = std::min(accounts[2][a] ? *accounts[2][a] : window_end, window_end);
    if (end <= start) {
      ++outside;
      outside_with_children += children[a] > 0;
      continue;
    }
    months += static_cast<double>(end - start) / (365.2425 / 12);
  }
  // The total is Poisson(3 x months): its mean per month strays by
  // sqrt(3 / months) at most z times. Counting per parent uniformly instead
  // (the same total spread evenly) leaves parents outside the window with
  // children; a rate per day instead of per month is 30 times off.
  const double per_month = static_cast<double>(tx[0].size()) / months;
  EXPECT_NEAR(per_month, 3.0, testing::MeanBound(std::sqrt(3.0), months, testing::kOneComparison));
  EXPECT_GT(outside, 600);  // opened 2025 or closed before 2023: about 1 in 4
  EXPECT_EQ(outside_with_children, 0);
}

TEST(RateCounts, ActiveFromAloneRunsToTheWindowsEnd) {
  // `active: [opened]`: every account counts from its opening to the end
  // of the window, whatever `closed` says (the rate reads it no more).
  std::string text = kAccounts;
  text.replace(text.find("active: [opened, closed]"), std::string("active: [opened, closed]").size(), "active: [opened]");
  text.replace(text.find("between: [accounts.opened, accounts.closed]"),
               std::string("between: [accounts.opened, accounts.closed]").size(), "after: accounts.opened");
  const Domain domain = Parse(text);
  const Tables t = GenerateAll(Generator(domain, BuiltinRegistry(), Options()), 8000);
  const auto& accounts = t[0];
  const auto& tx = t[1];
  const int64_t window_from = Day(2023, 1, 1), window_end = Day(2025, 1, 1);
  std::vector<int64_t> children(accounts[0].size(), 0);
  for (size_t i = 0; i < tx[0].size(); ++i) ++children[static_cast<size_t>(*tx[1][i] - 1)];
  double months = 0;
  int outside_with_children = 0;
  for (size_t a = 0; a < children.size(); ++a) {
    const int64_t start = std::max(*accounts[1][a], window_from);
    if (window_end <= start) {
      outside_with_children += children[a] > 0;
      continue;
    }
    months += static_cast<double>(window_end - start) / (365.2425 / 12);
  }
  const double per_month = static_cast<double>(tx[0].size()) / months;
  EXPECT_NEAR(per_month, 3.0, testing::MeanBound(std::sqrt(3.0), months, testing::kOneComparison));
  EXPECT_EQ(outside_with_children, 0);  // opened in 2025, after the window
}

TEST(RateCounts, SameRowsForAnySplitIntoBatches) {
  // Planning counts each parent block at once; a batch finds its rows'
  // parents by walking the block's counts again: any split agrees.
  const Domain domain = Parse(kAccounts);
  const Generator generator(domain, BuiltinRegistry(), Options());
  EXPECT_EQ(GenerateAll(generator, 8000), GenerateAll(generator, 7));
}

// Timestamps in January-June 2024 weighted to Monday mornings (09:00) and
// Friday afternoons (15:00); `moved` is drawn in 2023 and a rule moves every
// value into February-June 2024.
constexpr const char* kSeasons = R"(time: {from: 2024-01-01, to: 2024-06-30}
entities:
  days:
    rows: 20000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      floor: {type: timestamp, not_null: true, provider: timestamp, params: {from: 2024-02-01, to: 2024-02-01}}
      ceiling: {type: timestamp, not_null: true, provider: timestamp, params: {from: 2024-06-30 23:59:59, to: 2024-06-30 23:59:59}}
      drawn: {type: timestamp, not_null: true, provider: timestamp, group: a,
              params: {season: {hour: [0,0,0,0,0,0,0,0,0,3,0,0,0,0,0,1,0,0,0,0,0,0,0,0], weekday: [1,0,0,0,1,0,0]}}}
      moved: {type: timestamp, not_null: true, provider: timestamp, group: b,
              params: {from: 2023-01-01, to: 2023-12-31,
                       season: {hour: [0,0,0,0,0,0,0,0,0,3,0,0,0,0,0,1,0,0,0,0,0,0,0,0], weekday: [1,0,0,0,1,0,0]}},
              after: floor, before: ceiling}
)";

TEST(Seasonality, WeekdaysAndHoursFollowTheProfileAlsoWhenARuleMovesTheValue) {
  const Tables t = GenerateAll(Generator(Parse(kSeasons), BuiltinRegistry(), Options()), 8000);
  for (int c : {3, 4}) {
    SCOPED_TRACE(c == 3 ? "drawn" : "moved by a rule");
    // Mondays among the window's Mondays and Fridays (equal weights).
    double mondays = 0, fridays = 0;
    for (int64_t day = c == 3 ? Day(2024, 1, 1) : Day(2024, 2, 1); day < Day(2024, 7, 1); ++day) {
      mondays += (day + 3) % 7 == 0;
      fridays += (day + 3) % 7 == 4;
    }
    const double monday_share = mondays / (mondays + fridays);
    const auto& values = t[0][c];
    int64_t monday = 0, nine = 0, other = 0;
    for (const auto& v : values) {
      const int64_t seconds = *v / kSecond;
      const int64_t day = seconds / 86400, hour = seconds % 86400 / 3600;
      const int64_t weekday = (day + 3) % 7;  // Monday 0
      monday += weekday == 0;
      nine += hour == 9;
      other += (weekday != 0 && weekday != 4) || (hour != 9 && hour != 15);
      EXPECT_GE(*v, c == 4 ? Micros(2024, 2, 1) : Micros(2024, 1, 1));
      EXPECT_LT(*v, Micros(2024, 7, 1));
    }
    // 3 in 4 at nine. A uniform redraw (the rule before DrawIn) puts 5 in
    // 7 of the rows on other days.
    const double n = static_cast<double>(values.size());
    EXPECT_NEAR(monday / n, monday_share, testing::ShareBound(monday_share, n, testing::kManyComparisons));
    EXPECT_NEAR(nine / n, 0.75, testing::ShareBound(0.75, n, testing::kManyComparisons));
    EXPECT_EQ(other, 0);
  }
}

}  // namespace
}  // namespace seedforge
