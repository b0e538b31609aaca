// A small RFC 4180 reader for tests: quoted fields, doubled quotes,
// embedded newlines. Keeps NULL (an empty unquoted field) apart from the
// empty string ("").
#pragma once

#include <map>
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
