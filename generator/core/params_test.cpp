// The date syntax of provider parameters (ParseDateSpec,
// ParseTimestampSpec). Cases the fuzzer (tests/fuzz/values_fuzz.cpp) found
// are marked.
#include <gtest/gtest.h>

#include "seedforge/column.h"
#include "seedforge/params.h"

namespace seedforge {
namespace {

const int64_t kToday = DaysFromCivil(2024, 1, 31);

TEST(ParamDates, AbsoluteAndRelativeDates) {
  int64_t days = 0;
  ASSERT_TRUE(ParseDateSpec("2024-02-29", kToday, &days));
  EXPECT_EQ(days, DaysFromCivil(2024, 2, 29));
  EXPECT_FALSE(ParseDateSpec("2023-02-29", kToday, &days));
  ASSERT_TRUE(ParseDateSpec("today", kToday, &days));
  EXPECT_EQ(days, kToday);
  ASSERT_TRUE(ParseDateSpec("today+1m", kToday, &days));
  EXPECT_EQ(days, DaysFromCivil(2024, 2, 29));  // the month's last day
  ASSERT_TRUE(ParseDateSpec("today-18y", kToday, &days));
  EXPECT_EQ(days, DaysFromCivil(2006, 1, 31));
  ASSERT_TRUE(ParseDateSpec("today+30d", kToday, &days));
  EXPECT_EQ(days, kToday + 30);
  ASSERT_TRUE(ParseDateSpec("today-2024y", kToday, &days));  // year 0000
  EXPECT_EQ(days, DaysFromCivil(0, 1, 31));
  int64_t micros = 0;
  ASSERT_TRUE(ParseTimestampSpec("9999-12-31 23:59:59", kToday, &micros));
  EXPECT_EQ(micros, (DaysFromCivil(9999, 12, 31) * 86400 + 86399) * 1'000'000);
}

// Fuzzer: "today--2147483648d" negated INT_MIN (UBSan), "today+-5d" read a
// sign the syntax does not have, and far relative dates overflowed:
// AddMonths' year and the timestamp's microseconds (UBSan: signed integer
// overflow in ParseTimestampSpec).
TEST(ParamDates, SignsAndDatesBeyondYear9999AreRefused) {
  int64_t days = 0, micros = 0;
  for (const char* text : {"today--2147483648d", "today+-5d", "today-+5d", "today+2147483647d", "today+2147483647y",
                           "today+7976y", "today-2025y", "today+3000000d", "-001-01-01"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseDateSpec(text, kToday, &days));
    EXPECT_FALSE(ParseTimestampSpec(text, kToday, &micros));
  }
  EXPECT_TRUE(ParseDateSpec("today+7975y", kToday, &days));  // 9999-01-31
}

}  // namespace
}  // namespace seedforge
