#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>

#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"
#include "test_util.h"
#include "validate/people_rules.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;

BatchColumn TextValues(std::vector<std::string> values) {
  BatchColumn c;
  c.kind = ValueKind::kText;
  c.texts = std::move(values);
  return c;
}

const char* const kStates[] = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA",
                               "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA",
                               "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
                               "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX",
                               "UT", "VT", "VA", "WA", "WV", "WI", "WY"};

// --- ssn ------------------------------------------------------------------

TEST(IdentityPack, SsnsFollowSsaRules) {
  auto cols = RunProvider("ssn", {.rows = kRows});
  std::set<int64_t> areas;
  for (const std::string& ssn : cols[0].texts) {
    ASSERT_TRUE(validate::IsValidSsn(ssn)) << ssn;
    ASSERT_TRUE(identifiers::SsnPartsValid(static_cast<int>(validate::DigitsAt(ssn, 0, 3)),
                                           static_cast<int>(validate::DigitsAt(ssn, 4, 2)),
                                           static_cast<int>(validate::DigitsAt(ssn, 7, 4))))
        << ssn;
    areas.insert(validate::DigitsAt(ssn, 0, 3));
  }
  // Uniform over 898 areas: all turn up in 100,000 draws (each is missed
  // with probability e^-111), from 001 to 899.
  EXPECT_EQ(areas.size(), 898u);
  EXPECT_EQ(*areas.begin(), 1);
  EXPECT_EQ(*areas.rbegin(), 899);
}

TEST(IdentityPack, UniqueSsnsAreDistinct) {
  const size_t n = 200000;
  auto cols = RunProvider("ssn", {.rows = n, .unique = {true}});
  std::unordered_set<std::string> seen;
  for (const std::string& ssn : cols[0].texts) {
    ASSERT_TRUE(validate::IsValidSsn(ssn)) << ssn;
    seen.insert(ssn);
  }
  EXPECT_EQ(seen.size(), n);
}

TEST(IdentityPack, SsnSpaceIsExactlyTheValidNumbers) {
  // 898 areas (001-899 but 666) x 99 groups x 9999 serials.
  const uint64_t space = 898ULL * 99 * 9999;
  const ProviderSpec* spec = BuiltinRegistry().Find("ssn");
  ASSERT_NE(spec, nullptr);
  auto provider = spec->make(testing::MakeParams({}), ProviderContext{});
  EXPECT_EQ(provider->UniqueSpace(0), space);
  // The last rows of the space still decode to valid, distinct numbers.
  auto cols = RunProvider("ssn", {.rows = 5000, .first_row = space - 5000, .unique = {true}});
  std::set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), 5000u);
  for (const std::string& ssn : seen) ASSERT_TRUE(validate::IsValidSsn(ssn)) << ssn;
}

TEST(IdentityPack, SsnWithoutDashes) {
  auto cols = RunProvider("ssn", {.params = {{"dashes", "false"}}, .rows = 1000});
  for (const std::string& ssn : cols[0].texts) {
    ASSERT_TRUE(std::regex_match(ssn, std::regex(R"(\d{9})"))) << ssn;
    ASSERT_TRUE(
        validate::IsValidSsn(ssn.substr(0, 3) + "-" + ssn.substr(3, 2) + "-" + ssn.substr(5)));
  }
}

// --- date_of_birth --------------------------------------------------------

TEST(IdentityPack, DateOfBirthGivesAgeInRange) {
  const int64_t today = DaysFromCivil(2026, 1, 1);
  auto cols = RunProvider("date_of_birth", {.rows = kRows, .today = today});
  ASSERT_EQ(cols[0].kind, ValueKind::kDate);
  std::set<int> ages;
  for (int64_t birth : cols[0].ints) {
    const int age = validate::AgeOn(birth, today);
    ASSERT_GE(age, 18);
    ASSERT_LE(age, 80);
    ages.insert(age);
  }
  EXPECT_EQ(ages.size(), 63u);  // 18..80, each ~1,600 times
}

TEST(IdentityPack, DateOfBirthCoversExactlyTheDatesOfTheAge) {
  // With unique: true over the whole span, every allowed date appears once;
  // the set must equal, day for day, the dates that give the age, found by
  // brute force. Checked on a leap day and the days around it.
  for (const auto& [y, m, d] :
       {std::tuple{2024, 2u, 29u}, std::tuple{2024, 2u, 28u}, std::tuple{2024, 3u, 1u},
        std::tuple{2026, 3u, 1u}, std::tuple{2026, 2u, 28u}, std::tuple{2025, 12u, 31u}}) {
    const int64_t today = DaysFromCivil(y, m, d);
    std::set<int64_t> expected;
    for (int64_t day = today - 60 * 366; day <= today; ++day) {
      const int age = validate::AgeOn(day, today);
      if (age >= 30 && age <= 31) expected.insert(day);
    }
    const ProviderSpec* spec = BuiltinRegistry().Find("date_of_birth");
    ProviderContext ctx{.today = today};
    auto provider = spec->make(testing::MakeParams({{"min_age", "30"}, {"max_age", "31"}}), ctx);
    ASSERT_EQ(provider->UniqueSpace(0), expected.size());
    auto cols = RunProvider("date_of_birth", {.params = {{"min_age", "30"}, {"max_age", "31"}},
                                              .rows = expected.size(),
                                              .unique = {true},
                                              .today = today});
    std::set<int64_t> got(cols[0].ints.begin(), cols[0].ints.end());
    EXPECT_EQ(got, expected) << y << "-" << m << "-" << d;
  }
}

TEST(IdentityPack, DateOfBirthFollowsAnAgeColumn) {
  // Ages 0..99 and NULL against min_age 18, max_age 80: each row's birth date
  // gives exactly its age, clamped into the range; NULL rows get any age in
  // it. Checked around a leap day, where "years ago" is easiest to get wrong.
  for (const int64_t today : {DaysFromCivil(2024, 2, 29), DaysFromCivil(2026, 3, 1)}) {
    BatchColumn ages;
    ages.kind = ValueKind::kInt;
    ages.Resize(kRows);
    for (size_t i = 0; i < kRows; ++i) ages.ints[i] = static_cast<int64_t>(i % 100);
    for (size_t i = 0; i < kRows; i += 97) ages.SetNull(i);
    auto cols = RunProvider("date_of_birth", {.params = {{"min_age", "18"}, {"max_age", "80"}, {"age", "age"}},
                                              .rows = kRows,
                                              .inputs = {&ages},
                                              .today = today});
    std::set<int64_t> births_at_40;
    for (size_t i = 0; i < kRows; ++i) {
      const int age = validate::AgeOn(cols[0].ints[i], today);
      if (ages.IsNull(i)) {
        ASSERT_GE(age, 18);
        ASSERT_LE(age, 80);
      } else {
        ASSERT_EQ(age, std::clamp<int64_t>(ages.ints[i], 18, 80)) << "row " << i;
        if (ages.ints[i] == 40) births_at_40.insert(cols[0].ints[i]);
      }
    }
    // Spread over the year, not one date: ~990 rows aged 40 over 365 or 366
    // possible dates meet about 341 of them (sd 4.3).
    EXPECT_GT(births_at_40.size(), 250u);
  }
  ProviderContext ctx{.today = DaysFromCivil(2026, 1, 1)};
  auto provider = BuiltinRegistry().Find("date_of_birth")->make(testing::MakeParams({{"age", "age"}}), ctx);
  EXPECT_EQ(provider->UniqueSpace(0), std::nullopt);  // unique is refused at validation
}

TEST(IdentityPack, DateOfBirthRejectsBadAges) {
  EXPECT_THROW(
      RunProvider("date_of_birth", {.params = {{"min_age", "40"}, {"max_age", "30"}}, .rows = 1}),
      InputError);
  EXPECT_THROW(RunProvider("date_of_birth", {.params = {{"min_age", "-1"}}, .rows = 1}),
               InputError);
}

// --- blood_group ----------------------------------------------------------

TEST(IdentityPack, BloodGroupsFollowUsFrequencies) {
  // Stanford Blood Center's US shares; each observed share must be within
  // its binomial noise at p = 1e-6 over 100,000 rows (0.75 points for O+,
  // 0.12 for AB-).
  const std::map<std::string, double> kShares = {{"O+", 0.374},  {"A+", 0.357}, {"B+", 0.085},
                                                 {"AB+", 0.034}, {"O-", 0.066}, {"A-", 0.063},
                                                 {"B-", 0.015},  {"AB-", 0.006}};
  auto cols = RunProvider("blood_group", {.rows = kRows});
  std::map<std::string, size_t> counts;
  for (const std::string& g : cols[0].texts) ++counts[g];
  ASSERT_EQ(counts.size(), kShares.size());
  for (const auto& [group, share] : kShares) {
    EXPECT_NEAR(counts[group] / double(kRows), share,
                testing::ShareBound(share, kRows, testing::kManyComparisons))
        << group;
  }
}

// --- driver_license -------------------------------------------------------

TEST(IdentityPack, DriverLicenseHasItsStatesFormat) {
  std::vector<std::string> states;
  for (size_t i = 0; i < kRows; ++i) states.push_back(kStates[i % std::size(kStates)]);
  BatchColumn state = TextValues(states);
  auto cols = RunProvider("driver_license",
                          {.params = {{"state", "state"}}, .rows = kRows, .inputs = {&state}});
  // Today's most common format of a few large states, stricter than the
  // list of every format the validator accepts.
  const std::map<std::string, std::regex> kCurrent = {
      {"CA", std::regex(R"([A-Z]\d{7})")},     {"NY", std::regex(R"(\d{9})")},
      {"FL", std::regex(R"([A-Z]\d{12})")},    {"TX", std::regex(R"(\d{8})")},
      {"PA", std::regex(R"(\d{8})")},          {"IL", std::regex(R"([A-Z]\d{11})")},
      {"WA", std::regex(R"(WDL[A-Z0-9]{9})")}, {"NH", std::regex(R"(\d{2}[A-Z]{3}\d{5})")},
  };
  std::map<std::string, std::set<std::string>> distinct;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& dl = cols[0].texts[i];
    ASSERT_TRUE(validate::DriverLicenseMatchesState(dl, states[i])) << states[i] << " " << dl;
    auto it = kCurrent.find(states[i]);
    if (it != kCurrent.end()) {
      ASSERT_TRUE(std::regex_match(dl, it->second)) << states[i] << " " << dl;
    }
    distinct[states[i]].insert(dl);
  }
  // ~2,000 draws per state from at least 10^7 numbers: hardly any repeats.
  for (const auto& [s, values] : distinct) EXPECT_GT(values.size(), 1900u) << s;
}

TEST(IdentityPack, DriverLicenseFixedOrRandomState) {
  auto cols = RunProvider("driver_license", {.params = {{"issuing_state", "fl"}}, .rows = 1000});
  for (const std::string& dl : cols[0].texts)
    ASSERT_TRUE(validate::DriverLicenseMatchesState(dl, "FL")) << dl;
  cols = RunProvider("driver_license", {.rows = 1000});
  for (const std::string& dl : cols[0].texts) {
    bool some_state = false;
    for (const char* s : kStates)
      some_state = some_state || validate::DriverLicenseMatchesState(dl, s);
    ASSERT_TRUE(some_state) << dl;
  }
  EXPECT_THROW(RunProvider("driver_license", {.params = {{"issuing_state", "XX"}}, .rows = 1}),
               InputError);
}

TEST(IdentityPack, UniqueDriverLicensesForAFixedState) {
  const size_t n = 200000;
  auto cols = RunProvider("driver_license",
                          {.params = {{"issuing_state", "CA"}}, .rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), n);
  const ProviderSpec* spec = BuiltinRegistry().Find("driver_license");
  auto fixed = spec->make(testing::MakeParams({{"issuing_state", "CA"}}), ProviderContext{});
  EXPECT_EQ(fixed->UniqueSpace(0), 26ULL * 10000000);
  auto by_column = spec->make(testing::MakeParams({{"state", "state"}}), ProviderContext{});
  EXPECT_EQ(by_column->UniqueSpace(0), std::nullopt);
}

}  // namespace
}  // namespace seedforge
