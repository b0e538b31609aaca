#include "support/csv_reader.h"

#include <algorithm>

#include "seedforge/csv.h"

namespace seedforge::testing {

int CsvTable::Column(const std::string& name) const {
  auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

namespace {

CsvTable ReadAll(CsvReader& reader) {
  CsvTable table;
  table.header = reader.header();
  while (reader.Next()) {
    auto& row = table.rows.emplace_back();
    for (const auto& field : reader.fields()) row.push_back(field ? std::optional<std::string>(*field) : std::nullopt);
  }
  return table;
}

}  // namespace

CsvTable ParseCsv(const std::string& text) { return ReadAll(*CsvReader::FromText(text, "text.csv")); }

CsvTable ReadCsv(const std::string& path) { return ReadAll(*CsvReader::Open(path)); }

}  // namespace seedforge::testing
