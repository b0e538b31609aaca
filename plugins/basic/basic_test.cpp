#include <gtest/gtest.h>

#include <set>

#include "seedforge/random.h"
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

TEST(BasicPack, CategoryFollowsWeights) {
  // values "a,b" have equal weights: each near 50% of 100,000 draws (the
  // binomial standard deviation is 0.16%, so 1% is over 6 sigma).
  auto cols = RunProvider("category", {.params = {{"values", "a,b"}}, .rows = 100000});
  size_t a = 0;
  for (const std::string& v : cols[0].texts) a += v == "a";
  EXPECT_NEAR(a / 100000.0, 0.5, 0.01);
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
