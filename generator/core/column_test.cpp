// Value formatting shared by every encoder: decimals at any scale PostgreSQL
// allows, dates and timestamps on both sides of the epoch.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "seedforge/column.h"
#include "seedforge/random.h"

namespace seedforge {
namespace {

std::string Decimal(int64_t unscaled, int scale) {
  std::string out;
  AppendDecimal(unscaled, scale, out);
  return out;
}

TEST(AppendDecimalTest, PlacesThePointAtAnyScale) {
  struct Case {
    int64_t unscaled;
    int scale;
    const char* text;
  };
  const Case cases[] = {
      {1230, 2, "12.30"},
      {-1230, 2, "-12.30"},
      {5, 2, "0.05"},
      {-5, 2, "-0.05"},
      {0, 3, "0.000"},
      {12, 2, "0.12"},
      {42, 0, "42"},
      {std::numeric_limits<int64_t>::max(), 4, "922337203685477.5807"},
      {std::numeric_limits<int64_t>::min(), 4, "-922337203685477.5808"},
      {std::numeric_limits<int64_t>::min(), 19, "-0.9223372036854775808"},
      // Scales past a uint64_t's 20 digits overflowed a 20-byte buffer and,
      // from 64 on, divided by a power of ten that had wrapped to zero.
      {125, 30, "0.000000000000000000000000000125"},
      {-7, 25, "-0.0000000000000000000000007"},
  };
  for (const Case& c : cases) EXPECT_EQ(Decimal(c.unscaled, c.scale), c.text) << c.unscaled << " scale " << c.scale;
  const std::string wide = Decimal(3, 1000);  // numeric's largest scale
  ASSERT_EQ(wide.size(), 1002u);
  EXPECT_EQ(wide.substr(0, 4), "0.00");
  EXPECT_EQ(wide.back(), '3');
}

TEST(AppendDateTest, FormatsBothSidesOfTheEpoch) {
  std::string out;
  AppendDate(DaysFromCivil(2024, 2, 29), out);
  EXPECT_EQ(out, "2024-02-29");
  out.clear();
  AppendTimestamp(-1, out);  // one microsecond before the epoch
  EXPECT_EQ(out, "1969-12-31 23:59:59.999999");
}

// Ranges whose width overflows int64 (min near INT64_MIN, max near
// INT64_MAX) are drawn in unsigned arithmetic: values stay in range and
// both halves are reached.
TEST(RandomStreamTest, BetweenCoversRangesWiderThanInt64) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int negative = 0;
  for (uint64_t row = 0; row < 1000; ++row) {
    RandomStream random(5, row);
    const int64_t all = random.Between(kMin, kMax);
    negative += all < 0;
    const int64_t wide = random.Between(kMin + 1, kMax - 1);
    EXPECT_GT(wide, kMin);
    EXPECT_LT(wide, kMax);
    const int64_t small = random.Between(-3, 3);
    EXPECT_GE(small, -3);
    EXPECT_LE(small, 3);
  }
  // Half of 1,000 draws are negative; 400..600 holds with p > 0.9999.
  EXPECT_GT(negative, 400);
  EXPECT_LT(negative, 600);
}

}  // namespace
}  // namespace seedforge
