#include "support/csv_reader.h"

#include <stdexcept>

#include "test_util.h"

namespace seedforge::testing {

int CsvTable::Column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

CsvTable ParseCsv(const std::string& text) {
  CsvTable table;
  std::vector<std::optional<std::string>> row;
  std::string field;
  bool quoted = false, was_quoted = false, in_quotes = false;
  bool first = true;
  auto end_field = [&] {
    if (!was_quoted && field.empty()) {
      row.push_back(std::nullopt);
    } else {
      row.push_back(field);
    }
    field.clear();
    was_quoted = false;
  };
  auto end_row = [&] {
    end_field();
    if (first) {
      for (auto& f : row) table.header.push_back(f.value_or(""));
      first = false;
    } else {
      table.rows.push_back(std::move(row));
    }
    row.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = was_quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_row();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) end_row();
  (void)quoted;
  return table;
}

CsvTable ReadCsv(const std::string& path) { return ParseCsv(ReadFile(path)); }

}  // namespace seedforge::testing
