// Dates and keyed rows of generated CSV files, for the end-to-end tests of
// the built-in domains' rules: "YYYY-MM-DD[ HH:MM:SS]" as seconds since 1970
// (a date is its midnight, as SQL compares dates with timestamps), and a
// table's rows by key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "seedforge/calendar.h"
#include "support/csv_reader.h"

namespace seedforge::testing {

// Seconds since 1970 of "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS[...]".
inline int64_t Seconds(const std::string& text) {
  const int64_t day = DaysFromCivil(std::stoi(text.substr(0, 4)), static_cast<unsigned>(std::stoi(text.substr(5, 2))),
                                    static_cast<unsigned>(std::stoi(text.substr(8, 2))));
  int64_t seconds = day * 86400;
  if (text.size() >= 19) {
    seconds += std::stoi(text.substr(11, 2)) * 3600 + std::stoi(text.substr(14, 2)) * 60 + std::stoi(text.substr(17, 2));
  }
  return seconds;
}

// Seconds since 1970 of the day `years` after the date `text` (29 February
// on to 1 March, as the rules count it).
inline int64_t YearsAfter(const std::string& text, int years) {
  return DaysFromCivil(std::stoi(text.substr(0, 4)) + years, static_cast<unsigned>(std::stoi(text.substr(5, 2))),
                       static_cast<unsigned>(std::stoi(text.substr(8, 2)))) *
         86400;
}

using CsvRow = std::vector<std::optional<std::string>>;

// Rows of `table` by the value of their column `key`.
inline std::map<std::string, const CsvRow*> ByKey(const CsvTable& table, const std::string& key) {
  std::map<std::string, const CsvRow*> rows;
  const int k = table.Column(key);
  for (const auto& row : table.rows) rows[*row[k]] = &row;
  return rows;
}

}  // namespace seedforge::testing
