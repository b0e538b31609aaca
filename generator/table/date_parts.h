// The parts of a date or timestamp as written, before the day-month order
// is known: type inference collects them over a column to choose the order
// (table.cpp), and ParseDateTime reads one value with a known order.
#pragma once

#include <cstdint>
#include <string_view>

#include "seedforge/table.h"

namespace seedforge::internal {

struct DateParts {
  bool year_first = true;  // YYYY?MM?DD; else ??/??/YYYY with a, b in the order written
  int year = 0, a = 0, b = 0;
  char date_separator = '-';
  bool has_time = false;
  char time_separator = ' ';
  bool has_seconds = false;
  int hour = 0, minute = 0, second = 0;
  int64_t fraction_micros = 0;
  int fraction_digits = 0;
  DateFormat::Zone zone = DateFormat::Zone::kNone;
  int offset_minutes = 0;
};

// Splits a date or timestamp in any accepted form; false when it is none.
bool SplitDateTime(std::string_view text, DateParts* parts);
// Microseconds since the epoch (UTC) of the parts read in `order`; false
// when the order does not fit (a year-first value and a day-first order) or
// the date does not exist.
bool DateTimeMicros(const DateParts& parts, DateFormat::Order order, int64_t* micros);

}  // namespace seedforge::internal
