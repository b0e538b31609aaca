#include <gtest/gtest.h>

#include <map>
#include <set>

#include "seedforge/calendar.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::RunProvider;

TEST(IndexPermutation, IsABijection) {
  for (uint64_t n : {1ULL, 2ULL, 3ULL, 10ULL, 1000ULL, 4097ULL}) {
    IndexPermutation permute(7, n);
    std::set<uint64_t> seen;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t v = permute(i);
      ASSERT_LT(v, n);
      seen.insert(v);
    }
    EXPECT_EQ(seen.size(), n) << "n=" << n;
  }
}

TEST(BasicPack, SequenceCountsFromStart) {
  auto cols = RunProvider("sequence", {.params = {{"start", "100"}, {"step", "5"}}, .rows = 3, .first_row = 2});
  EXPECT_EQ(cols[0].ints, (std::vector<int64_t>{110, 115, 120}));
}

TEST(BasicPack, UuidsAreVersion4AndDistinct) {
  auto cols = RunProvider("uuid", {.rows = 20000});
  std::set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), 20000u);
  for (const std::string& u : cols[0].texts) {
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
  }
}

TEST(BasicPack, UniqueIntegersFillTheRange) {
  auto cols = RunProvider("integer", {.params = {{"min", "10"}, {"max", "509"}}, .rows = 500, .unique = {true}});
  std::set<int64_t> seen(cols[0].ints.begin(), cols[0].ints.end());
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(*seen.begin(), 10);
  EXPECT_EQ(*seen.rbegin(), 509);
}

TEST(BasicPack, TimestampSeasonBusinessHours) {
  // The business_hours profile weighs 08:00-17:59 on Monday to Friday only,
  // the 12:00 hour 0.6 of the others (and 17:00 0.8): of 50,000 draws none
  // falls outside, and the noon share is 0.6 / 9.4 within its binomial noise
  // at p = 1e-3 (0.0036). A uniform draw puts 5 in 7 of the rows outside.
  auto cols = RunProvider("timestamp", {.params = {{"season", "business_hours"}}, .rows = 50000});
  size_t outside = 0, noon = 0;
  for (int64_t micros : cols[0].ints) {
    const int64_t seconds = micros / 1000000;
    const int64_t day = seconds / 86400, hour = seconds % 86400 / 3600;
    outside += (day + 3) % 7 >= 5 || hour < 8 || hour > 17;
    noon += hour == 12;
  }
  const double n = static_cast<double>(cols[0].ints.size());
  EXPECT_EQ(outside, 0u);
  EXPECT_NEAR(static_cast<double>(noon) / n, 0.6 / 9.4, testing::ShareBound(0.6 / 9.4, n, testing::kOneComparison));
}

TEST(BasicPack, TimestampSeasonRetailPeaksInDecember) {
  // retail weighs December 1.45 against a year's total of 12.25 (weighted
  // by days: 31 x 1.45 / 373.85 of the 2024 draws); uniform gives 31/366.
  auto cols = RunProvider("timestamp", {.params = {{"season", "retail"}}, .rows = 50000});
  size_t december = 0;
  for (int64_t micros : cols[0].ints) december += micros >= DaysFromCivil(2024, 12, 1) * 86400LL * 1000000;
  double weighted_days = 0;
  const double month_weight[] = {0.85, 0.85, 0.95, 0.95, 1, 1, 1, 1.05, 0.95, 1, 1.2, 1.45};
  for (unsigned m = 1; m <= 12; ++m) weighted_days += DaysInMonth(2024, m) * month_weight[m - 1];
  const double expected = 31 * 1.45 / weighted_days, n = static_cast<double>(cols[0].ints.size());
  EXPECT_NEAR(static_cast<double>(december) / n, expected, testing::ShareBound(expected, n, testing::kOneComparison));
}

TEST(BasicPack, CategoryCycleGivesEveryValueOncePerRun) {
  // Rows 1-12: the runs of rows 4-7 and 8-11 each hold every value once.
  auto cols = RunProvider("category", {.params = {{"values", "a,b,c,d"}, {"cycle", "true"}}, .rows = 12, .first_row = 1});
  const std::vector<std::string>& v = cols[0].texts;
  ASSERT_EQ(v.size(), 12u);
  const std::set<std::string> all = {"a", "b", "c", "d"};
  EXPECT_EQ(std::set<std::string>(v.begin() + 3, v.begin() + 7), all);
  EXPECT_EQ(std::set<std::string>(v.begin() + 7, v.begin() + 11), all);
}

TEST(BasicPack, CategoryCycleWithCountsHoldsThemInEveryRun) {
  const ProviderSpec* spec = BuiltinRegistry().Find("category");
  ASSERT_NE(spec, nullptr);
  auto counts = [](std::vector<std::pair<const char*, const char*>> items) {
    ParamValue map;
    map.type = ParamValue::Type::kMap;
    for (const auto& [value, count] : items) {
      ParamValue w;
      w.scalar = count;
      map.map.emplace_back(value, w);
    }
    return map;
  };
  ParamValue yes;
  yes.scalar = "true";
  auto provider = spec->make(Params({{"values", counts({{"a", "3"}, {"b", "1"}, {"c", "2"}})}, {"cycle", yes}}, {}),
                             ProviderContext{});
  std::vector<uint64_t> rows(18);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  BatchColumn column;
  column.kind = spec->fields[0].kind;
  column.Resize(rows.size());
  BatchColumn* outputs[] = {&column};
  bool unique[] = {false};
  FillArgs args;
  args.rows = rows;
  args.key = 42;
  args.outputs = outputs;
  args.unique = unique;
  provider->Fill(args);
  for (size_t run = 0; run < 3; ++run) {
    std::map<std::string, int> seen;
    for (size_t i = 6 * run; i < 6 * run + 6; ++i) ++seen[column.texts[i]];
    EXPECT_EQ(seen, (std::map<std::string, int>{{"a", 3}, {"b", 1}, {"c", 2}})) << run;
  }
  EXPECT_THROW(spec->make(Params({{"values", counts({{"a", "1.5"}})}, {"cycle", yes}}, {}), ProviderContext{}),
               InputError);
}

TEST(BasicPack, CategoryFollowsWeights) {
  // A list gives its values equal weights; a map, its own. Each share of
  // 100,000 draws within its binomial noise at p = 1e-6 (0.0077 at 0.5,
  // 0.0067 at 0.75); ignoring the map's weights scores 0.5 for a.
  auto share_of_a = [](const std::vector<BatchColumn>& cols) {
    size_t a = 0;
    for (const std::string& v : cols[0].texts) a += v == "a";
    return static_cast<double>(a) / static_cast<double>(cols[0].texts.size());
  };
  auto listed = RunProvider("category", {.params = {{"values", "a,b"}}, .rows = 100000});
  EXPECT_NEAR(share_of_a(listed), 0.5, testing::ShareBound(0.5, 100000, testing::kManyComparisons));

  const ProviderSpec* spec = BuiltinRegistry().Find("category");
  ASSERT_NE(spec, nullptr);
  ParamValue weights;
  weights.type = ParamValue::Type::kMap;
  for (const auto& [value, weight] : {std::pair{"a", "3"}, std::pair{"b", "1"}}) {
    ParamValue w;
    w.scalar = weight;
    weights.map.emplace_back(value, w);
  }
  auto provider = spec->make(Params({{"values", weights}}, {}), ProviderContext{});
  std::vector<uint64_t> rows(100000);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::vector<BatchColumn> weighted(1);
  weighted[0].kind = spec->fields[0].kind;
  weighted[0].Resize(rows.size());
  BatchColumn* outputs[] = {&weighted[0]};
  bool unique[] = {false};
  FillArgs args;
  args.rows = rows;
  args.key = 42;
  args.outputs = outputs;
  args.unique = unique;
  provider->Fill(args);
  EXPECT_NEAR(share_of_a(weighted), 0.75,
              testing::ShareBound(0.75, 100000, testing::kManyComparisons));
}

TEST(BasicPack, DecimalStaysInRangeWithScale) {
  auto cols = RunProvider("decimal", {.params = {{"min", "1.5"}, {"max", "2.5"}, {"scale", "2"}}, .rows = 10000});
  for (int64_t v : cols[0].ints) {
    ASSERT_GE(v, 150);
    ASSERT_LE(v, 250);
  }
  EXPECT_EQ(cols[0].Text(0).size(), 4u);
}

TEST(BasicPack, DatesRelativeToToday) {
  auto cols = RunProvider("date", {.params = {{"from", "today-1y"}, {"to", "today"}}, .rows = 1000,
                                   .today = DaysFromCivil(2026, 3, 1)});
  for (int64_t d : cols[0].ints) {
    ASSERT_GE(d, DaysFromCivil(2025, 3, 1));
    ASSERT_LE(d, DaysFromCivil(2026, 3, 1));
  }
}

TEST(BasicPack, PatternUniqueIsDistinct) {
  auto cols = RunProvider("pattern", {.params = {{"pattern", "AB-##"}}, .rows = 100, .unique = {true}});
  std::set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(cols[0].texts[0].substr(0, 3), "AB-");
}

TEST(BasicPack, SameRowSameValueWhateverTheBatch) {
  auto whole = RunProvider("integer", {.rows = 100});
  auto tail = RunProvider("integer", {.rows = 10, .first_row = 90});
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(whole[0].ints[90 + i], tail[0].ints[i]);
}

}  // namespace
}  // namespace seedforge
