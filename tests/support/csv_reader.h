// CSV files as rows of nullable strings for tests, read by the table layer's
// reader (seedforge/csv.h): NULL (an empty unquoted field) stays apart from
// the empty string ("").
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace seedforge::testing {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::optional<std::string>>> rows;

  int Column(const std::string& name) const;  // -1 when absent
};

CsvTable ParseCsv(const std::string& text);
CsvTable ReadCsv(const std::string& path);

}  // namespace seedforge::testing
