// The proleptic Gregorian calendar: days since 1970-01-01 to a civil date
// and back, and the month lengths. The one place every module (providers,
// encoders, the table layer, learn, eval) takes these rules from.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

namespace seedforge {

inline constexpr int64_t kMicrosPerDay = 86'400'000'000;

// Days since 1970-01-01 of year-month-day (Howard Hinnant's days_from_civil,
// https://howardhinnant.github.io/date_algorithms.html). REQUIRES: 1 <= month
// <= 12; an out-of-range day counts on into the next month.
int64_t DaysFromCivil(int year, unsigned month, unsigned day);
// The inverse (civil_from_days).
void CivilFromDays(int64_t days, int& year, unsigned& month, unsigned& day);

bool IsLeapYear(int year);
// 28 to 31. REQUIRES: 1 <= month <= 12.
unsigned DaysInMonth(int year, unsigned month);
// Whether the date exists: month 1-12, day 1 to the month's length.
bool IsValidDate(int year, int month, int day);

}  // namespace seedforge
